// The ECR operations the reference registry answers. Validation reads spec/; where the docs are
// silent the behaviour options decide.
import { createHash } from 'node:crypto';
import { operationSpec, referenceFingerprintSpec, repositoryNamePattern, seedingSpec } from '../spec/index.ts';
import type { RegistryBehaviour } from './behaviour.ts';
import { AwsError, invalidParameter } from './errors.ts';
import type { BatchCheckOutput, Limits, RegistryHooks } from './hooks.ts';
import { type Body, constraint, integerMember, printedPattern, serialization, stringListMember, stringMember } from './input.ts';
import type { Quirks } from './quirks.ts';
import type { RegistryStore, Repository, Upload } from './store.ts';

export interface OperationContext {
  store: RegistryStore;
  behaviour: RegistryBehaviour;
  hooks: RegistryHooks;
  quirks: Quirks;
  region: string;
  counters: { batchChecks: number };
  /** The failures list a careless handler keeps across calls (quirk sharedFailures). */
  sharedFailures: Record<string, unknown>[];
  /** The memo of lookups a handler keeps across calls (quirk memoizedLookups), oldest use first. */
  memo: Map<string, BatchCheckOutput>;
  /** What one layer, and all uploads in progress together, may hold. */
  resources: { maxLayerBytes: number; maxStoreBytes: number };
  now: () => number;
}

/** Smithy's length trait counts Unicode code points; a Go server's len() counts UTF-8 bytes. */
const lengthOf = (s: string, how: Quirks['digestLength']) => (how === 'utf8-bytes' ? Buffer.byteLength(s) : [...s].length);

type Handler = (body: Body, ctx: OperationContext) => Record<string, unknown>;

export function specLimits(): Limits {
  const input = operationSpec().input;
  return {
    minItems: input.layerDigests.minItems.value,
    maxItems: input.layerDigests.maxItems.value,
    digestMaxLength: input.layerDigests.items.maxLength.value,
    nameMinLength: input.repositoryName.minLength.value,
    nameMaxLength: input.repositoryName.maxLength.value,
  };
}

function limits(ctx: OperationContext): Limits {
  return { ...specLimits(), ...ctx.hooks.limits };
}

/** The fencepost quirk: each bound moved one past the value it should refuse (the list minimum kept). */
const fenced = (l: Limits, q: Quirks): Limits =>
  q.fencepost ? { ...l, maxItems: l.maxItems + 1, digestMaxLength: l.digestMaxLength + 1, nameMinLength: l.nameMinLength - 1, nameMaxLength: l.nameMaxLength + 1 } : l;

/** A pattern as the server compiles it: with the unicodeClasses quirk, its ASCII classes take any lower-case letter or decimal digit. */
const compiled = (source: string, q: Quirks): RegExp =>
  q.unicodeClasses ? new RegExp(source.replaceAll('[a-z0-9]', '[\\p{Ll}\\p{Nd}]').replaceAll('[0-9]', '\\p{Nd}'), 'u') : new RegExp(source);

/** What a pattern is tested against: with the dollarBeforeNewline quirk, as if $ matched before a final line end. */
const patternSubject = (value: string, q: Quirks) => (q.dollarBeforeNewline && value.endsWith('\n') ? value.slice(0, -1) : value);

function registryIdOf(body: Body, ctx: OperationContext): { id: string; explicit: boolean } {
  const given = stringMember(body, 'registryId', false);
  const id = ctx.quirks.trimNames ? given?.trim() : given;
  if (id === undefined || (id === '' && ctx.quirks.emptyRegistryIdIsDefault)) return { id: ctx.store.accountId, explicit: false };
  const pattern = operationSpec().input.registryId.pattern.value;
  // The length-only quirk takes the length the pattern's {n} gives: a length check in place of the pattern.
  const length = Number(/\{(\d+)\}/.exec(pattern)?.[1]);
  const matches = ctx.quirks.registryIdLengthOnly ? id.length === length
    : ctx.quirks.registryIdParsesAsInteger ? id.length === length && id.trim() !== '' && Number.isInteger(Number(id))
      : compiled(pattern, ctx.quirks).test(patternSubject(id, ctx.quirks));
  if (!ctx.hooks.skip?.registryIdPattern && !matches) {
    throw constraint('registryId', `must satisfy regular expression '${printedPattern(pattern)}'`);
  }
  return { id, explicit: true };
}

function repositoryNameOf(body: Body, ctx: OperationContext): string {
  // The skip.memberTypes seam lets a mutant crash on a missing or mistyped member, as careless fakes do.
  const given = ctx.hooks.skip?.memberTypes ? (body['repositoryName'] as string) : stringMember(body, 'repositoryName', true);
  const trimmed = ctx.quirks.trimNames ? given.trim() : given;
  const name = ctx.quirks.trimSlashes ? trimmed.replace(/^\/+|\/+$/g, '') : trimmed;
  const l = fenced(limits(ctx), ctx.quirks);
  if (lengthOf(name, 'code-points') < l.nameMinLength) throw constraint('repositoryName', `must have length greater than or equal to ${l.nameMinLength}`);
  if (lengthOf(name, 'code-points') > l.nameMaxLength) throw constraint('repositoryName', `must have length less than or equal to ${l.nameMaxLength}`);
  const pattern = compiled(repositoryNamePattern(ctx.behaviour.repositoryNameModel).source, ctx.quirks);
  const matches = ctx.quirks.emptySegmentsDropped ? name.split('/').filter(Boolean).every((segment) => pattern.test(segment)) : pattern.test(patternSubject(name, ctx.quirks));
  if (!ctx.hooks.skip?.repositoryNamePattern && !matches) {
    throw constraint('repositoryName', `must satisfy regular expression '${printedPattern(pattern.source)}'`);
  }
  return name;
}

function notFound(name: string, registryId: string): AwsError {
  return new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);
}

function repositoryOf(body: Body, ctx: OperationContext): Repository {
  const { id, explicit } = registryIdOf(body, ctx);
  const name = repositoryNameOf(body, ctx);
  const find = (r: string, n: string) => ctx.store.find(r, n);
  const repo = ctx.hooks.resolveRepository ? ctx.hooks.resolveRepository(id, explicit, name, find) : find(id, name);
  if (!repo) throw notFound(name, id);
  return repo;
}

function describe(repo: Repository, region: string): Record<string, unknown> {
  return {
    repositoryArn: `arn:aws:ecr:${region}:${repo.registryId}:repository/${repo.name}`,
    registryId: repo.registryId,
    repositoryName: repo.name,
    repositoryUri: `${repo.registryId}.dkr.ecr.${region}.amazonaws.com/${repo.name}`,
    createdAt: repo.createdAt.getTime() / 1000,
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}

/** Whether a manifest of one of the repository's images names `digest` (its config or a layer). */
function inSomeImage(repo: Repository, digest: string): boolean {
  for (const image of repo.images.values()) {
    try {
      const m = JSON.parse(image.manifest) as { config?: Descriptor; layers?: Descriptor[] };
      if (m.config?.digest === digest || (Array.isArray(m.layers) && m.layers.some((l) => l.digest === digest))) return true;
    } catch { /* an image whose manifest is not JSON names nothing */ }
  }
  return false;
}

const INPUT_MEMBERS = new Set(Object.keys(operationSpec().input));

const batchCheckLayerAvailability: Handler = (body, ctx) => {
  const q = ctx.quirks;
  if (q.rejectUnknownMembers) {
    const unknown = Object.keys(body).find((m) => !INPUT_MEMBERS.has(m));
    if (unknown !== undefined) throw serialization(`Unknown member '${unknown}'`);
  }
  // Members are read in model order so that a request with several problems gets a stable answer.
  const { id, explicit } = registryIdOf(body, ctx);
  const name = repositoryNameOf(body, ctx);
  const given = body['layerDigests'];
  const digests = q.stringAsList && typeof given === 'string' ? [...given] : ctx.hooks.skip?.memberTypes ? (given as string[]) : stringListMember(body, 'layerDigests');
  const l = fenced(limits(ctx), q);
  const listed = q.countDistinct ? new Set(digests).size : digests.length;
  if (listed < l.minItems) throw constraint('layerDigests', `Member must have length greater than or equal to ${l.minItems}`);
  if (listed > l.maxItems) throw constraint('layerDigests', `Member must have length less than or equal to ${l.maxItems}`);
  if (digests.some((d) => lengthOf(d, q.digestLength) > l.digestMaxLength)) {
    throw constraint('layerDigests', `Member must satisfy constraint: [Member must have length less than or equal to ${l.digestMaxLength}]`);
  }
  const registry = q.ignoreRegistryId ? ctx.store.accountId : id;
  const find = (r: string, n: string) => ctx.store.find(r, n) ?? (q.softDeleteVisible ? ctx.store.findDeleted(r, n) : undefined);
  const repo = ctx.hooks.resolveRepository ? ctx.hooks.resolveRepository(registry, explicit, name, find) : find(registry, name);
  const lenient = new RegExp(operationSpec().output.layer.layerDigestPattern.value);
  if (!repo && q.malformedFirst && digests.every((d) => !lenient.test(d))) {
    // Nothing well formed to look up: the repository never is.
    return { layers: [], failures: digests.map((d) => ({ layerDigest: d, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' })) };
  }
  if (!repo) {
    if (q.missingRepositoryCrash) throw new TypeError(`Cannot read properties of undefined (reading 'layers')`);
    throw notFound(name, id);
  }
  if (q.failValidChecks) throw new AwsError('ServerException', 'The service is unavailable for this repository.', 500);
  ctx.store.settle(ctx.counters.batchChecks);

  const canonical = new RegExp(referenceFingerprintSpec().canonicalDigestPattern.value);
  // The go-digest legal alternative: what the digest library validates, at its lengths in lower-case hex.
  const library = referenceFingerprintSpec().libraryAlgorithms.value;
  const wellKnown = (d: string) => {
    const [algorithm, hex] = [d.slice(0, d.indexOf(':')), d.slice(d.indexOf(':') + 1)];
    return library[algorithm] === hex.length && /^[a-f0-9]+$/.test(hex);
  };
  const defaultMediaType = seedingSpec().defaultLayerMediaType.value;
  const b = ctx.behaviour;
  const layers: Record<string, unknown>[] = [];
  // The shared list's only "fix" is a cap someone added when memory grew: it is emptied once it passes 20.
  if (q.sharedFailures && ctx.sharedFailures.length > 20) ctx.sharedFailures.length = 0;
  const failures: Record<string, unknown>[] = q.sharedFailures ? ctx.sharedFailures : [];
  const fail = (layerDigest: string, failureCode: string, failureReason: string) => failures.push({ layerDigest, failureCode, failureReason });
  let wanted = q.trimDigests ? digests.map((d) => d.trim()) : digests;
  if (b.duplicates === 'collapse') wanted = [...new Set(wanted)];
  if (q.dedupeIgnoringCase) {
    const seen = new Set<string>();
    wanted = wanted.filter((d) => !seen.has(d.toLowerCase()) && Boolean(seen.add(d.toLowerCase())));
  }
  if (q.pageSize !== undefined) wanted = wanted.slice(0, q.pageSize);
  const memoKey = q.memoizedLookups ? JSON.stringify([repo.registryId, repo.name, wanted]) : '';
  const remembered = q.memoizedLookups ? ctx.memo.get(memoKey) : undefined;
  if (remembered) {
    ctx.memo.delete(memoKey);
    ctx.memo.set(memoKey, remembered);
    ctx.counters.batchChecks++;
    return structuredClone(remembered);
  }
  const pending = new Set(wanted);
  for (const digest of wanted) {
    if (digest === '') {
      if (q.crashOnEmptyDigest) throw new TypeError(`Cannot read properties of undefined (reading 'length')`);
      if (b.emptyDigest === 'missing-failure') fail(digest, 'MissingLayerDigest', 'The layer digest is empty.');
      else fail(digest, 'InvalidLayerDigest', 'The layer digest is empty.');
      continue;
    }
    const wellFormed = q.lineAnchors ? digest.split('\n').some((line) => lenient.test(line)) : lenient.test(patternSubject(digest, q));
    const invalid = q.greyByGoDigest ? !wellKnown(digest) : !wellFormed || (b.grey === 'invalid-failure' && !canonical.test(digest));
    if (invalid) {
      fail(digest, 'InvalidLayerDigest', `Invalid layer digest '${digest}'.`);
      if (q.breakOnInvalid) break;
      continue;
    }
    let stored = ctx.hooks.lookupLayer
      ? ctx.hooks.lookupLayer(repo, digest, ctx.store.list(repo.registryId))
      : ctx.store.getLayer(repo, digest);
    if (q.layersFromImages && !inSomeImage(repo, digest)) stored = undefined;
    if (q.repeatsMissed && !pending.delete(digest)) stored = undefined;
    if (stored) {
      const mediaType = q.fixedMediaType ? defaultMediaType : stored.mediaType ?? (q.omitUnreferencedMediaType ? undefined : defaultMediaType);
      layers.push({ layerDigest: digest, layerAvailability: 'AVAILABLE', layerSize: stored.size, ...(mediaType !== undefined ? { mediaType } : {}) });
    } else if (b.absent === 'unavailable-layer') {
      layers.push({ layerDigest: digest, layerAvailability: 'UNAVAILABLE' });
    } else {
      fail(digest, 'MissingLayerDigest', `The layer with digest '${digest}' does not exist in the repository.`);
    }
  }
  if (q.sortEntries) {
    const byDigest = (x: Record<string, unknown>, y: Record<string, unknown>) => String(x['layerDigest']).localeCompare(String(y['layerDigest']));
    layers.sort(byDigest);
    failures.sort(byDigest);
  }
  let output: BatchCheckOutput = {};
  if (layers.length > 0 || (b.emptyLayers ?? b.emptyLists) === 'present') output.layers = layers;
  if (failures.length > 0 || (b.emptyFailures ?? b.emptyLists) === 'present') output.failures = [...failures];
  if (q.nilListsAsNull) for (const member of ['layers', 'failures'] as const) if (output[member]?.length === 0) (output as Record<string, unknown>)[member] = null;
  if (q.memoizedLookups) {
    ctx.memo.set(memoKey, structuredClone(output));
    if (ctx.memo.size > q.memoizedLookups) ctx.memo.delete(ctx.memo.keys().next().value!);
  }
  const callIndex = ctx.counters.batchChecks++;
  if (ctx.hooks.batchCheck) output = ctx.hooks.batchCheck(output, { digests, repository: repo, registryId: id, explicitRegistryId: explicit, callIndex });
  return output;
};

/** Resource tags as the model sends them: [{ Key, Value }]. */
function tagsOf(body: Body): Record<string, string> {
  const v = body['tags'];
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) throw serialization('Member \'tags\' must be a list');
  const out: Record<string, string> = {};
  for (const t of v as Record<string, unknown>[]) {
    if (!t || typeof t !== 'object' || typeof t['Key'] !== 'string' || t['Key'] === '' || (t['Value'] !== undefined && typeof t['Value'] !== 'string')) throw constraint('tags', 'Member must have a non-empty Key and a string Value');
    out[t['Key'] as string] = (t['Value'] as string | undefined) ?? '';
  }
  return out;
}

const createRepository: Handler = (body, ctx) => {
  const { id } = registryIdOf(body, ctx);
  const name = repositoryNameOf(body, ctx);
  const tags = tagsOf(body);
  const repo = ctx.store.create(id, name);
  if (!repo) {
    throw new AwsError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${id}'`);
  }
  repo.tags = tags;
  return { repository: describe(repo, ctx.region) };
};

const listTagsForResource: Handler = (body, ctx) => {
  const arn = stringMember(body, 'resourceArn', true);
  const m = /^arn:aws[a-z-]*:ecr:[^:]*:(\d{12}):repository\/(.+)$/.exec(arn);
  if (!m) throw constraint('resourceArn', 'must be the ARN of a repository');
  const repo = ctx.store.find(m[1]!, m[2]!);
  if (!repo) throw notFound(m[2]!, m[1]!);
  return { tags: Object.entries(repo.tags).map(([Key, Value]) => ({ Key, Value })) };
};

const deleteRepository: Handler = (body, ctx) => {
  const repo = repositoryOf(body, ctx);
  const force = body['force'] === true;
  if (repo.images.size > 0 && !force) {
    throw new AwsError('RepositoryNotEmptyException', `The repository with name '${repo.name}' in registry with id '${repo.registryId}' cannot be deleted because it still contains images`);
  }
  if (ctx.quirks.deleteAfterMs !== undefined) {
    // An asynchronous deletion: accepted now, done a while later.
    setTimeout(() => { if (ctx.store.find(repo.registryId, repo.name) === repo) ctx.store.delete(repo.registryId, repo.name); }, ctx.quirks.deleteAfterMs).unref();
  } else ctx.store.delete(repo.registryId, repo.name);
  return { repository: describe(repo, ctx.region) };
};

const describeRepositories: Handler = (body, ctx) => {
  const { id } = registryIdOf(body, ctx);
  const names = body['repositoryNames'] === undefined ? undefined : stringListMember(body, 'repositoryNames');
  if (!names) {
    // Pages as ECR does: maxResults 1 to 1000 (default 100), an opaque nextToken for the rest.
    const max = body['maxResults'] ?? 100;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) throw constraint('maxResults', 'Member must have value between 1 and 1000');
    const token = body['nextToken'];
    const from = token === undefined ? 0 : /^p(\d+)$/.exec(Buffer.from(String(token), 'base64url').toString())?.[1];
    if (from === undefined) throw new AwsError('InvalidParameterException', 'Invalid parameter at \'nextToken\' failed to satisfy constraint: \'the token is invalid or has expired\'');
    const all = ctx.store.list(id);
    const page = all.slice(Number(from), Number(from) + max);
    const next = Number(from) + max < all.length ? { nextToken: Buffer.from(`p${Number(from) + max}`).toString('base64url') } : {};
    return { repositories: page.map((r) => describe(r, ctx.region)), ...next };
  }
  return {
    repositories: names.map((n) => {
      const repo = ctx.store.find(id, n);
      if (!repo) throw notFound(n, id);
      return describe(repo, ctx.region);
    }),
  };
};

const initiateLayerUpload: Handler = (body, ctx) => {
  const repo = repositoryOf(body, ctx);
  const components = ctx.quirks.uploadNameComponents;
  if (components !== undefined && repo.name.split('/').length > components) throw constraint('repositoryName', `must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/){0,${components - 1}}[a-z0-9]+(?:[._-][a-z0-9]+)*'`);
  const upload = ctx.store.startUpload(repo, ctx.now());
  if (ctx.quirks.uploadSnapshotsLayers) upload.snapshot = new Map(repo.layers);
  return { uploadId: upload.id, partSize: seedingSpec().layerPartSize.minimum.value };
};

/** The upload a call names, and the repository it was started in: the one the call names (right), or any, where uploads live in one table keyed by id. */
function uploadOf(body: Body, repo: Repository, ctx: OperationContext, byIdAlone = Boolean(ctx.quirks.uploadsById)): { upload: Upload; owner: Repository } {
  const uploadId = stringMember(body, 'uploadId', true);
  const upload = repo.uploads.get(uploadId);
  if (upload) return { upload, owner: repo };
  if (byIdAlone) {
    const owner = ctx.store.list(repo.registryId).find((r) => r.uploads.has(uploadId));
    if (owner) return { upload: owner.uploads.get(uploadId)!, owner };
  }
  throw new AwsError('UploadNotFoundException', `The upload with id '${uploadId}' does not exist in the repository '${repo.name}'`);
}

const uploadLayerPart: Handler = (body, ctx) => {
  const repo = repositoryOf(body, ctx);
  const { upload } = uploadOf(body, repo, ctx, Boolean(ctx.quirks.uploadsById || ctx.quirks.partsById));
  const first = integerMember(body, 'partFirstByte');
  const last = integerMember(body, 'partLastByte');
  const blob = Buffer.from(stringMember(body, 'layerPartBlob', true), 'base64');
  upload.touchedAt = ctx.now();
  if (ctx.quirks.uploadsAreStubs) return { registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, lastByteReceived: 0 };
  const r = ctx.resources;
  if (upload.received + blob.length > r.maxLayerBytes) {
    throw new AwsError('LimitExceededException', `The layer would exceed the maximum layer size of ${r.maxLayerBytes} bytes this registry allows (serve --max-layer-size).`);
  }
  if (ctx.store.heldBytes + blob.length > r.maxStoreBytes) {
    throw new AwsError('LimitExceededException', `The uploads in progress would exceed the ${r.maxStoreBytes} bytes this registry holds at once (serve --max-store-size); complete or abandon some first.`);
  }
  if (ctx.quirks.onePartPerUpload && upload.parts.length > 0) {
    throw new AwsError('InvalidLayerPartException', `The upload with id '${upload.id}' has its part already`, 400, {
      registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, lastValidByteReceived: upload.received - 1,
    });
  }
  if (first !== upload.received || last - first + 1 !== blob.length) {
    throw new AwsError('InvalidLayerPartException', `The part byte range ${first}-${last} does not continue the upload at byte ${upload.received} with ${blob.length} bytes`, 400, {
      registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, lastValidByteReceived: upload.received - 1,
    });
  }
  ctx.store.appendPart(upload, blob, ctx.now());
  if (ctx.quirks.blobsOnReceipt) {
    const so = digestOfParts(upload.parts);
    if (!repo.layers.has(so)) ctx.store.putLayer(repo, so, { size: upload.received, mediaType: null }, ctx.counters.batchChecks);
  }
  return { registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, lastByteReceived: upload.received - 1 };
};

/** The sha256 digest of an upload's parts, in order. */
function digestOfParts(parts: Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}

const completeLayerUpload: Handler = (body, ctx) => {
  const named = repositoryOf(body, ctx);
  const { upload, owner } = uploadOf(body, named, ctx);
  // Where the layer is filed: the repository the call names, which is the upload's own (right), or
  // the upload's own repository whichever the call names, as a fake that follows the upload row does.
  const repo = ctx.quirks.uploadsById === 'upload-repository' ? owner : named;
  const digests = stringListMember(body, 'layerDigests');
  if (digests.length !== 1) throw invalidParameter('Exactly one layer digest must be supplied to CompleteLayerUpload.');
  if (ctx.quirks.uploadsAreStubs) {
    ctx.store.endUpload(owner, upload.id);
    return { registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, layerDigest: digests[0] };
  }
  if (upload.received === 0) throw new AwsError('EmptyUploadException', `The upload with id '${upload.id}' contains no layer parts`);
  const q = ctx.quirks;
  if (q.minimumPartBytes !== undefined && upload.parts.slice(0, -1).some((p) => p.length < q.minimumPartBytes!)) {
    ctx.store.endUpload(owner, upload.id);
    throw new AwsError('LayerPartTooSmallException', `Layer parts must be at least ${q.minimumPartBytes} bytes in size, except the last`);
  }
  const claimed = digests[0]!;
  const computed = digestOfParts(upload.parts);
  // The digest the layer is filed under: the one computed (right), or the one told (a trusting store).
  const actual = q.completionTrustsClaim ? claimed : computed;
  const received = upload.received;
  const lastPart = upload.parts[upload.parts.length - 1]!.length;
  const mismatch = claimed !== actual && !q.completionIgnoresClaim;
  if (!(mismatch && q.mismatchKeepsUpload)) ctx.store.endUpload(owner, upload.id);
  if (mismatch) throw new AwsError('InvalidLayerException', `The layer digest '${claimed}' does not match the uploaded content, whose digest is '${actual}'`);
  if (q.blobDedupeSkipsLink && ctx.store.list(repo.registryId).some((r) => r.layers.has(actual))) {
    return { registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, layerDigest: actual };
  }
  // A store that wrote the blob as its parts arrived finds it there already, and takes that for done.
  if (repo.layers.has(actual) && !q.blobsOnReceipt) throw new AwsError('LayerAlreadyExistsException', `The layer with digest '${actual}' already exists in the repository with name '${repo.name}'`);
  if (upload.snapshot) {
    // The repository document as it was read when the upload started, written back whole.
    repo.layers.clear();
    for (const [d, l] of upload.snapshot) repo.layers.set(d, l);
  }
  ctx.store.putLayer(repo, actual, { size: ctx.quirks.sizeFromLastByte ? received - 1 : ctx.quirks.sizeFromLastPart ? lastPart : received, mediaType: null }, ctx.counters.batchChecks);
  return { registryId: repo.registryId, repositoryName: repo.name, uploadId: upload.id, layerDigest: actual };
};

interface Descriptor { mediaType?: unknown; digest?: unknown; size?: unknown }

const putImage: Handler = (body, ctx) => {
  if (ctx.quirks.putImageMissing) throw new AwsError('InternalFailure', 'The API action PutImage for service ecr is either not available in this version or not implemented', 501);
  const repo = repositoryOf(body, ctx);
  const manifestText = stringMember(body, 'imageManifest', true);
  const tag = stringMember(body, 'imageTag', false);
  let manifest: { mediaType?: unknown; config?: Descriptor; layers?: Descriptor[] };
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch {
    throw new AwsError('InvalidParameterException', 'Invalid parameter at \'imageManifest\' failed to satisfy constraint: \'must be valid JSON\'');
  }
  const descriptors = [...(manifest.config ? [manifest.config] : []), ...(Array.isArray(manifest.layers) ? manifest.layers : [])];
  ctx.store.settle(ctx.counters.batchChecks);
  const missing = descriptors.filter((d) => typeof d.digest !== 'string' || !ctx.store.hasLayer(repo, d.digest));
  const q = ctx.quirks;
  if (missing.length > 0 && q.manifestStoresLayers) {
    // A fake built around images: what a manifest names is taken to exist.
    for (const d of missing) if (typeof d.digest === 'string') ctx.store.putLayer(repo, d.digest, { size: typeof d.size === 'number' ? d.size : 0, mediaType: null }, ctx.counters.batchChecks);
  } else if (missing.length > 0 && !q.manifestUnchecked) {
    throw new AwsError('LayersNotFoundException', `The following layers were not found in the repository: ${missing.map((d) => String(d.digest)).join(', ')}`);
  }
  for (const d of descriptors) {
    const layer = typeof d.digest === 'string' ? ctx.store.getLayer(repo, d.digest) : undefined;
    if (layer && typeof d.mediaType === 'string') layer.mediaType = d.mediaType;
  }
  const imageDigest = `sha256:${createHash('sha256').update(manifestText).digest('hex')}`;
  const mediaType = stringMember(body, 'imageManifestMediaType', false) ?? (typeof manifest.mediaType === 'string' ? manifest.mediaType : 'application/vnd.docker.distribution.manifest.v2+json');
  const image = repo.images.get(imageDigest) ?? { manifest: manifestText, mediaType, tags: new Set<string>() };
  if (tag !== undefined) image.tags.add(tag);
  repo.images.set(imageDigest, image);
  return {
    image: {
      registryId: repo.registryId, repositoryName: repo.name,
      imageId: { imageDigest, ...(tag !== undefined ? { imageTag: tag } : {}) },
      imageManifest: manifestText, imageManifestMediaType: mediaType,
    },
  };
};

export const OPERATIONS: Record<string, Handler> = {
  BatchCheckLayerAvailability: batchCheckLayerAvailability,
  CreateRepository: createRepository,
  DeleteRepository: deleteRepository,
  DescribeRepositories: describeRepositories,
  InitiateLayerUpload: initiateLayerUpload,
  UploadLayerPart: uploadLayerPart,
  CompleteLayerUpload: completeLayerUpload,
  PutImage: putImage,
  ListTagsForResource: listTagsForResource,
};
