// Mutants: variants of the reference registry that each break one behaviour. The suite proves a
// rule can fail by running against them; users can serve them to see what a finding looks like.
import { Readable } from 'node:stream';
import type { RegistryBehaviour } from './behaviour.ts';
import type { Answer, BatchCheckOutput, RegistryHooks } from './hooks.ts';
import type { Quirks } from './quirks.ts';
import type { Repository } from './store.ts';
import { legalAlternativesSpec } from '../spec/index.ts';

/**
 * rule: a rule-killer, changing exactly what one rule reads, to prove the rule can fail.
 * bug: a bug shaped like a real one, in the store, a handler, the serializer or the connection, with
 *   the story of the mock that would have it: proves the suite catches real bugs.
 * legal: a legal alternative (spec/legal-alternatives.json): proves the suite does not fail a legal server.
 * not-implemented, hostile: targets that do not implement the operation, or attack the suite.
 */
export type MutantKind = 'rule' | 'bug' | 'legal' | 'not-implemented' | 'hostile';

export interface Mutant {
  id: string;
  kind: MutantKind;
  /** One line: what it does; for a bug, the mock that would have it. */
  description: string;
  hooks?: RegistryHooks;
  quirks?: Quirks;
  behaviour?: Partial<RegistryBehaviour>;
  /**
   * What a default run must say. rule: exactly these rules broken (FAIL, or DIVERGENT for points).
   * bug: this run verdict, with at least these rules broken (or, for setup-level bugs, SKIPPED).
   * legal: CONFORMANT, nothing broken but fingerprint points.
   */
  expect?: { verdict: 'CONFORMANT' | 'NOT_CONFORMANT' | 'INCOMPLETE' | 'NOT_IMPLEMENTED' | 'UNTESTABLE'; broken?: string[]; skipped?: string[] };
}

type Item = Record<string, unknown>;
const mapLayers = (f: (l: Item) => Item | undefined) => (o: BatchCheckOutput): BatchCheckOutput => ({
  ...o, ...(o.layers ? { layers: o.layers.map(f).filter((l): l is Item => l !== undefined) } : {}),
});
const mapFailures = (f: (l: Item) => Item) => (o: BatchCheckOutput): BatchCheckOutput => ({ ...o, ...(o.failures ? { failures: o.failures.map(f) } : {}) });
const rewriteErrors = (f: (body: Item, a: Answer) => Answer) => (a: Answer): Answer => {
  if (a.status < 300) return a;
  return f(JSON.parse(a.body.toString()) as Item, a);
};
const isCanonical = (d: string) => /^sha256:[a-f0-9]{64}$/.test(d);
const emptyRepository = (name: string, registryId: string): Repository => ({ name, registryId, createdAt: new Date(0), layers: new Map(), uploads: new Map(), images: new Map(), tags: {} });

export const MUTANTS: readonly Mutant[] = [
  { id: 'content-type-json', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['framing.content-type'] }, description: 'answers with Content-Type application/json', hooks: { answer: (a) => ({ ...a, headers: { ...a.headers, 'content-type': 'application/json' } }) } },
  { id: 'no-request-id', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['framing.request-id'] }, description: 'sends no x-amzn-RequestId header', hooks: { answer: (a) => { const { ['x-amzn-requestid']: _, ...headers } = a.headers; return { ...a, headers }; } } },
  { id: 'error-type-in-header-only', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['framing.error-type'] }, description: 'names the error type only in x-amzn-ErrorType, not in the body', hooks: { answer: rewriteErrors((b, a) => { const { __type: _, ...rest } = b; return { ...a, body: JSON.stringify(rest) }; }) } },
  { id: 'not-found-404', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['framing.error-status', 'validate.repository-not-found'] }, description: 'answers RepositoryNotFoundException with HTTP 404', hooks: { answer: (a) => (a.status === 400 && a.body.includes('RepositoryNotFoundException') ? { ...a, status: 404 } : a) } },
  { id: 'extra-top-level-members', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['shape.top-level'] }, description: 'adds registryId and repositoryName to the output, as one emulator does', hooks: { batchCheck: (o, c) => ({ ...o, registryId: c.registryId, repositoryName: c.repository.name }) } },
  { id: 'layer-size-as-string', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['shape.layer', 'classify.present'] }, description: 'sends layerSize as a JSON string', hooks: { batchCheck: mapLayers((l) => (l['layerSize'] === undefined ? l : { ...l, layerSize: String(l['layerSize']) })) } },
  { id: 'failure-extra-member', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['shape.failure'] }, description: 'puts repositoryName inside every failure', hooks: { batchCheck: (o, c) => mapFailures((f) => ({ ...f, repositoryName: c.repository.name }))(o) } },
  { id: 'lowercase-availability', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['shape.enums', 'classify.present', 'classify.absent', 'metamorphic.read-your-write', 'fingerprint.absent', 'fingerprint.grey'] }, description: 'writes layerAvailability in lower case', hooks: { batchCheck: mapLayers((l) => ({ ...l, layerAvailability: String(l['layerAvailability']).toLowerCase() })) } },
  {
    id: 'malformed-in-layers', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['shape.layer-digest-pattern', 'classify.malformed', 'fingerprint.empty-digest'] }, description: 'reports malformed digests as UNAVAILABLE layers instead of failures',
    hooks: { batchCheck: (o) => ({ layers: [...(o.layers ?? []), ...(o.failures ?? []).map((f) => ({ layerDigest: f['layerDigest'], layerAvailability: 'UNAVAILABLE' }))], failures: [] }) },
  },
  { id: 'drop-absent', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['partition.complete', 'fingerprint.absent', 'fingerprint.duplicates', 'fingerprint.grey'] }, description: 'leaves never-stored digests out of the answer', hooks: { batchCheck: mapLayers((l) => (l['layerAvailability'] === 'UNAVAILABLE' ? undefined : l)) } },
  {
    id: 'absent-in-both', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['partition.exclusive', 'fingerprint.absent', 'fingerprint.duplicates', 'fingerprint.grey'] }, description: 'reports a never-stored digest both as UNAVAILABLE and as a MissingLayerDigest failure',
    hooks: { batchCheck: (o) => ({ ...o, failures: [...(o.failures ?? []), ...(o.layers ?? []).filter((l) => l['layerAvailability'] === 'UNAVAILABLE').map((l) => ({ layerDigest: l['layerDigest'], failureCode: 'MissingLayerDigest', failureReason: 'not found' }))] }) },
  },
  { id: 'extra-digest', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['partition.no-extra'] }, description: 'adds a digest nobody asked for', hooks: { batchCheck: (o) => ({ ...o, layers: [...(o.layers ?? []), { layerDigest: `sha256:${'e'.repeat(64)}`, layerAvailability: 'UNAVAILABLE' }] }) } },
  {
    id: 'lowercase-echo', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['partition.complete', 'partition.exclusive', 'partition.echo', 'classify.present', 'metamorphic.batch-independence', 'fingerprint.duplicates', 'fingerprint.grey', 'fingerprint.consistent'] }, description: 'echoes digests in lower case',
    hooks: { batchCheck: (o) => mapFailures((f) => ({ ...f, layerDigest: String(f['layerDigest']).toLowerCase() }))(mapLayers((l) => ({ ...l, layerDigest: String(l['layerDigest']).toLowerCase() }))(o)) },
  },
  { id: 'accept-empty-list', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.empty-list'] }, description: 'accepts an empty layerDigests list', hooks: { limits: { minItems: 0 } } },
  { id: 'accept-101', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.too-many'] }, description: 'accepts more than 100 digests', hooks: { limits: { maxItems: 1000 } } },
  { id: 'accept-long-digest', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.digest-too-long'] }, description: 'accepts digests longer than 1000 characters', hooks: { limits: { digestMaxLength: 1_000_000 } } },
  { id: 'accept-any-name-length', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.repository-name-length'] }, description: 'does not check the repositoryName length', hooks: { limits: { nameMinLength: 0, nameMaxLength: 1_000_000 } } },
  { id: 'no-repository-name-pattern', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.repository-name-pattern', 'fingerprint.repository-name-model'] }, description: 'does not check the repositoryName pattern', hooks: { skip: { repositoryNamePattern: true } } },
  { id: 'accept-any-registry-id', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.registry-id'] }, description: 'does not check the registryId pattern', hooks: { skip: { registryIdPattern: true } } },
  { id: 'crash-on-bad-members', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.missing-member', 'validate.wrong-type'] }, description: 'crashes (500) on a missing or mistyped member instead of a client error', hooks: { skip: { memberTypes: true } } },
  {
    id: 'missing-repository-as-failures', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.repository-not-found', 'validate.foreign-registry', 'metamorphic.recreate-forgets'] }, description: 'answers a missing repository with per-digest results instead of RepositoryNotFoundException',
    hooks: { resolveRepository: (id, _explicit, name, find) => find(id, name) ?? emptyRepository(name, id) },
  },
  { id: 'reject-100', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.accepts-valid', 'validate.valid-succeeds'] }, description: 'rejects a list of exactly 100 digests', hooks: { limits: { maxItems: 99 } } },
  { id: 'wrong-layer-size', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.present', 'metamorphic.read-your-write'] }, description: 'reports a stored layer one byte larger than stored', hooks: { batchCheck: mapLayers((l) => (typeof l['layerSize'] === 'number' ? { ...l, layerSize: (l['layerSize'] as number) + 1 } : l)) } },
  {
    id: 'absent-available', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.absent', 'metamorphic.repository-isolation', 'metamorphic.read-your-write', 'metamorphic.unfinished-upload', 'metamorphic.recreate-forgets', 'fingerprint.absent', 'fingerprint.grey'] }, description: 'reports every well-formed digest as AVAILABLE',
    hooks: { batchCheck: mapLayers((l) => (l['layerAvailability'] === 'UNAVAILABLE' ? { ...l, layerAvailability: 'AVAILABLE', layerSize: 0, mediaType: 'application/octet-stream' } : l)) },
  },
  { id: 'empty-failure-reason', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.failure-reason'] }, description: 'sends an empty failureReason', hooks: { batchCheck: mapFailures((f) => ({ ...f, failureReason: '' })) } },
  {
    id: 'first-only', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.present', 'metamorphic.order', 'metamorphic.batch-independence', 'metamorphic.read-your-write'] }, description: 'answers by position: only the first digest of a list is looked up',
    hooks: { batchCheck: (o, c) => mapLayers((l) => (l['layerAvailability'] === 'AVAILABLE' && l['layerDigest'] !== c.digests[0] ? { layerDigest: l['layerDigest'], layerAvailability: 'UNAVAILABLE' } : l))(o) },
  },
  {
    id: 'batch-size-sensitive', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.present', 'metamorphic.batch-independence'] }, description: 'loses stored layers in batches of more than 10 digests',
    hooks: { batchCheck: (o, c) => (c.digests.length > 10 ? mapLayers((l) => (l['layerAvailability'] === 'AVAILABLE' ? { layerDigest: l['layerDigest'], layerAvailability: 'UNAVAILABLE' } : l))(o) : o) },
  },
  {
    id: 'mutating-check', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.absent', 'metamorphic.order', 'metamorphic.batch-independence', 'metamorphic.idempotent', 'metamorphic.registry-id', 'metamorphic.repository-isolation', 'metamorphic.unknown-member', 'metamorphic.recreate-forgets', 'fingerprint.absent', 'fingerprint.consistent'] }, description: 'stores every absent canonical digest it is asked about, so a second check differs',
    hooks: { batchCheck: (o, c) => { for (const d of c.digests) if (isCanonical(d) && !c.repository.layers.has(d)) c.repository.layers.set(d, { size: 0, mediaType: null }); return o; } },
  },
  { id: 'explicit-registry-id-not-found', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['validate.valid-succeeds', 'metamorphic.registry-id'] }, description: 'treats an explicit registryId, even the caller\'s own, as another registry', hooks: { resolveRepository: (id, explicit, name, find) => (explicit ? undefined : find(id, name)) } },
  { id: 'shared-layer-store', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['classify.absent', 'metamorphic.repository-isolation', 'metamorphic.read-your-write', 'metamorphic.recreate-forgets', 'fingerprint.absent', 'fingerprint.consistent'] }, description: 'finds a layer in any repository of the registry', hooks: { lookupLayer: (repo, digest, all) => repo.layers.get(digest) ?? all.map((r) => r.layers.get(digest)).find(Boolean) } },
  {
    id: 'inconsistent-absent', kind: 'rule', expect: { verdict: 'NOT_CONFORMANT', broken: ['fingerprint.absent', 'fingerprint.consistent'] }, description: 'answers never-stored digests sometimes as UNAVAILABLE, sometimes as MissingLayerDigest',
    hooks: {
      batchCheck: (o) => {
        const odd = (l: Item) => l['layerAvailability'] === 'UNAVAILABLE' && /[13579bdf]$/.test(String(l['layerDigest']));
        const moved = (o.layers ?? []).filter(odd).map((l) => ({ layerDigest: l['layerDigest'], failureCode: 'MissingLayerDigest', failureReason: 'not found' }));
        return { layers: (o.layers ?? []).filter((l) => !odd(l)), failures: [...(o.failures ?? []), ...moved] };
      },
    },
  },
  { id: 'grey-invalid', kind: 'rule', expect: { verdict: 'CONFORMANT', broken: ['fingerprint.grey'] }, description: 'rejects non-canonical digests (uppercase hex, sha512, short hex) as InvalidLayerDigest', behaviour: { grey: 'invalid-failure' } },
  { id: 'omit-empty-lists', kind: 'rule', expect: { verdict: 'CONFORMANT', broken: ['fingerprint.empty-lists'] }, description: 'leaves empty layers/failures lists out', behaviour: { emptyLists: 'omitted' } },
  { id: 'empty-digest-invalid', kind: 'rule', expect: { verdict: 'CONFORMANT', broken: ['fingerprint.empty-digest'] }, description: 'answers the empty digest with InvalidLayerDigest', behaviour: { emptyDigest: 'invalid-failure' } },
  { id: 'old-repository-name-model', kind: 'rule', expect: { verdict: 'CONFORMANT', broken: ['fingerprint.repository-name-model'] }, description: 'applies the 2015 repositoryName pattern (rejects a__b)', behaviour: { repositoryNameModel: '2015-12-21' } },
  // Bug-shaped mutants: a bug in the store, a handler, the serializer or the connection, with the mock that would have it.
  bug('global-layer-cache', 'a layer cache keyed by digest alone, as a Redis-backed fake might: a layer stored in one repository is found in every other',
    { layerKey: 'digest-only' }, 'NOT_CONFORMANT', ['metamorphic.repository-isolation']),
  bug('case-insensitive-store', 'layers keyed by lower-cased digest, as a case-insensitive database collation does: an upper-case variant of a stored digest is found',
    { layerKey: 'lower-case' }, 'NOT_CONFORMANT', ['classify.absent']),
  bug('hex-keyed-store', 'layers filed by the hex after the colon, the algorithm dropped, as a store of blob directories named by their hex does: another algorithm\'s name before a stored layer\'s hex finds it',
    { layerKey: 'hex-only' }, 'NOT_CONFORMANT', ['classify.absent']),
  bug('delete-keeps-layers', 'DeleteRepository removes the repository row but not its layer rows, keyed by name: a repository created again under the name holds the old layers',
    { deleteKeepsLayers: true }, 'NOT_CONFORMANT', ['metamorphic.recreate-forgets']),
  bug('delete-keeps-uploads', 'uploads in progress live in a table of their own keyed by repository name and upload id, which DeleteRepository does not clear: an upload started before the deletion completes into the repository created again under the name',
    { deleteKeepsUploads: true }, 'NOT_CONFORMANT', ['metamorphic.recreate-forgets']),
  bug('delete-drops-shared-blobs', 'one copy of each blob for the registry, linked per repository, and DeleteRepository deletes the blobs of its links without counting the other repositories that link them (a garbage collector without reference counts): a layer stored in two repositories is gone from both when one is deleted',
    { deleteDropsSharedBlobs: true }, 'NOT_CONFORMANT', ['metamorphic.recreate-forgets']),
  bug('write-behind-store', 'completed uploads land in a write-behind buffer flushed every 25 checks: a layer is not AVAILABLE right after CompleteLayerUpload',
    { visibleAfterChecks: 25 }, 'NOT_CONFORMANT', ['metamorphic.read-your-write']),
  bug('size-off-by-one', 'CompleteLayerUpload stores the index of the last byte received as the size',
    { sizeFromLastByte: true }, 'NOT_CONFORMANT', ['classify.present']),
  bug('size-of-last-part', 'each UploadLayerPart overwrites the layer\'s size column with the part\'s length instead of adding to it: a layer sent in parts is stored with the size of its last',
    { sizeFromLastPart: true }, 'NOT_CONFORMANT', ['classify.present']),
  bug('name-column-255', 'repository names go into a VARCHAR(255) column: the 256-character name is cut on insert, and lookups by the full name miss it',
    { nameColumnLength: 255 }, 'INCOMPLETE', [], ['validate.valid-succeeds']),
  bug('layers-by-basename', 'layers are filed under the last segment of the repository name (a directory per path.basename): team-a/app and team-b/app share their layers',
    { layersByBasename: true }, 'NOT_CONFORMANT', ['classify.absent', 'metamorphic.repository-isolation', 'fingerprint.absent', 'fingerprint.consistent']),
  bug('layers-by-flat-name', 'layers are filed in a directory per repository, named by the repository name with "/" flattened to "_": team/app and team_app share their layers',
    { layersByFlatName: true }, 'NOT_CONFORMANT', ['metamorphic.read-your-write']),
  bug('layers-from-images', 'layers are looked up in the manifests of the repository\'s images, as a fake built around images does: a layer uploaded but in no image yet (every layer, while a client pushes) is missing',
    { layersFromImages: true }, 'NOT_CONFORMANT', ['classify.present', 'metamorphic.read-your-write']),
  bug('memoized-lookups', 'lookups memoized per repository and digest list, as @functools.lru_cache(maxsize=128) on the lookup does, and never invalidated: a check repeated after an upload gets the answer from before it',
    { memoizedLookups: 128 }, 'NOT_CONFORMANT', ['metamorphic.read-your-write']),
  bug('request-in-module-scope', 'the handler keeps the request it answers in a variable of the module and reads it back after an await (its database call): a request that arrives meanwhile overwrites it, and one caller gets the answer to another\'s digests',
    { requestInModuleScope: true }, 'NOT_CONFORMANT', ['partition.no-extra']),
  bug('repeats-missed', 'each digest found is taken off a set of pending lookups as it is answered (pending.discard(d)): a stored digest listed twice is AVAILABLE the first time and missing the second',
    { repeatsMissed: true }, 'NOT_CONFORMANT', ['classify.present']),
  bug('malformed-before-lookup', 'digests are validated before the repository is looked up (the cheap check first), and a list with nothing well formed is answered with its failures: the lookup that would have said RepositoryNotFoundException never happens',
    { malformedFirst: true }, 'NOT_CONFORMANT', ['validate.repository-not-found']),
  bug('prefix-scan-lookup', 'repositories are found by a key-prefix scan that takes the first hit (scan(prefix=name) in a key-value store): a missing name that begins an existing one finds it',
    { findByPrefix: true }, 'NOT_CONFORMANT', ['validate.repository-not-found']),
  bug('soft-delete-visible', 'DeleteRepository only marks the row deleted, and the availability query forgets WHERE deleted_at IS NULL: a deleted repository still answers until it is created again',
    { softDeleteVisible: true }, 'NOT_CONFORMANT', ['metamorphic.recreate-forgets']),
  bug('fixed-media-type', 'every stored layer is answered with one fixed layer media type, the config blob of an image too, as moto\'s pull request #10195 does: AWS reports the media type the manifest gave each blob',
    { fixedMediaType: true }, 'NOT_CONFORMANT', ['classify.present']),
  bug('upload-stubs', 'the layer-upload calls are stubs: they answer 200, UploadLayerPart reports byte 0 received, and nothing is stored',
    { uploadsAreStubs: true }, 'INCOMPLETE', [], ['classify.present']),
  bug('blob-dedupe-skips-link', 'one copy of each blob for the whole registry, as registries keep them, and CompleteLayerUpload returns early when some repository holds the blob already: it is never linked to the repository it was just uploaded to',
    { blobDedupeSkipsLink: true }, 'NOT_CONFORMANT', ['metamorphic.read-your-write']),
  bug('blobs-on-receipt', 'a content-addressed blob store written as parts arrive: after each UploadLayerPart what the upload holds so far is filed under its digest, so a layer whose upload is never completed is AVAILABLE',
    { blobsOnReceipt: true }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('completion-ignores-claim', 'CompleteLayerUpload computes the digest of what it received and files the layer under it, never comparing the digest it was told, as moto\'s pull request #10195 does: a completion ECR refuses (InvalidLayerException) makes the content AVAILABLE',
    { completionIgnoresClaim: true }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('completion-trusts-claim', 'CompleteLayerUpload files the content under the digest it is told, unchecked: a digest whose content was never sent is AVAILABLE, with the size of other content',
    { completionTrustsClaim: true }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('no-put-image', 'PutImage is not implemented (501, as an emulator answers an operation it lacks), and every stored layer is answered with the default layer media type: the media type a manifest gives a blob is never reported',
    { putImageMissing: true, fixedMediaType: true }, 'INCOMPLETE', [], ['classify.present']),
  bug('manifest-names-layers', 'PutImage files every blob its manifest names, with the size the manifest gives, as a fake built around images does instead of refusing the manifest (LayersNotFoundException): a layer that was never uploaded is AVAILABLE once an image names it',
    { manifestStoresLayers: true }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('uploads-by-id', 'uploads live in one table keyed by upload id, as a fake\'s uploads[upload_id] does, and CompleteLayerUpload files the layer in the repository the call names: an upload started in one repository and completed through another makes its layer AVAILABLE there',
    { uploadsById: 'completion-repository' }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('uploads-by-id-own-repository', 'uploads live in one table keyed by upload id, and CompleteLayerUpload files the layer in the repository the upload row names, whichever the call names: a completion ECR refuses (UploadNotFoundException) makes the layer AVAILABLE in the repository it was sent to',
    { uploadsById: 'upload-repository' }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('parts-by-id', 'UploadLayerPart finds the upload by id alone (uploads[upload_id]) while CompleteLayerUpload looks in the repository it names: parts sent through another repository land in the upload, and its completion in its own repository makes the layer AVAILABLE there',
    { partsById: true }, 'NOT_CONFORMANT', ['metamorphic.unfinished-upload']),
  bug('upload-snapshot-lost-update', 'a store that reads the repository document when an upload starts and writes it back, with the new layer, when it completes, without a version check: of layers pushed in parallel, as docker pushes them, only the last completed stays',
    { uploadSnapshotsLayers: true }, 'NOT_CONFORMANT', ['metamorphic.read-your-write']),
  bug('one-part-per-upload', 'UploadLayerPart takes one part per upload, as a fake written for monolithic uploads does (upload.blob = part, a second one refused): no layer is stored in parts, so no size summed from parts is ever checked',
    { onePartPerUpload: true }, 'INCOMPLETE', [], ['classify.present']),
  bug('uploads-two-components', 'InitiateLayerUpload checks repository names with a pattern of its own, Docker Hub\'s namespace/name, stricter than CreateRepository\'s: a repository whose name has three components takes no uploads, so nothing a case stores there first can be checked',
    { uploadNameComponents: 2 }, 'INCOMPLETE', [], ['metamorphic.read-your-write', 'metamorphic.unfinished-upload', 'metamorphic.recreate-forgets']),
  bug('fencepost-limits', 'one shared helper checks every limit with <= against the first value it should refuse: 101 digests, a 1001-character digest, names of 1 and 257 characters get through',
    { fencepost: true }, 'NOT_CONFORMANT', ['validate.too-many', 'validate.digest-too-long', 'validate.repository-name-length']),
  bug('input-errors-denied', 'the error handler\'s catch-all answers every validation error as AccessDeniedException, as a 403 fallback behind an auth middleware does: no rule can judge those answers, and the run says the permission errors fell only on invalid requests',
    { inputErrorsDenied: true }, 'INCOMPLETE', [], ['validate.empty-list', 'validate.too-many', 'validate.digest-too-long', 'validate.repository-name-length', 'validate.repository-name-pattern', 'validate.registry-id', 'validate.missing-member']),
  bug('registry-id-parsed-as-integer', 'registryId is checked with id.length === 12 && Number.isInteger(Number(id)), as a JavaScript handler might: "+12345678901" has twelve characters and is an integer',
    { registryIdParsesAsInteger: true }, 'NOT_CONFORMANT', ['validate.registry-id']),
  bug('registry-id-length-only', 'registryId is checked with len(registry_id) == 12 alone: twelve characters with a letter among them pass',
    { registryIdLengthOnly: true }, 'NOT_CONFORMANT', ['validate.registry-id']),
  bug('trimmed-names', 'repositoryName and registryId are trimmed before they are checked, as a handler that calls .strip() on its string inputs does: " team/app" and "123456789012\\n" are taken for the valid values within',
    { trimNames: true }, 'NOT_CONFORMANT', ['validate.repository-name-pattern', 'validate.registry-id']),
  bug('dollar-before-newline', 'repositoryName, registryId and digests are checked with Python\'s re.match against patterns ending in $, which also matches before a final line end: "team/app\\n", "123456789012\\n" and a digest with a final line end pass, and are then looked up as sent',
    { dollarBeforeNewline: true }, 'NOT_CONFORMANT', ['validate.repository-name-pattern', 'validate.registry-id', 'classify.malformed']),
  bug('line-anchors', 'digests are checked with a pattern whose ^ and $ match at every line end, as Ruby\'s regexps and JavaScript\'s with the m flag do: "latest\\nsha256:…" has a well-formed line, passes, and is then looked up as sent',
    { lineAnchors: true }, 'NOT_CONFORMANT', ['classify.malformed']),
  bug('unicode-classes', 'names and registry ids are checked with Python\'s Unicode-aware classes (str.islower(), \\d): a lower-case letter or decimal digit outside ASCII passes, "café" as a name and a registry id with an Arabic-Indic digit',
    { unicodeClasses: true }, 'NOT_CONFORMANT', ['validate.repository-name-pattern', 'validate.registry-id']),
  bug('empty-segments-dropped', 'repository names are validated segment by segment after name.split("/").filter(Boolean), which drops the empty segment of a//b: a name with a double slash is accepted',
    { emptySegmentsDropped: true }, 'NOT_CONFORMANT', ['validate.repository-name-pattern']),
  bug('slashes-trimmed', 'repository names are cleaned as paths before they are checked, as strings.Trim(name, "/") in a Go handler does: "team/app/" is taken for "team/app"',
    { trimSlashes: true }, 'NOT_CONFORMANT', ['validate.repository-name-pattern']),
  bug('string-as-digest-list', 'the handler iterates layerDigests without checking its type, as a Python for loop does: a string is taken for a list of one-character digests, each answered InvalidLayerDigest',
    { stringAsList: true }, 'NOT_CONFORMANT', ['validate.wrong-type']),
  bug('limit-after-dedupe', 'the 100-digest limit is checked after duplicates are removed, so 101 digests with a repeat pass',
    { countDistinct: true }, 'NOT_CONFORMANT', ['validate.too-many']),
  bug('byte-length-limit', 'the 1000-character limit is checked with Go\'s len(), which counts UTF-8 bytes: a 1000-character digest with a non-ASCII character is rejected',
    { digestLength: 'utf8-bytes' }, 'NOT_CONFORMANT', ['validate.accepts-valid']),
  bug('dedupe-ignoring-case', 'repeated digests are removed through a map keyed by lower-cased digest: a case variant listed beside its original is never answered',
    { dedupeIgnoringCase: true }, 'NOT_CONFORMANT', ['partition.complete']),
  bug('trim-digests', 'digests are trimmed before they are looked up and echoed: " sha256:…" comes back without its space',
    { trimDigests: true }, 'NOT_CONFORMANT', ['partition.echo']),
  bug('shared-failures-list', 'the failures list is a module-level array, emptied only once it passes 20 entries: failures of earlier calls leak into later answers',
    { sharedFailures: true }, 'NOT_CONFORMANT', ['partition.no-extra']),
  bug('registry-id-ignored', 'the handler always reads the caller\'s own registry, whatever registryId names',
    { ignoreRegistryId: true }, 'NOT_CONFORMANT', ['validate.foreign-registry']),
  bug('empty-registry-id-default', 'registryId "" is taken for "not given", as a Go zero value is',
    { emptyRegistryIdIsDefault: true }, 'NOT_CONFORMANT', ['validate.registry-id']),
  bug('strict-decoding', 'the request decoder rejects members it does not know (a JSON schema with additionalProperties: false)',
    { rejectUnknownMembers: true }, 'NOT_CONFORMANT', ['metamorphic.unknown-member']),
  bug('crash-on-empty-digest', 'the handler splits every digest on ":" and indexes the result: the empty digest crashes it with a 500',
    { crashOnEmptyDigest: true }, 'NOT_CONFORMANT', ['validate.valid-succeeds']),
  bug('server-error-on-valid', 'every valid call for an existing repository fails with 500 ServerException (a backend that is always down)',
    { failValidChecks: true }, 'NOT_CONFORMANT', ['validate.valid-succeeds']),
  bug('missing-repository-crash', 'a missing repository is looked up as repos[name].layers and crashes with a 500 instead of RepositoryNotFoundException',
    { missingRepositoryCrash: true }, 'NOT_CONFORMANT', ['validate.repository-not-found']),
  bug('break-on-invalid', 'the loop over the digests says break where it meant continue after answering a malformed digest InvalidLayerDigest: every digest listed after the first malformed one is left unanswered',
    { breakOnInvalid: true }, 'NOT_CONFORMANT', ['partition.complete']),
  bug('page-of-50', 'the handler answers at most 50 digests, a page size left over from a list API',
    { pageSize: 50 }, 'NOT_CONFORMANT', ['partition.complete']),
  bug('errors-as-200', 'error answers are written with status 200 (res.status(200).json(err) in one catch block)',
    { errorsAs200: true }, 'NOT_CONFORMANT', ['validate.empty-list']),
  bug('float-sizes', 'layer sizes computed in floating point and written as 1234.0, as a Python fake does with size / 1',
    { sizeAsFloat: true }, 'NOT_CONFORMANT', ['wire.integers']),
  bug('duplicate-member', 'each layer object is written with a default layerAvailability first and the real one after it',
    { duplicateAvailability: true }, 'NOT_CONFORMANT', ['wire.json']),
  bug('go-nil-slices', 'a Go fake whose output struct has Layers []Layer `json:"layers"` without omitempty: encoding/json writes the nil slice of an answer with no layers as null',
    { nilListsAsNull: true }, 'NOT_CONFORMANT', ['shape.top-level']),
  bug('trailing-commas', 'the answer\'s lists are built by string concatenation, a comma after each entry, as a hand-written template does: every answer with a layer or a failure ends its list in ",]" and is not JSON',
    { trailingCommas: true }, 'NOT_CONFORMANT', ['wire.json']),
  bug('latin1-body', 'answers are encoded as Latin-1, so an echoed non-ASCII digest is not valid UTF-8',
    { latin1Body: true }, 'NOT_CONFORMANT', ['wire.json']),
  bug('content-length-in-characters', 'Content-Length is the string\'s length in characters, not bytes: an answer with a non-ASCII character is cut short',
    { contentLengthInChars: true }, 'NOT_CONFORMANT', ['wire.json']),
  bug('express-body-limit', 'the fake reads requests with Express\'s json() at its default limit of 100 KB: a valid request of 100 long digests is refused with a 413 HTML page',
    { bodyLimit: 100 * 1024 }, 'NOT_CONFORMANT', ['validate.valid-succeeds']),
  bug('slow-large-batches', 'lookups are quadratic: lists of more than 60 digests take 11 s, past the default 10-second deadline',
    { slowAbove: { digests: 60, ms: 11_000 } }, 'INCOMPLETE', [], ['partition.complete']),

  // Legal alternatives: a conformant server may answer so (sources in spec/legal-alternatives.json).
  legal('namespaced-error-type', { quirks: { errorTypeForm: 'shape-id' } }),
  legal('error-type-with-uri', { quirks: { errorTypeForm: 'with-uri' } }),
  legal('capital-message', { quirks: { messageMember: 'Message' } }),
  legal('ascii-escaped-json', { quirks: { asciiEscapes: true } }),
  legal('pretty-printed-json', { quirks: { prettyJson: true } }),
  legal('sorted-answers', { quirks: { sortEntries: true } }),
  legal('chunked-connection-close', { quirks: { chunkedAndClose: true } }),
  legal('close-after-answer', { quirks: { closeAfterAnswer: true } }),
  legal('alternate-request-id-header', { quirks: { requestIdHeader: 'x-amz-request-id' } }, ['fingerprint.request-id-header']),
  legal('omit-empty-failures', { behaviour: { emptyFailures: 'omitted' } }, ['fingerprint.empty-lists']),
  legal('absent-as-missing-failure', { behaviour: { absent: 'missing-failure' } }, ['fingerprint.absent']),
  legal('go-digest-algorithms-only', { quirks: { greyByGoDigest: true } }, ['fingerprint.grey']),
  legal('unreferenced-without-media-type', { quirks: { omitUnreferencedMediaType: true } }, ['fingerprint.unreferenced-media-type']),
  legal('transient-503', { quirks: { transientEvery: 13 } }),
  legal('occasional-throttle', { quirks: { throttleEvery: 17 } }),
  legal('mismatch-keeps-upload', { quirks: { mismatchKeepsUpload: true } }),
  legal('manifest-unchecked', { quirks: { manifestUnchecked: true } }),
  legal('minimum-part-size', { quirks: { minimumPartBytes: 5 * 1024 * 1024 } }),
  legal('collapse-duplicates', { behaviour: { duplicates: 'collapse' } }, ['fingerprint.duplicates']),

  {
    id: 'html-500', kind: 'not-implemented', description: 'answers every call with an HTML 500 page, as moto does for this operation',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(500, { 'content-type': 'text/html' }).end('<!doctype html><title>500</title><p>NotImplementedError: ECR.batch_check_layer_availability is not yet implemented</p>'); return true; } },
  },
  {
    id: 'not-implemented-501', kind: 'not-implemented', description: 'answers every call with 501 InternalFailure, as LocalStack does',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(501, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ __type: 'InternalFailure', message: "API for service 'ecr' not yet implemented or pro feature" })); return true; } },
  },
  { id: 'reset', kind: 'hostile', description: 'resets every connection', hooks: { takeOver: (req) => { req.socket.destroy(); return true; } } },
  { id: 'stall', kind: 'hostile', description: 'never answers', hooks: { takeOver: (req) => { req.resume(); return true; } } },
  {
    id: 'truncated-json', kind: 'hostile', description: 'answers 200 with JSON cut off in the middle',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end('{"layers":[{"layerDigest":"sha256:'); return true; } },
  },
  {
    id: 'huge-body', kind: 'hostile', description: 'answers with a 500 MB body',
    hooks: {
      takeOver: (req, res) => {
        req.resume();
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const body = new Readable({ read() { sent++; this.push(sent > 500 ? null : chunk); } });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r', 'content-length': String(500 * chunk.length) });
        body.pipe(res);
        res.on('close', () => body.destroy());
        return true;
      },
    },
  },
];

function bug(id: string, description: string, quirks: Quirks, verdict: 'NOT_CONFORMANT' | 'INCOMPLETE', broken: string[], skipped: string[] = []): Mutant {
  return { id, kind: 'bug', description, quirks, expect: { verdict, broken, ...(skipped.length > 0 ? { skipped } : {}) } };
}

/** A legal alternative: its statement comes from spec/legal-alternatives.json; the only rules it may break are fingerprint points. */
function legal(id: string, change: { quirks?: Quirks; behaviour?: Partial<RegistryBehaviour> }, points: string[] = []): Mutant {
  const spec = legalAlternativesSpec().alternatives.find((a) => a.id === id);
  if (!spec) throw new Error(`legal alternative ${id} is not in spec/legal-alternatives.json`);
  return { id, kind: 'legal', description: `legal: ${spec.statement}`, ...change, expect: { verdict: 'CONFORMANT', broken: points } };
}

/** The registry options that serve a mutant (none for the faithful registry). */
export function mutantOptions(m: Mutant | undefined): { hooks?: RegistryHooks; quirks?: Quirks; behaviour?: Partial<RegistryBehaviour> } {
  return { ...(m?.hooks ? { hooks: m.hooks } : {}), ...(m?.quirks ? { quirks: m.quirks } : {}), ...(m?.behaviour ? { behaviour: m.behaviour } : {}) };
}

export function mutant(id: string): Mutant | undefined {
  return MUTANTS.find((m) => m.id === id);
}
