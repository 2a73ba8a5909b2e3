import { referenceFingerprintSpec } from '../../spec/index.ts';
import { observe, type Tally } from '../fingerprint.ts';
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
  check(t: Tally) {
    return Object.entries(t).map(([point, choices]) => {
      const seen = Object.entries(choices).sort((a, b) => a[1].index - b[1].index);
      const [firstChoice, first] = seen[0]!;
      if (seen.length === 1) return { ...held(`${point} always ${firstChoice} (${first.count} times)`), caseId: first.caseId };
      const [otherChoice, other] = seen[1]!;
      return {
        ...broken(`${point}: ${first.count} answer(s) chose ${firstChoice} (first in case ${first.caseId}), ${other.count} chose ${otherChoice} (first in case ${other.caseId}: ${other.detail})`),
        caseId: other.caseId,
      };
    });
  },
};
