import type { Knowledge } from '../../model.ts';
import { digestKind, judgeableBatch } from '../contract.ts';
import { entriesFor } from '../entries.ts';
import { broken, type ExchangeRule, held, show } from '../rule.ts';
import type { Outcome } from '../rule.ts';
import type { View } from '../view.ts';

/** Not even the LayerDigest pattern's (the empty string included): every other digest is well formed. */
const isMalformed = (d: string) => {
  const kind = digestKind(d);
  return kind === 'malformed' || kind === 'empty';
};

type Stored = { size?: number; referenced?: boolean; mediaType?: string; inParts?: boolean };

/**
 * Runs `each` over every distinct digest of a judgeable batch that `pick` selects. `facets`: the facets
 * of the rule a digest checked covers (the outcome that holds names them).
 */
function perDigest(x: View, k: Knowledge, pick: (digest: string, stored: Stored | undefined) => boolean,
  each: (digest: string, stored: Stored | undefined) => Outcome | undefined, needsCompleteKnowledge = false,
  facetsOf?: (stored: Stored | undefined) => readonly string[]): Outcome[] {
  if (x.answer.kind !== 'success') return [];
  const batch = judgeableBatch(x.sent, k);
  if (!batch || (needsCompleteKnowledge && !batch.repo.complete)) return [];
  let checked = 0;
  let facets: string[] | undefined;
  for (const digest of new Set(batch.digests)) {
    const stored = batch.repo.layers[digest];
    if (!pick(digest, stored)) continue;
    checked++;
    const bad = each(digest, stored);
    if (bad) return [bad];
    for (const covered of facetsOf?.(stored) ?? []) if (!facets?.includes(covered)) (facets ??= []).push(covered);
  }
  return checked ? [held(`${checked} digest(s) classified as expected`, facets)] : [];
}

export const malformed: ExchangeRule = {
  id: 'classify.malformed',
  scope: 'exchange',
  check(x, k) {
    return perDigest(x, k, isMalformed, (d) => {
      for (const e of entriesFor(x, d)) {
        if (e.list === 'layers') return broken(`malformed digest ${show(d)} is a layer (${show(e.item)}), expected an InvalidLayerDigest failure`);
        const allowed = d === '' ? ['InvalidLayerDigest', 'MissingLayerDigest'] : ['InvalidLayerDigest'];
        if (!allowed.includes(String(e.item['failureCode']))) return broken(`malformed digest ${show(d)} failed with ${show(e.item['failureCode'])}, expected ${allowed.join(' or ')}`);
      }
      return undefined;
    });
  },
};

// The facets a stored layer's check covers, one list per combination: perDigest runs for every stored digest.
const NO_FACETS: readonly string[] = [];
const IN_PARTS = ['sent-in-parts'] as const;
const FROM_MANIFEST = ['media-type-from-manifest'] as const;
const BOTH = [...IN_PARTS, ...FROM_MANIFEST] as const;
const presentFacets = (stored: Stored | undefined): readonly string[] => {
  const fromManifest = stored?.referenced === true && stored.mediaType !== undefined;
  return stored?.inParts ? (fromManifest ? BOTH : IN_PARTS) : fromManifest ? FROM_MANIFEST : NO_FACETS;
};

export const present: ExchangeRule = {
  id: 'classify.present',
  scope: 'exchange',
  facets: ['sent-in-parts', 'media-type-from-manifest'],
  check(x, k) {
    return perDigest(x, k, (_d, stored) => stored !== undefined, (d, stored) => {
      for (const e of entriesFor(x, d)) {
        if (e.list === 'failures') return broken(`stored layer ${show(d)} is a failure: ${show(e.item)}`);
        if (e.item['layerAvailability'] !== 'AVAILABLE') return broken(`stored layer ${show(d)} is ${show(e.item['layerAvailability'])}, expected AVAILABLE: ${show(e.item)}`);
        if (stored!.size !== undefined && e.item['layerSize'] !== stored!.size) return broken(`stored layer ${show(d)} has layerSize ${show(e.item['layerSize'])}, but ${stored!.size} bytes were stored`);
        // Only a layer that an accepted manifest references is known to have a media type to report.
        if (stored!.referenced && (typeof e.item['mediaType'] !== 'string' || e.item['mediaType'] === '')) return broken(`stored layer ${show(d)}, which an accepted manifest references, has no mediaType: ${show(e.item)}`);
        // AWS's sample answer reports a config blob with the config media type: the one its manifest gave it.
        if (stored!.referenced && stored!.mediaType !== undefined && e.item['mediaType'] !== stored!.mediaType) return broken(`stored layer ${show(d)}, which an accepted manifest references as ${stored!.mediaType}, is answered with mediaType ${show(e.item['mediaType'])}`);
      }
      return undefined;
    }, false, presentFacets);
  },
};

export const absent: ExchangeRule = {
  id: 'classify.absent',
  scope: 'exchange',
  check(x, k) {
    return perDigest(x, k, (d, stored) => stored === undefined && !isMalformed(d), (d) => {
      for (const e of entriesFor(x, d)) {
        if (e.list === 'layers' && e.item['layerAvailability'] !== 'UNAVAILABLE') {
          return broken(`never-stored digest ${show(d)} is ${show(e.item['layerAvailability'])}, expected UNAVAILABLE or a MissingLayerDigest failure: ${show(e.item)}`);
        }
        if (e.list === 'failures' && digestKind(d) === 'canonical' && e.item['failureCode'] !== 'MissingLayerDigest') {
          return broken(`never-stored canonical digest ${show(d)} failed with ${show(e.item['failureCode'])}, expected MissingLayerDigest or an UNAVAILABLE layer`);
        }
      }
      return undefined;
    }, true);
  },
};

export const failureReason: ExchangeRule = {
  id: 'classify.failure-reason',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'success') return [];
    const body = x.answer.json as Record<string, unknown> | null;
    const failures = body && typeof body === 'object' && Array.isArray(body['failures']) ? (body['failures'] as unknown[]) : [];
    if (failures.length === 0) return [];
    const bad = failures.find((f) => {
      const reason = (f as Record<string, unknown> | null)?.['failureReason'];
      return typeof reason !== 'string' || reason.trim() === '';
    });
    return [bad === undefined ? held(`${failures.length} failure(s) with a reason`) : broken(`failure ${show(bad)} has no failureReason`)];
  },
};
