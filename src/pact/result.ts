// A Pact verification in the conformance report format, so every renderer shows it and it can be
// read beside a property run of the same target.
import type { Verdict } from '../model.ts';
import { RESULT_SCHEMA, type RuleResult, type RunResult } from '../run/result.ts';
import { versions } from '../run/versions.ts';
import { specChecksum } from '../spec/index.ts';
import type { Verification } from './verify.ts';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface VerificationMeta {
  target: RunResult['provenance']['target'];
  startedAt: string;
  durationMs: number;
  requests: RunResult['provenance']['requests'];
  notes: string[];
}

export function verificationResult(v: Verification, meta: VerificationMeta): RunResult {
  const rules: RuleResult[] = v.interactions.map((i) => ({
    id: `pact.${slug(i.description)}`,
    family: 'pact',
    statement: `${i.description} (${i.pact})`,
    evidence: 'documented',
    source: i.pact,
    verdict: i.passed ? 'PASS' : 'FAIL',
    passed: i.passed ? 1 : 0,
    broken: i.passed ? 0 : 1,
    message: i.passed ? 'the answer matched the contract' : i.mismatches.join('; ') || 'the verifier reported a failure',
  }));
  if (v.error) rules.push({ id: 'pact.verifier', family: 'pact', statement: 'the Pact verifier ran', evidence: 'documented', source: 'pact', verdict: 'ERROR', passed: 0, broken: 0, message: v.error });
  const counts = { PASS: 0, FAIL: 0, DIVERGENT: 0, NOT_IMPLEMENTED: 0, SKIPPED: 0, ERROR: 0 } as Record<Verdict, number>;
  for (const r of rules) counts[r.verdict]++;
  const ver = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: ver.suite },
      sdk: { package: '@aws-sdk/client-ecr', version: ver.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      target: meta.target,
      seed: 0,
      runs: 0,
      rules: 'pact',
      startedAt: meta.startedAt,
      durationMs: meta.durationMs,
      requests: meta.requests,
      interrupted: false,
      budgetExhausted: false,
      options: {},
    },
    summary: { verdict: counts.FAIL > 0 ? 'NOT_CONFORMANT' : counts.ERROR > 0 ? 'UNTESTABLE' : 'CONFORMANT', counts, cases: v.interactions.length, exchanges: v.interactions.length, faults: 0 },
    capabilities: { implemented: true, createRepositories: true, storeLayers: true, putManifests: false, notes: meta.notes },
    rules,
    fingerprint: [],
    coverage: { inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, properties: [] },
    faults: [],
    leftovers: [],
    tallies: { findings: {}, fingerprint: {}, perProperty: {}, inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, faults: [], faultCount: 0, cases: 0, exchanges: 0, smallest: {}, skipReasons: {} },
  };
}
