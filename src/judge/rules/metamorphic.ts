// Relations between the exchanges of one case: they need no oracle, only two answers to compare.
import { signature } from '../entries.ts';
import { broken, type CaseRule, held, judged, show } from '../rule.ts';
import type { View } from '../view.ts';

const step = (xs: View[], label: string) => xs.find((x) => x.exchange.label === label);

/** Compares what each digest of `digests` got in two exchanges. */
function compare(a: View, b: View, digests: Iterable<string>, relation: string) {
  for (const d of new Set(digests)) {
    const sa = signature(a, d);
    const sb = signature(b, d);
    if (sa !== sb) return broken(`${show(d)} got ${sa} (${a.exchange.label}) but ${sb} (${b.exchange.label}): ${relation}`);
  }
  return held(`same answers ${relation}`);
}

function pairRule(id: string, first: string, second: string, relation: string, digestsOf: (a: View, b: View) => string[]): CaseRule {
  return {
    id,
    scope: 'case',
    check(xs) {
      const a = step(xs, first);
      const b = step(xs, second);
      if (!a || !b || !judged(a) || !judged(b)) return [];
      return [compare(a, b, digestsOf(a, b), relation)];
    },
  };
}

const sentDigests = (x: View) => x.sent.digests ?? [];

export const order = pairRule('metamorphic.order', 'original', 'permuted', 'after reordering the list', (a) => sentDigests(a));
export const batchIndependence = pairRule('metamorphic.batch-independence', 'batch', 'alone', 'alone and in a batch', (_a, b) => sentDigests(b));
export const idempotent = pairRule('metamorphic.idempotent', 'first', 'second', 'when the same request is repeated', (a) => sentDigests(a));
export const registryId = pairRule('metamorphic.registry-id', 'implicit', 'explicit', 'with and without the caller\'s own registryId', (a) => sentDigests(a));

export const repositoryIsolation: CaseRule = {
  id: 'metamorphic.repository-isolation',
  scope: 'case',
  check(xs) {
    const home = step(xs, 'home');
    const other = step(xs, 'other');
    if (!home || !other || home.answer.kind !== 'success' || other.answer.kind !== 'success') return [];
    const availableAtHome = sentDigests(home).filter((d) => signature(home, d).startsWith('layer:AVAILABLE'));
    if (availableAtHome.length === 0) return [];
    const leaked = availableAtHome.find((d) => signature(other, d).includes('layer:AVAILABLE'));
    return [leaked === undefined
      ? held(`${availableAtHome.length} layer(s) of ${show(home.sent.repositoryName)} not available in ${show(other.sent.repositoryName)}`)
      : broken(`${show(leaked)}, stored only in ${show(home.sent.repositoryName)}, is AVAILABLE in ${show(other.sent.repositoryName)}`)];
  },
};
