// Where the documentation is silent the judge records which choice the target made: its behaviour
// fingerprint. A choice is recorded per point and, where a server can reasonably answer classes of
// input differently (each list, each kind of non-canonical digest), per class. An answer that is
// none of the known choices is recorded as it is ("other: …"), never dropped.
import { operationSpec, referenceFingerprintSpec } from '../spec/index.ts';
import type { Knowledge } from '../model.ts';
import { analyseRequest, digestKind, greyClass, judgeableBatch } from './contract.ts';
import { entries, entriesFor, type Entry } from './entries.ts';
import { requestIdHeader, type View } from './view.ts';

export interface Observation {
  point: string;
  /** The class of input, for points asked per class. */
  cls?: string;
  choice: string;
  /** What was observed, for a person. */
  detail: string;
}

/** The tally key of an observation: `point` or `point/class`. */
export const keyOf = (o: { point: string; cls?: string }) => (o.cls ? `${o.point}/${o.cls}` : o.point);

const short = (d: string) => JSON.stringify(d);

/** What one entry says, in words. */
const entryWords = (e: Entry) => (e.list === 'layers' ? `${String(e.item['layerAvailability'])} layer` : `${String(e.item['failureCode'])} failure`);

/** What a digest's entries say, in words: for "other" choices. */
function describe(found: Entry[]): string {
  if (found.length === 0) return 'left out of the answer';
  // Most digests are answered once: no set to make.
  if (found.length === 1) return entryWords(found[0]!);
  return [...new Set(found.map(entryWords))].join(' and ');
}

/** How a digest that is not stored was answered: as absent, as invalid, or otherwise. */
function answeredAs(x: View, d: string): { choice: 'unavailable-layer' | 'missing-failure' | 'invalid-failure' | 'other'; words: string } {
  const found = entriesFor(x, d);
  const words = describe(found);
  if (found.length > 0 && found.every((e) => e.list === 'layers' && e.item['layerAvailability'] === 'UNAVAILABLE')) return { choice: 'unavailable-layer', words };
  if (found.length > 0 && found.every((e) => e.list === 'failures' && e.item['failureCode'] === 'MissingLayerDigest')) return { choice: 'missing-failure', words };
  if (found.length > 0 && found.every((e) => e.list === 'failures' && e.item['failureCode'] === 'InvalidLayerDigest')) return { choice: 'invalid-failure', words };
  return { choice: 'other', words };
}

const observed = new WeakMap<View, { k: Knowledge; out: Observation[] }>();

/** The fingerprint observations of one exchange (memoized: the point rules and the tally ask for them). */
export function observe(x: View, k: Knowledge): Observation[] {
  const hit = observed.get(x);
  if (hit && hit.k === k) return hit.out;
  const out = computeObservations(x, k);
  observed.set(x, { k, out });
  return out;
}

function computeObservations(x: View, k: Knowledge): Observation[] {
  const out: Observation[] = [];
  if (x.answer.kind === 'success' || x.answer.kind === 'error') {
    const header = requestIdHeader(x.exchange);
    if (header) out.push({ point: 'request-id-header', choice: header, detail: `request id in ${header}` });
  }
  if (x.answer.kind !== 'success') return out;
  const batch = judgeableBatch(x.sent, k);
  if (!batch) return out;

  const body = x.answer.json as Record<string, unknown>;
  const all = entries(x);
  for (const list of ['layers', 'failures'] as const) {
    if (all.some((e) => e.list === list)) continue;
    const v = body[list];
    const choice = Array.isArray(v) ? 'present' : v === undefined ? 'omitted' : `other: ${v === null ? 'null' : typeof v}`;
    out.push({ point: 'empty-lists', cls: list, choice, detail: `no ${list}: ${choice === 'present' ? 'sent as []' : choice === 'omitted' ? 'member left out' : `sent as ${JSON.stringify(v)}`}` });
  }

  const counts = new Map<string, number>();
  for (const d of batch.digests) counts.set(d, (counts.get(d) ?? 0) + 1);
  for (const [d, n] of counts) {
    const kind = digestKind(d);
    const layer = batch.repo.layers[d];
    // Only a repository the suite made itself tells "never stored" apart from "not declared".
    const knownAbsent = !layer && batch.repo.complete;
    if (n > 1) {
      const cls = layer ? 'stored' : kind === 'malformed' || kind === 'empty' ? 'malformed' : knownAbsent ? 'absent' : undefined;
      if (cls) {
        const answered = entriesFor(x, d).length;
        const choice = answered === n ? 'echo-each' : answered === 1 ? 'collapse' : 'other: neither once nor once per occurrence';
        out.push({ point: 'duplicates', cls, choice, detail: `${short(d)} requested ${n} times, answered ${answered} time(s)` });
      }
    }
    if (kind === 'empty') {
      const a = answeredAs(x, d);
      const choice = a.choice === 'missing-failure' || a.choice === 'invalid-failure' ? a.choice : `other: ${a.words}`;
      out.push({ point: 'empty-digest', choice, detail: `"" got ${a.words}` });
    } else if (knownAbsent && kind === 'canonical') {
      const a = answeredAs(x, d);
      const choice = a.choice === 'unavailable-layer' || a.choice === 'missing-failure' ? a.choice : `other: ${a.words}`;
      out.push({ point: 'absent', choice, detail: `${short(d)} got ${a.words}` });
    } else if (knownAbsent && kind === 'grey') {
      const a = answeredAs(x, d);
      const choice = a.choice === 'invalid-failure' ? 'invalid-failure' : a.choice === 'unavailable-layer' || a.choice === 'missing-failure' ? 'absent' : `other: ${a.words}`;
      out.push({ point: 'grey', cls: greyClass(d), choice, detail: `${short(d)} got ${a.words}` });
    } else if (layer && layer.referenced === false) {
      const found = entriesFor(x, d).filter((e) => e.list === 'layers' && e.item['layerAvailability'] === 'AVAILABLE');
      if (found.length > 0) {
        const has = found.every((e) => typeof e.item['mediaType'] === 'string' && e.item['mediaType'] !== '');
        out.push({ point: 'unreferenced-media-type', choice: has ? 'present' : 'omitted', detail: `stored, unreferenced ${short(d)}: ${has ? `mediaType ${JSON.stringify(found[0]!.item['mediaType'])}` : 'no mediaType'}` });
      }
    }
  }
  return out;
}

/**
 * Observations that need two answers of one case. The repository-name model: a name only the newest
 * model accepts tells the models apart only if the target rejects a name that both models reject.
 */
export function observeCase(xs: View[]): Observation[] {
  const candidate = xs.find((x) => x.exchange.label === 'new-model-name');
  const control = xs.find((x) => x.exchange.label === 'bad-name');
  const answered = (x?: View) => x !== undefined && (x.answer.kind === 'success' || x.answer.kind === 'error');
  if (!answered(candidate) || !answered(control)) return [];
  const violation = operationSpec().errors.violation.value;
  const rejected = (x: View) => x.answer.kind === 'error' && x.answer.errorType === violation;
  if (analyseRequest(candidate!.sent).violations.length > 0 || !analyseRequest(candidate!.sent).newModelOnlyName) return [];
  const name = JSON.stringify(candidate!.sent.repositoryName);
  const bad = JSON.stringify(control!.sent.repositoryName);
  if (rejected(candidate!)) return [{ point: 'repository-name-model', choice: '2015-12-21', detail: `${name} rejected: ${candidate!.answer.summary}` }];
  if (rejected(control!)) return [{ point: 'repository-name-model', choice: '2026-02-25', detail: `${name} accepted (${candidate!.answer.summary}), ${bad} rejected` }];
  return [{ point: 'repository-name-model', choice: 'other: no pattern enforced', detail: `${name} accepted (${candidate!.answer.summary}), and so was ${bad}, which no model accepts (${control!.answer.summary})` }];
}

export interface FingerprintPoint {
  point: string;
  question: string;
  reference: string;
  evidence: string;
  confidence: string;
  /** How often each choice was seen in the run, over every class. */
  observed: Record<string, number>;
  /** Per class of input, for points asked per class. */
  classes?: { cls: string; observed: Record<string, number> }[];
}

/** Per tally key (point or point/class), per choice: how often it was seen and the earliest case (by case order) that showed it. */
export type Tally = Record<string, Record<string, { count: number; index: number; caseId: string; detail: string }>>;

/** Accumulates observations case by case, in constant memory, independent of arrival order. */
export class FingerprintTally {
  constructor(readonly tally: Tally = {}) {}

  /** Folds another run's tally in (shards of one run). */
  merge(other: Tally): void {
    for (const [key, choices] of Object.entries(other)) {
      for (const [choice, c] of Object.entries(choices)) this.note(key, choice, c.count, c.index, c.caseId, c.detail);
    }
  }

  private note(key: string, choice: string, count: number, index: number, caseId: string, detail: string): void {
    const choices = (this.tally[key] ??= {});
    const seen = choices[choice];
    if (!seen) choices[choice] = { count, index, caseId, detail };
    else {
      seen.count += count;
      if (index < seen.index) Object.assign(seen, { index, caseId, detail });
    }
  }

  add(x: View, k: Knowledge, index: number): void {
    for (const o of observe(x, k)) this.note(keyOf(o), o.choice, 1, index, x.exchange.caseId, o.detail);
  }

  addCase(xs: View[], index: number): void {
    for (const o of observeCase(xs)) this.note(keyOf(o), o.choice, 1, index, xs[0]!.exchange.caseId, o.detail);
  }
}

/** The run's fingerprint beside the AWS reference. */
export function fingerprint(t: Tally): FingerprintPoint[] {
  return Object.entries(referenceFingerprintSpec().points).map(([point, p]) => {
    const count = (key: string) => Object.fromEntries(Object.entries(t[key] ?? {}).map(([choice, c]) => [choice, c.count]));
    const observedAll: Record<string, number> = {};
    const classKeys = Object.keys(t).filter((key) => key.startsWith(`${point}/`));
    for (const key of [point, ...classKeys]) for (const [choice, n] of Object.entries(count(key))) observedAll[choice] = (observedAll[choice] ?? 0) + n;
    const fp: FingerprintPoint = { point, question: p.question, reference: p.reference, evidence: p.evidence, confidence: p.confidence, observed: observedAll };
    if (p.classes) fp.classes = [...new Set([...p.classes, ...classKeys.map((key) => key.slice(point.length + 1))])].map((cls) => ({ cls, observed: count(`${point}/${cls}`) }));
    return fp;
  });
}
