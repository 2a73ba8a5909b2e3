import { referenceFingerprintSpec } from '../../spec/index.ts';
import { observe } from '../fingerprint.ts';
import { broken, type ExchangeRule, held, type RunRule } from '../rule.ts';

function pointRule(id: string, point: string): ExchangeRule {
  return {
    id,
    scope: 'exchange',
    check(x, k) {
      const ref = referenceFingerprintSpec().points[point]!;
      return observe(x, k).filter((o) => o.point === point).map((o) =>
        o.choice === ref.reference
          ? held(`${o.detail} (as the AWS reference)`)
          : broken(`${o.detail}; the AWS reference is ${ref.reference} (${ref.evidence}, ${ref.confidence} confidence)`),
      );
    },
  };
}

export const absent = pointRule('fingerprint.absent', 'absent');
export const duplicates = pointRule('fingerprint.duplicates', 'duplicates');
export const grey = pointRule('fingerprint.grey', 'grey');
export const emptyLists = pointRule('fingerprint.empty-lists', 'empty-lists');
export const emptyDigest = pointRule('fingerprint.empty-digest', 'empty-digest');
export const repositoryNameModel = pointRule('fingerprint.repository-name-model', 'repository-name-model');

export const consistent: RunRule = {
  id: 'fingerprint.consistent',
  scope: 'run',
  check(xs, k) {
    const first = new Map<string, { choice: string; caseId: string }>();
    const out: ReturnType<RunRule['check']> = [];
    const reported = new Set<string>();
    for (const x of xs) {
      for (const o of observe(x, k)) {
        const seen = first.get(o.point);
        if (!seen) {
          first.set(o.point, { choice: o.choice, caseId: x.exchange.caseId });
        } else if (seen.choice !== o.choice && !reported.has(o.point)) {
          reported.add(o.point);
          out.push({ ...broken(`${o.point}: case ${seen.caseId} got ${seen.choice}, case ${x.exchange.caseId} got ${o.choice} (${o.detail})`), caseId: x.exchange.caseId });
        }
      }
    }
    for (const [point, seen] of first) if (!reported.has(point)) out.push({ ...held(`${point} always ${seen.choice}`), caseId: seen.caseId });
    return out;
  },
};
