// A result document for checks that are not a property run (a Pact verification, the SDK matrix), so
// that every renderer shows them and they can be read beside a run.
import { specChecksum } from '../spec/index.ts';
import { decideVerdict, emptyCounts } from './assemble.ts';
import { RESULT_SCHEMA, type RuleResult, type RunResult } from './result.ts';
import { GENERATOR } from '../generate/version.ts';
import { versions } from './versions.ts';

export interface StandaloneInput {
  target: RunResult['provenance']['target'];
  /** What was checked, in place of a rule selection ('pact', 'sdk-matrix'). */
  checks: string;
  startedAt: string;
  durationMs: number;
  requests: RunResult['provenance']['requests'];
  rules: RuleResult[];
  cases: number;
  exchanges: number;
  notes: string[];
  /** The SDK versions involved, when not the project's own. */
  sdkVersion?: string;
  /** The target does not implement the operation: the same test as a run's probe said so. */
  notImplemented?: string;
}

export function standaloneResult(i: StandaloneInput): RunResult {
  const counts = emptyCounts();
  for (const r of i.rules) counts[r.verdict]++;
  const causes = i.rules.filter((r) => r.verdict === 'SKIPPED' || r.verdict === 'ERROR').map((r) => `${r.id}: ${r.message}`);
  const verdict = decideVerdict({ implemented: i.notImplemented === undefined, counts, untestable: counts.PASS + counts.FAIL + counts.DIVERGENT === 0 && counts.ERROR > 0, causes });
  const v = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: v.suite, generator: GENERATOR },
      sdk: { package: '@aws-sdk/client-ecr', version: i.sdkVersion ?? v.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      target: i.target, seed: 0, runs: 0, rules: i.checks,
      startedAt: i.startedAt, durationMs: Math.round(i.durationMs), requests: i.requests,
      interrupted: false, budgetExhausted: false, options: {},
    },
    summary: { verdict, counts, selected: i.rules.length, catalogue: i.rules.length, causes, notes: [], cases: i.cases, exchanges: i.exchanges, faults: 0 },
    capabilities: {
      implemented: i.notImplemented === undefined, ...(i.notImplemented !== undefined ? { notImplementedEvidence: i.notImplemented } : {}),
      createRepositories: false, storeLayers: false, putManifests: false, have: [], missing: {}, unverified: {}, notApplicable: {}, setupFindings: [], notes: i.notes,
    },
    rules: i.rules,
    fingerprint: [],
    coverage: { inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, properties: [], dimensions: [], unseen: [] },
    faults: [],
    leftovers: [],
    tallies: { findings: {}, fingerprint: {}, perProperty: {}, inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, buckets: {}, faults: [], faultKinds: {}, faultCount: 0, refusedActions: [], cases: 0, exchanges: 0, smallest: {} },
  };
}
