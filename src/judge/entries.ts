// The per-digest entries of a successful answer, and a digest's answer in one comparable string.
import type { View } from './view.ts';

export interface Entry {
  list: 'layers' | 'failures';
  digest: string;
  item: Record<string, unknown>;
}

const cache = new WeakMap<View, { all: Entry[]; byDigest: Map<string, Entry[]> }>();

function index(x: View) {
  let c = cache.get(x);
  if (!c) {
    const all = collect(x);
    const byDigest = new Map<string, Entry[]>();
    for (const e of all) {
      const same = byDigest.get(e.digest);
      if (same) same.push(e);
      else byDigest.set(e.digest, [e]);
    }
    cache.set(x, (c = { all, byDigest }));
  }
  return c;
}

/** Every entry of a successful answer that names a digest (memoized per view). */
export const entries = (x: View): Entry[] => index(x).all;

const NONE: readonly Entry[] = Object.freeze([]);

/** The entries naming one digest (memoized per view; do not modify). */
export const entriesFor = (x: View, digest: string): Entry[] => index(x).byDigest.get(digest) ?? (NONE as Entry[]);

function collect(x: View): Entry[] {
  if (x.answer.kind !== 'success') return [];
  const body = x.answer.json as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const out: Entry[] = [];
  for (const list of ['layers', 'failures'] as const) {
    const items = body[list];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (item && typeof item === 'object' && typeof (item as Record<string, unknown>)['layerDigest'] === 'string') {
        out.push({ list, digest: (item as Record<string, string>)['layerDigest']!, item: item as Record<string, unknown> });
      }
    }
  }
  return out;
}


/** What a digest got, as one string: the same answer gives the same signature. */
export function signature(x: View, digest: string): string {
  if (x.answer.kind !== 'success') return `${x.answer.kind}:${x.answer.errorType ?? x.answer.status}`;
  const mine = entriesFor(x, digest).map((e) =>
    e.list === 'layers'
      ? `layer:${String(e.item['layerAvailability'])}:${String(e.item['layerSize'] ?? '-')}:${String(e.item['mediaType'] ?? '-')}`
      : `failure:${String(e.item['failureCode'])}`,
  );
  return [...new Set(mine)].sort().join('|') || 'unanswered';
}
