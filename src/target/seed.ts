// Making digests AVAILABLE on a target the way a client pushes: the ECR layer-upload API, then
// (optionally) a manifest that references the blobs so they get their media types. Each helper
// also checks the target's answers against what the API documents for them, and returns every
// disagreement: a target that accepts an upload it did not store is told so at setup, instead of
// BatchCheckLayerAvailability being blamed for it later.
import { createHash } from 'node:crypto';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type UploadLayerPartCommandOutput,
} from '@aws-sdk/client-ecr';
import { notAboutTheRequest } from '../judge/view.ts';
import { seedingSpec } from '../spec/index.ts';
import { TransportFault } from './bounded-handler.ts';

export interface RepositoryRef {
  repositoryName: string;
  registryId?: string;
}

export const sha256Digest = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface Seeded<T> {
  value: T;
  /** Where the target's own answers disagree with what it was sent or what the API documents. */
  disagreements: string[];
}

/**
 * Starts an upload and sends a blob in parts of the target's partSize, or of `partSize` when given
 * (every part but the last must reach ECR's minimum), without completing it.
 */
export async function uploadParts(client: ECRClient, repo: RepositoryRef, bytes: Uint8Array, o: { partSize?: number } = {}): Promise<Seeded<string>> {
  const started = await initiate(client, repo);
  return sendParts(client, repo, started, bytes, o);
}

/** Starts an upload: its id, and the part size the target asks for. */
async function initiate(client: ECRClient, repo: RepositoryRef): Promise<{ uploadId: string; partSize?: number }> {
  const started = await client.send(new InitiateLayerUploadCommand(repo));
  const uploadId = started.uploadId;
  if (typeof uploadId !== 'string' || uploadId === '') throw Object.assign(new Error(`InitiateLayerUpload answered no uploadId: ${JSON.stringify(started.uploadId)}`), { name: 'SetupAnswerError' });
  return { uploadId, ...(started.partSize !== undefined ? { partSize: started.partSize } : {}) };
}

/** Sends a blob to a started upload in parts; the value is the upload id. */
async function sendParts(client: ECRClient, repo: RepositoryRef, started: { uploadId: string; partSize?: number }, bytes: Uint8Array, o: { partSize?: number } = {}): Promise<Seeded<string>> {
  const disagreements: string[] = [];
  const { uploadId } = started;
  const partSize = Math.max(1, o.partSize ?? started.partSize ?? bytes.length);
  for (let first = 0; first < bytes.length; first += partSize) {
    const part = bytes.subarray(first, Math.min(bytes.length, first + partSize));
    const last = first + part.length - 1;
    const out: UploadLayerPartCommandOutput = await client.send(new UploadLayerPartCommand({ ...repo, uploadId, partFirstByte: first, partLastByte: last, layerPartBlob: part }));
    if (out.lastByteReceived !== last) {
      disagreements.push(`the target accepted a ${bytes.length}-byte upload but reported ${out.lastByteReceived === undefined ? 'no' : `byte ${out.lastByteReceived} as the last`} received (UploadLayerPart lastByteReceived, expected ${last})`);
    }
    if (out.uploadId !== undefined && out.uploadId !== uploadId) disagreements.push(`UploadLayerPart answered uploadId ${JSON.stringify(out.uploadId)} for upload ${JSON.stringify(uploadId)}`);
  }
  return { value: uploadId, disagreements };
}

/** Uploads one blob and completes it under its digest; returns the digest and what the answers got wrong. */
export async function uploadLayer(client: ECRClient, repo: RepositoryRef, bytes: Uint8Array, o: { partSize?: number } = {}): Promise<Seeded<string>> {
  return complete(client, repo, bytes, await uploadParts(client, repo, bytes, o));
}

/** Completes a sent upload under the blob's own digest; the value is that digest. */
async function complete(client: ECRClient, repo: RepositoryRef, bytes: Uint8Array, sent: Seeded<string>): Promise<Seeded<string>> {
  const digest = sha256Digest(bytes);
  const disagreements = [...sent.disagreements];
  const done = await client.send(new CompleteLayerUploadCommand({ ...repo, uploadId: sent.value, layerDigests: [digest] }));
  if (done.layerDigest !== digest) disagreements.push(`CompleteLayerUpload answered layerDigest ${JSON.stringify(done.layerDigest)} for a ${bytes.length}-byte layer whose digest is ${digest}`);
  return { value: digest, disagreements };
}

/**
 * Uploads several blobs at once, in step: every upload started, then every part sent, then every
 * upload completed — the calls interleave as those of a client pushing layers in parallel do (docker
 * pushes three at a time). Each blob's own outcome: its digest and what the answers got wrong, or why
 * it failed.
 */
export async function uploadTogether(client: ECRClient, repo: RepositoryRef, blobs: Uint8Array[]): Promise<PromiseSettledResult<Seeded<string>>[]> {
  const after = <T, U>(earlier: PromiseSettledResult<T>[], next: (value: T, i: number) => Promise<U>) =>
    Promise.allSettled(earlier.map((r, i) => (r.status === 'fulfilled' ? next(r.value, i) : Promise.reject(r.reason))));
  const started = await Promise.allSettled(blobs.map(() => initiate(client, repo)));
  const sent = await after(started, (s, i) => sendParts(client, repo, s, blobs[i]!));
  return after(sent, (s, i) => complete(client, repo, blobs[i]!, s));
}

/**
 * Uploads `bytes` and completes the upload under `claimed`, the digest of other content. ECR computes
 * the digest of what it received and refuses a completion whose digest does not match
 * (InvalidLayerException): `value` is the answer, the error's name when refused.
 */
export async function uploadMismatched(client: ECRClient, repo: RepositoryRef, bytes: Uint8Array, claimed: string): Promise<Seeded<{ completed: boolean; answer: string }>> {
  const { value: uploadId, disagreements } = await uploadParts(client, repo, bytes);
  const value = await acceptedOrRefused('CompleteLayerUpload', async () => {
    const done = await client.send(new CompleteLayerUploadCommand({ ...repo, uploadId, layerDigests: [claimed] }));
    return `answering layerDigest ${JSON.stringify(done.layerDigest)}`;
  });
  return { value, disagreements };
}

/**
 * Uploads `config` and puts an image manifest that names it and a layer (`named`) that was never
 * uploaded. ECR refuses a manifest whose layers it cannot find (LayersNotFoundException): `value` says
 * whether this target did; `disagreements`, what the config's upload answers got wrong.
 */
export async function putImageUnuploaded(client: ECRClient, repo: RepositoryRef, config: Uint8Array, named: { digest: string; size: number }): Promise<Seeded<{ completed: boolean; answer: string }>> {
  const { value: configDigest, disagreements } = await uploadLayer(client, repo, config);
  const value = await acceptedOrRefused('PutImage', async () => {
    const r = await putManifest(client, repo, { digest: configDigest, size: config.length, mediaType: seedingSpec().configMediaType.value },
      [{ digest: named.digest, size: named.size, mediaType: seedingSpec().defaultLayerMediaType.value }]);
    return `answering imageDigest ${JSON.stringify(r.value)}`;
  });
  return { value, disagreements };
}

/**
 * Sends `bytes` to an upload started in `from`, and completes that upload (under the content's own
 * digest) with a call that names `to`. ECR's upload IDs belong to their repository: it refuses the
 * completion (UploadNotFoundException, "the specified upload ID is not valid for this repository").
 */
export async function uploadCrossed(client: ECRClient, from: RepositoryRef, to: RepositoryRef, bytes: Uint8Array): Promise<Seeded<{ completed: boolean; answer: string }>> {
  const { value: uploadId, disagreements } = await uploadParts(client, from, bytes);
  const value = await acceptedOrRefused('CompleteLayerUpload', async () => {
    const done = await client.send(new CompleteLayerUploadCommand({ ...to, uploadId, layerDigests: [sha256Digest(bytes)] }));
    return `answering layerDigest ${JSON.stringify(done.layerDigest)}`;
  });
  return { value, disagreements };
}

/**
 * Starts an upload in `own`, sends `bytes` to it with UploadLayerPart calls that name `through`, and
 * completes it in `own` under the content's digest. ECR's upload IDs belong to their repository: it
 * refuses the parts (UploadNotFoundException), and then the completion of an upload without parts
 * (EmptyUploadException). `value.completed`: whether the completion was accepted.
 */
export async function uploadPartsCrossed(client: ECRClient, own: RepositoryRef, through: RepositoryRef, bytes: Uint8Array): Promise<Seeded<{ completed: boolean; answer: string }>> {
  const started = await initiate(client, own);
  let disagreements: string[] = [];
  const parts = await acceptedOrRefused('UploadLayerPart', async () => {
    disagreements = (await sendParts(client, through, started, bytes)).disagreements;
    return 'sent every part';
  });
  const done = await acceptedOrRefused('CompleteLayerUpload', async () => {
    const out = await client.send(new CompleteLayerUploadCommand({ ...own, uploadId: started.uploadId, layerDigests: [sha256Digest(bytes)] }));
    return `answering layerDigest ${JSON.stringify(out.layerDigest)}`;
  });
  return { value: { completed: done.completed, answer: `${parts.answer}; ${done.answer}` }, disagreements };
}

/**
 * Completes an upload started earlier (uploadParts) under the content's digest, accepted or refused:
 * after its repository was deleted and created again, ECR has deleted the upload with the repository's
 * contents and refuses (UploadNotFoundException).
 */
export async function completeStarted(client: ECRClient, repo: RepositoryRef, uploadId: string, bytes: Uint8Array): Promise<{ completed: boolean; answer: string }> {
  return acceptedOrRefused('CompleteLayerUpload', async () => {
    const done = await client.send(new CompleteLayerUploadCommand({ ...repo, uploadId, layerDigests: [sha256Digest(bytes)] }));
    return `answering layerDigest ${JSON.stringify(done.layerDigest)}`;
  });
}

/** Whether the target accepted a call or refused it. Only an answer is a refusal: a fault (no status) says nothing of what the target did, and is thrown. */
async function acceptedOrRefused(operation: string, call: () => Promise<string>): Promise<{ completed: boolean; answer: string }> {
  try {
    return { completed: true, answer: `${operation} accepted it, ${await call()}` };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (e instanceof TransportFault || status === undefined) throw e;
    return { completed: false, answer: `${operation} refused it: ${(e as Error).name} (HTTP ${status})` };
  }
}

export interface ManifestBlob {
  digest: string;
  size: number;
  mediaType: string;
}

/** Puts an image manifest that references a config blob and layers, so each gets its media type. */
export async function putManifest(client: ECRClient, repo: RepositoryRef, config: ManifestBlob, layers: ManifestBlob[], tag?: string): Promise<Seeded<string> & { otherManifest: boolean }> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config,
    layers,
  });
  const out = await client.send(new PutImageCommand({ ...repo, imageManifest: manifest, ...(tag !== undefined ? { imageTag: tag } : {}) }));
  const disagreements: string[] = [];
  const want = sha256Digest(Buffer.from(manifest));
  const got = out.image?.imageId?.imageDigest;
  // The documented imageDigest is the sha256 of the manifest bytes.
  if (got !== want) disagreements.push(`PutImage answered imageDigest ${JSON.stringify(got)} for a manifest whose sha256 is ${want}`);
  // A manifest answered otherwise may be stored otherwise, media types included.
  const otherManifest = out.image?.imageManifest !== undefined && out.image.imageManifest !== manifest;
  if (otherManifest) disagreements.push('PutImage answered an imageManifest other than the one it was sent');
  return { value: got ?? '', disagreements, otherManifest };
}

/** Creates a repository; returns the registry id the target put it in, and what the answer got wrong. */
export async function createRepository(client: ECRClient, repo: RepositoryRef, tags?: { Key: string; Value: string }[]): Promise<Seeded<string | undefined>> {
  const out = await client.send(new CreateRepositoryCommand({ ...repo, ...(tags ? { tags } : {}) }));
  const disagreements: string[] = [];
  if (out.repository?.repositoryName !== undefined && out.repository.repositoryName !== repo.repositoryName) {
    disagreements.push(`CreateRepository of ${JSON.stringify(repo.repositoryName)} answered repositoryName ${JSON.stringify(out.repository.repositoryName)}`);
  }
  const registryId = out.repository?.registryId;
  if (registryId !== undefined && !/^[0-9]{12}$/.test(registryId)) disagreements.push(`CreateRepository answered registryId ${JSON.stringify(registryId)}, not 12 digits`);
  return { value: registryId, disagreements };
}

/**
 * Creates a repository a scenario deleted, again: what the target said. "Already exists" after a retry
 * is taken for success (an earlier attempt, whose answer was lost, created it); on the first attempt it
 * is the target's refusal, and thrown like any other.
 */
export async function createAgain(client: ECRClient, repo: RepositoryRef, tags?: { Key: string; Value: string }[]): Promise<string> {
  try {
    await createRepository(client, repo, tags);
    return 'CreateRepository accepted it';
  } catch (e) {
    const attempts = (e as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if ((e as Error).name !== 'RepositoryAlreadyExistsException' || attempts < 2) throw e;
    return `CreateRepository answered RepositoryAlreadyExistsException on attempt ${attempts}: an earlier attempt, whose answer was lost, created it`;
  }
}

/**
 * Whether a failed CreateRepository certainly made nothing: the target answered with a client error
 * other than "already exists" (which a retry of a call whose answer was lost gets). After a fault — a
 * deadline, a reset, a 5xx — the repository may exist, and whoever asked must try to delete it.
 */
export function creationRefused(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return !(e instanceof TransportFault) && status !== undefined && status >= 400 && status < 500 && (e as Error).name !== 'RepositoryAlreadyExistsException';
}

export async function deleteRepository(client: ECRClient, repo: RepositoryRef): Promise<void> {
  await client.send(new DeleteRepositoryCommand({ ...repo, force: true }));
}

/** What kind of target a call goes to, where waits differ: AWS, or an emulator. */
export type Against = 'emulator' | 'aws';

/**
 * Pauses (ms) before each look at a repository just created or deleted, since ECR shows either a
 * moment after the call returns (spec: seeding repositoryConsistency, with its sources).
 */
export function repositoryWaits(to: Against, settleMs?: number): number[] {
  if (settleMs === undefined) return seedingSpec().repositoryConsistency.value[to];
  // A window of the user's: looks at once, then after pauses that double from 250 ms, the last cut to end the window.
  const waits = [0];
  for (let pause = 250, total = 0; total < settleMs; pause *= 2) {
    waits.push(Math.min(pause, settleMs - total));
    total += waits[waits.length - 1]!;
  }
  return waits;
}

/**
 * Looks at something that takes a moment to settle: after each pause of `waits` (the first is usually 0),
 * `look`s, until `again` says the last look needs no other; returns the last look.
 */
export async function lookAgain<T>(waits: number[], wait: (ms: number) => Promise<void>, look: () => Promise<T>, again: (last: T) => boolean): Promise<T> {
  let last!: T;
  for (const [i, ms] of waits.entries()) {
    if (ms > 0) await wait(ms);
    last = await look();
    if (i === waits.length - 1 || !again(last)) break;
  }
  return last;
}

/**
 * Asks BatchCheckLayerAvailability about `digest` in a repository just deleted, once after each of
 * `waits`: undefined as soon as the target answers `missingType` (RepositoryNotFoundException), else
 * what it answered the last time, in short. Anything that is not the target's answer about the
 * repository is thrown: a transport fault, the request budget, Ctrl-C, and a throttle, an unavailable
 * service (502, 503, 504) or a refusal of the caller that is still so at the last look (it says how
 * busy the target is or who may call, not whether the repository is there). Only an answer can show a
 * repository still there.
 */
export async function deletedRepositoryAnswer(client: ECRClient, repo: RepositoryRef, digest: string, missingType: string, waits: number[], wait: (ms: number) => Promise<void>): Promise<string | undefined> {
  const last = await lookAgain(waits, wait, async (): Promise<{ answer?: string; noAnswer?: string }> => {
    try {
      const out = await client.send(new BatchCheckLayerAvailabilityCommand({ ...repo, layerDigests: [digest] }));
      return { answer: `a success: ${JSON.stringify({ layers: out.layers, failures: out.failures }).slice(0, 300)}` };
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === undefined) throw e;
      const said = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300);
      if ((e as Error).name === missingType) return {};
      if (notAboutTheRequest(status, (e as Error).name) !== undefined) return { noAnswer: said };
      return { answer: said };
    }
  }, (last) => last.answer !== undefined || last.noAnswer !== undefined);
  if (last.noAnswer !== undefined) throw new Error(`no answer about the repository at the last look: ${last.noAnswer}`);
  return last.answer;
}

/**
 * Reads back which of `names` exist, through DescribeRepositories: the independent check of what
 * CreateRepository claimed. Undefined when the target does not offer it.
 */
export async function existingRepositories(client: ECRClient, names: string[]): Promise<Set<string> | undefined> {
  const found = new Set<string>();
  for (const name of names) {
    try {
      const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
      if ((out.repositories ?? []).some((r) => r.repositoryName === name)) found.add(name);
    } catch (e) {
      if ((e as Error).name === 'RepositoryNotFoundException') continue;
      if ((e as Error).name === 'TransportFault') throw e;
      return undefined;
    }
  }
  return found;
}
