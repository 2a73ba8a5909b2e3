import { referenceFingerprintSpec } from '../../spec/index.ts';
import { observe, observeCase, type Observation, type Tally } from '../fingerprint.ts';
import { broken, type CaseRule, type ExchangeRule, held, type Outcome, type RunRule } from '../rule.ts';

function judgePoint(point: string, observations: Observation[]): Outcome[] {
  const ref = referenceFingerprintSpec().points[point]!;
  return observations.filter((o) => o.point === point).map((o) => {
    const where = o.cls ? ` [${o.cls}]` : '';
    return o.choice === ref.reference
      ? held(`${o.detail}${where} (as the AWS reference)`)
      : broken(`${o.detail}${where}: ${o.choice}; the AWS reference is ${ref.reference} (${ref.evidence}, ${ref.confidence} confidence)`);
  });
}

function pointRule(id: string, point: string): ExchangeRule {
  return { id, scope: 'exchange', check: (x, k) => judgePoint(point, observe(x, k)) };
}

export const absent = pointRule('fingerprint.absent', 'absent');
export const duplicates = pointRule('fingerprint.duplicates', 'duplicates');
export const grey = pointRule('fingerprint.grey', 'grey');
export const emptyLists = pointRule('fingerprint.empty-lists', 'empty-lists');
export const emptyDigest = pointRule('fingerprint.empty-digest', 'empty-digest');
export const unreferencedMediaType = pointRule('fingerprint.unreferenced-media-type', 'unreferenced-media-type');
export const requestIdHeader = pointRule('fingerprint.request-id-header', 'request-id-header');

export const repositoryNameModel: CaseRule = {
  id: 'fingerprint.repository-name-model',
  scope: 'case',
  check: (xs) => judgePoint('repository-name-model', observeCase(xs)),
};

/**
 * Consistency within each class of input, never across classes: each choice alone may be legal.
 * Classes are judged in the order their inconsistency (or their first answer) appeared in the plan,
 * then by name, so the report does not depend on which thread saw which class first (--workers, merge).
 */
export const consistent: RunRule = {
  id: 'fingerprint.consistent',
  scope: 'run',
  check(t: Tally) {
    const judged = Object.entries(t).flatMap(([key, choices]) => {
      const seen = Object.entries(choices).sort((a, b) => a[1].index - b[1].index || (a[0] < b[0] ? -1 : 1));
      const total = seen.reduce((n, [, c]) => n + c.count, 0);
      if (total < 2) return [];
      const [firstChoice, first] = seen[0]!;
      if (seen.length === 1) return [{ key, at: first.index, outcome: { ...held(`${key}: always ${firstChoice} (${first.count} times)`), caseId: first.caseId } }];
      const [otherChoice, other] = seen[1]!;
      return [{
        key, at: other.index,
        outcome: {
          ...broken(`${key}: ${first.count} answer(s) chose ${firstChoice} (first in case ${first.caseId}: ${first.detail}), ${other.count} chose ${otherChoice} (first in case ${other.caseId}: ${other.detail})`),
          caseId: other.caseId,
        },
      }];
    });
    return judged.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1)).map((j) => j.outcome);
  },
};
