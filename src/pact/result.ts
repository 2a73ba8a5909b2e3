// A Pact verification in the conformance report format, so every renderer shows it and it can be
// read beside a property run of the same target.
import type { RuleResult, RunResult } from '../run/result.ts';
import { standaloneResult } from '../run/standalone.ts';
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
    checks: { had: 1, needs: 1 },
  }));
  if (v.error) rules.push({ id: 'pact.verifier', family: 'pact', statement: 'the Pact verifier ran', evidence: 'documented', source: 'pact', verdict: 'ERROR', passed: 0, broken: 0, message: v.error, checks: { had: 0, needs: 1 } });
  return standaloneResult({
    target: meta.target, checks: 'pact', startedAt: meta.startedAt, durationMs: meta.durationMs, requests: meta.requests,
    rules, cases: v.interactions.length, exchanges: v.interactions.length, notes: meta.notes,
  });
}
