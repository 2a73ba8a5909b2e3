import type { Knowledge } from '../../model.ts';
import { analyseRequest } from '../contract.ts';
import { entries, entriesFor, type Entry } from '../entries.ts';
import { broken, type ExchangeRule, held, show } from '../rule.ts';
import type { View } from '../view.ts';

/** A successful answer to a valid request with a list of digests. */
function batch(x: View): string[] | undefined {
  if (x.answer.kind !== 'success' || !x.sent.digests) return undefined;
  if (analyseRequest(x.sent).violations.length > 0) return undefined;
  return x.sent.digests;
}

const counts = (list: string[]) => list.reduce((m, d) => m.set(d, (m.get(d) ?? 0) + 1), new Map<string, number>());

/** Requested digests that an answered one resembles once case and surrounding space are ignored. */
const loose = (d: string) => d.trim().toLowerCase();

export const complete: ExchangeRule = {
  id: 'partition.complete',
  scope: 'exchange',
  check(x: View, _k: Knowledge) {
    const requested = batch(x);
    if (!requested) return [];
    const distinct = new Set(requested);
    let missing = 0;
    let example: string | undefined;
    for (const d of distinct) {
      if (entriesFor(x, d).length > 0) continue;
      missing++;
      example ??= d;
    }
    return [missing === 0
      ? held(`all ${distinct.size} distinct digests answered`)
      : broken(`${missing} requested digest(s) appear in neither layers nor failures, e.g. ${show(example)}`)];
  },
};

export const exclusive: ExchangeRule = {
  id: 'partition.exclusive',
  scope: 'exchange',
  check(x) {
    const requested = batch(x);
    if (!requested) return [];
    const wanted = counts(requested);
    const inLayers = new Set<string>();
    const inFailures = new Set<string>();
    const seen = new Map<string, number>();
    for (const e of entries(x)) {
      (e.list === 'layers' ? inLayers : inFailures).add(e.digest);
      seen.set(e.digest, (seen.get(e.digest) ?? 0) + 1);
    }
    const both = [...inLayers].find((d) => inFailures.has(d));
    if (both !== undefined) return [broken(`${show(both)} appears in both layers and failures`)];
    for (const [d, n] of seen) {
      const w = wanted.get(d);
      if (w !== undefined && n > w) return [broken(`${show(d)} was requested ${w} time(s) but answered ${n} times`)];
    }
    return [held('no digest answered twice over')];
  },
};

const strangersOf = new WeakMap<View, { extra?: Entry; altered?: { entry: Entry; requested: string } }>();

/**
 * Answered digests that were not requested byte for byte, split in two: those that resemble a
 * requested one once case and surrounding space are ignored (partition.echo's business) and the rest
 * (partition.no-extra's), memoized per view: both rules ask. Undefined when the exchange is not a
 * judgeable batch.
 */
function unrequested(x: View) {
  const requested = batch(x);
  if (!requested) return undefined;
  let u = strangersOf.get(x);
  if (u) return u;
  u = {};
  const exact = new Set(requested);
  let byLoose: Map<string, string> | undefined;
  for (const e of entries(x)) {
    if (exact.has(e.digest)) continue;
    byLoose ??= new Map(requested.map((d) => [loose(d), d]));
    const like = byLoose.get(loose(e.digest));
    if (like === undefined) u.extra ??= e;
    else u.altered ??= { entry: e, requested: like };
  }
  strangersOf.set(x, u);
  return u;
}

export const noExtra: ExchangeRule = {
  id: 'partition.no-extra',
  scope: 'exchange',
  check(x) {
    const u = unrequested(x);
    if (!u) return [];
    return [u.extra === undefined ? held('every answered digest was requested') : broken(`${u.extra.list} names ${show(u.extra.digest)}, which was not requested`)];
  },
};

export const echo: ExchangeRule = {
  id: 'partition.echo',
  scope: 'exchange',
  check(x) {
    const u = unrequested(x);
    if (!u) return [];
    return [u.altered === undefined
      ? held('answered digests echo the request byte for byte')
      : broken(`${u.altered.entry.list} names ${show(u.altered.entry.digest)} where ${show(u.altered.requested)} was requested`)];
  },
};
