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
  /** The target does not implement the operation (the same probe as run). */
  notImplemented?: string;
  /** What the content-type proxy saw: answers relabelled so that Pact would compare their bodies. */
  contentTypes?: { answers: number; relabelled: { contentType: string; status: number; requestBody: string }[] };
}

export function verificationResult(v: Verification, meta: VerificationMeta): RunResult {
  // A target without the operation breaks no contract interaction: it has none (as run says NOT_IMPLEMENTED).
  const absent = meta.notImplemented;
  const rules: RuleResult[] = v.interactions.map((i) => ({
    id: `pact.${slug(i.description)}`,
    family: 'pact',
    statement: `${i.description} (${i.pact})`,
    evidence: 'documented',
    source: i.pact,
    verdict: absent ? 'NOT_IMPLEMENTED' : i.passed ? 'PASS' : 'FAIL',
    passed: i.passed ? 1 : 0,
    broken: i.passed || absent ? 0 : 1,
    message: absent ? `the target does not implement BatchCheckLayerAvailability (${absent}); the verifier saw: ${i.mismatches.join('; ') || 'a failure'}` : i.passed ? 'the answer matched the contract' : i.mismatches.join('; ') || 'the verifier reported a failure',
    checks: { had: 1, needs: 1 },
  }));
  const ct = meta.contentTypes;
  if (ct && ct.answers > 0 && !absent) {
    const kinds = [...new Set(ct.relabelled.map((r) => r.contentType))];
    rules.push({
      id: 'pact.content-type', family: 'pact', statement: 'Every answer has Content-Type application/x-amz-json-1.1 (judged apart, so that a wrong one hides no body mismatch)', evidence: 'documented', source: 'SMITHY',
      verdict: ct.relabelled.length === 0 ? 'PASS' : 'FAIL', passed: ct.answers - ct.relabelled.length, broken: ct.relabelled.length,
      message: ct.relabelled.length === 0 ? `${ct.answers} answers with the documented content type`
        : `${ct.relabelled.length} of ${ct.answers} answers came with Content-Type ${kinds.join(', ')}, expected application/x-amz-json-1.1; their bodies were still compared with the contract (first request: ${ct.relabelled[0]!.requestBody.slice(0, 200)})`,
      checks: { had: ct.answers, needs: 1 },
    });
  }
  if (v.error) rules.push({ id: 'pact.verifier', family: 'pact', statement: 'the Pact verifier ran', evidence: 'documented', source: 'pact', verdict: 'ERROR', passed: 0, broken: 0, message: v.error, checks: { had: 0, needs: 1 } });
  return standaloneResult({
    target: meta.target, checks: 'pact', startedAt: meta.startedAt, durationMs: meta.durationMs, requests: meta.requests,
    rules, cases: v.interactions.length, exchanges: v.interactions.length, notes: meta.notes,
    ...(meta.notImplemented ? { notImplemented: meta.notImplemented } : {}),
  });
}
