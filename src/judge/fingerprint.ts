// Where the documentation is silent the judge records which choice the target made: its behaviour
// fingerprint. Observations are pure functions of one exchange.
import { operationSpec, referenceFingerprintSpec } from '../spec/index.ts';
import type { Knowledge } from '../model.ts';
import { analyseRequest, digestKind, judgeableBatch } from './contract.ts';
import { entries, entriesFor } from './entries.ts';
import type { View } from './view.ts';

export interface Observation {
  point: string;
  choice: string;
  /** What was observed, for a person. */
  detail: string;
}

function choiceOfAbsent(x: View, d: string): string | undefined {
  const found = entriesFor(x, d);
  if (found.length === 0) return undefined;
  if (found.every((e) => e.list === 'layers' && e.item['layerAvailability'] === 'UNAVAILABLE')) return 'unavailable-layer';
  if (found.every((e) => e.list === 'failures' && e.item['failureCode'] === 'MissingLayerDigest')) return 'missing-failure';
  if (found.every((e) => e.list === 'failures' && e.item['failureCode'] === 'InvalidLayerDigest')) return 'invalid-failure';
  return undefined;
}

const observed = new WeakMap<View, { k: Knowledge; out: Observation[] }>();

/** The fingerprint observations of one exchange (memoized: six rules and the tally ask for them). */
export function observe(x: View, k: Knowledge): Observation[] {
  const hit = observed.get(x);
  if (hit && hit.k === k) return hit.out;
  const out = computeObservations(x, k);
  observed.set(x, { k, out });
  return out;
}

function computeObservations(x: View, k: Knowledge): Observation[] {
  const out: Observation[] = [];
  const a = analyseRequest(x.sent);
  if (a.newModelOnlyName && a.violations.length === 0 && (x.answer.kind === 'success' || x.answer.kind === 'error')) {
    const rejected = x.answer.kind === 'error' && x.answer.errorType === operationSpec().errors.violation.value;
    out.push({ point: 'repository-name-model', choice: rejected ? '2015-12-21' : '2026-02-25', detail: `repositoryName ${JSON.stringify(x.sent.repositoryName)} got ${x.answer.summary}` });
  }
  if (x.answer.kind !== 'success') return out;
  const batch = judgeableBatch(x.sent, k);
  if (!batch) return out;

  const body = x.answer.json as Record<string, unknown>;
  const all = entries(x);
  const emptyList = (['layers', 'failures'] as const).find((m) => !all.some((e) => e.list === m));
  if (emptyList) {
    const choice = Array.isArray(body[emptyList]) ? 'present' : body[emptyList] === undefined ? 'omitted' : undefined;
    if (choice) out.push({ point: 'empty-lists', choice, detail: `no ${emptyList}: ${choice === 'present' ? 'sent as []' : 'member left out'}` });
  }

  const counts = new Map<string, number>();
  for (const d of batch.digests) counts.set(d, (counts.get(d) ?? 0) + 1);
  for (const [d, n] of counts) {
    const kind = digestKind(d);
    const stored = batch.repo.layers[d] !== undefined;
    // Only a repository the suite made itself tells "never stored" apart from "not declared".
    const knownAbsent = !stored && batch.repo.complete;
    if (n > 1) {
      const answered = entriesFor(x, d).length;
      const choice = answered === n ? 'echo-each' : answered === 1 ? 'collapse' : undefined;
      if (choice) out.push({ point: 'duplicates', choice, detail: `${JSON.stringify(d).slice(0, 40)} requested ${n} times, answered ${answered} time(s)` });
    }
    if (kind === 'empty') {
      const c = choiceOfAbsent(x, d);
      if (c === 'missing-failure' || c === 'invalid-failure') out.push({ point: 'empty-digest', choice: c, detail: `"" got ${c}` });
    } else if (knownAbsent && kind === 'canonical') {
      const c = choiceOfAbsent(x, d);
      if (c === 'unavailable-layer' || c === 'missing-failure') out.push({ point: 'absent', choice: c, detail: `${d.slice(0, 20)}… got ${c}` });
    } else if (knownAbsent && kind === 'grey') {
      const c = choiceOfAbsent(x, d);
      const choice = c === 'invalid-failure' ? 'invalid-failure' : c ? 'absent' : undefined;
      if (choice) out.push({ point: 'grey', choice, detail: `${JSON.stringify(d).slice(0, 40)} got ${c}` });
    }
  }
  return out;
}

export interface FingerprintPoint {
  point: string;
  question: string;
  reference: string;
  evidence: string;
  confidence: string;
  /** How often each choice was seen in the run. */
  observed: Record<string, number>;
}

/** Per point, per choice: how often it was seen and the earliest case (by case order) that showed it. */
export type Tally = Record<string, Record<string, { count: number; index: number; caseId: string; detail: string }>>;

/** Accumulates observations case by case, in constant memory, independent of arrival order. */
export class FingerprintTally {
  constructor(readonly tally: Tally = {}) {}

  /** Folds another run's tally in (shards of one run). */
  merge(other: Tally): void {
    for (const [point, choices] of Object.entries(other)) {
      const mine = (this.tally[point] ??= {});
      for (const [choice, c] of Object.entries(choices)) {
        const seen = mine[choice];
        if (!seen) mine[choice] = { ...c };
        else {
          seen.count += c.count;
          if (c.index < seen.index) Object.assign(seen, { index: c.index, caseId: c.caseId, detail: c.detail });
        }
      }
    }
  }

  add(x: View, k: Knowledge, index: number): void {
    for (const o of observe(x, k)) {
      const choices = (this.tally[o.point] ??= {});
      const seen = choices[o.choice];
      if (!seen) choices[o.choice] = { count: 1, index, caseId: x.exchange.caseId, detail: o.detail };
      else {
        seen.count++;
        if (index < seen.index) Object.assign(seen, { index, caseId: x.exchange.caseId, detail: o.detail });
      }
    }
  }
}

/** The run's fingerprint beside the AWS reference. */
export function fingerprint(t: Tally): FingerprintPoint[] {
  return Object.entries(referenceFingerprintSpec().points).map(([point, p]) => ({
    point, question: p.question, reference: p.reference, evidence: p.evidence, confidence: p.confidence,
    observed: Object.fromEntries(Object.entries(t[point] ?? {}).map(([choice, c]) => [choice, c.count])),
  }));
}
