// A result document for checks that are not a property run (a Pact verification, the SDK matrix), so
// that every renderer shows them and they can be read beside a run.
import type { Verdict } from '../model.ts';
import { specChecksum } from '../spec/index.ts';
import { RESULT_SCHEMA, type RuleResult, type RunResult } from './result.ts';
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
}

export function standaloneResult(i: StandaloneInput): RunResult {
  const counts = { PASS: 0, FAIL: 0, DIVERGENT: 0, NOT_IMPLEMENTED: 0, SKIPPED: 0, ERROR: 0 } as Record<Verdict, number>;
  for (const r of i.rules) counts[r.verdict]++;
  const v = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: v.suite },
      sdk: { package: '@aws-sdk/client-ecr', version: i.sdkVersion ?? v.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      target: i.target, seed: 0, runs: 0, rules: i.checks,
      startedAt: i.startedAt, durationMs: Math.round(i.durationMs), requests: i.requests,
      interrupted: false, budgetExhausted: false, options: {},
    },
    summary: { verdict: counts.FAIL > 0 ? 'NOT_CONFORMANT' : counts.ERROR > 0 ? 'UNTESTABLE' : 'CONFORMANT', counts, cases: i.cases, exchanges: i.exchanges, faults: 0 },
    capabilities: { implemented: true, createRepositories: false, storeLayers: false, putManifests: false, notes: i.notes },
    rules: i.rules,
    fingerprint: [],
    coverage: { inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, properties: [] },
    faults: [],
    leftovers: [],
    tallies: { findings: {}, fingerprint: {}, perProperty: {}, inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, faults: [], faultCount: 0, cases: 0, exchanges: 0, smallest: {}, skipReasons: {} },
  };
}
