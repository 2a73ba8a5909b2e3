// Gets a target ready: is the operation implemented, can the suite create repositories and store
// layers there? Builds what the suite knows the target holds, and removes what it created.
import type { Knowledge } from '../model.ts';
import { readAnswer } from '../judge/view.ts';
import { TargetError } from '../errors.ts';
import { createRepository, deleteRepository, putManifest, uploadLayer } from '../target/seed.ts';
import type { Target } from '../target/target.ts';
import { nonce, poolLayer } from './seeds.ts';

export interface Capabilities {
  implemented: boolean;
  /** The answer that showed the operation is not implemented. */
  notImplementedEvidence?: string;
  /** The first request ended in a transport fault or garbage: nothing else is tried. */
  probeFault?: string;
  createRepositories: boolean;
  storeLayers: boolean;
  putManifests: boolean;
  /** Why each missing capability is missing. */
  notes: string[];
}

export interface SetupOptions {
  seed: number;
  /** Unique repository names (a random nonce) for shared endpoints; deterministic ones for the embedded registry. */
  uniqueNames: boolean;
  poolSize: number;
  /** A repository that already exists, used read-only instead of creating one. */
  repository?: string;
  /** Digests known to be stored in `repository`, with their sizes when known. */
  present: { digest: string; size?: number }[];
  accountId?: string;
}

export interface Prepared {
  knowledge: Knowledge;
  capabilities: Capabilities;
  created: string[];
}

const errorName = (e: unknown) => (e as Error).name ?? 'Error';
const describeError = (e: unknown) => `${errorName(e)}: ${(e as Error).message}`.slice(0, 300);

export async function prepare(target: Target, o: SetupOptions): Promise<Prepared> {
  const prefix = `ecr-conformance-${nonce(o.seed, o.uniqueNames)}`;
  const missing = [`${prefix}-missing-a`, `${prefix}-missing/b`];
  const canonicalAbsent = `sha256:${'0'.repeat(64)}`;
  const probe = await target.send('probe', { label: 'probe', body: { repositoryName: missing[0], layerDigests: [canonicalAbsent] } });
  const answer = readAnswer(probe);
  if (answer.kind === 'fault' && probe.fault?.kind === 'refused') throw new TargetError(`cannot reach ${target.description}: ${probe.fault.message}`);
  const capabilities: Capabilities = { implemented: true, createRepositories: false, storeLayers: false, putManifests: false, notes: [] };
  if (answer.kind === 'fault' || answer.kind === 'garbage') {
    capabilities.probeFault = `the first request to ${target.description} got ${answer.summary}`;
    return { knowledge: { otherAccountId: '000000000000', repositories: {}, missingRepositories: missing }, capabilities, created: [] };
  }
  const knowledge: Knowledge = { otherAccountId: '000000000000', repositories: {}, missingRepositories: missing };
  if (o.accountId) knowledge.accountId = o.accountId;
  if (answer.kind === 'not-implemented') {
    capabilities.implemented = false;
    capabilities.notImplementedEvidence = `${answer.summary}: ${(probe.response?.body ?? '').slice(0, 200)}`;
    return { knowledge, capabilities, created: [] };
  }
  const created: string[] = [];
  if (o.repository !== undefined) {
    knowledge.primary = o.repository;
    knowledge.repositories[o.repository] = { layers: Object.fromEntries(o.present.map((p) => [p.digest, p.size !== undefined ? { size: p.size } : {}])), complete: false };
    capabilities.notes.push(`read-only: using existing repository ${o.repository}; nothing is created`);
    return { knowledge, capabilities, created };
  }

  const primary = `${prefix}/primary`;
  const secondary = `${prefix}/secondary`;
  try {
    for (const name of [primary, secondary]) {
      const registryId = await createRepository(target.client, { repositoryName: name });
      created.push(name);
      knowledge.repositories[name] = { layers: {}, complete: true };
      if (!knowledge.accountId && registryId) knowledge.accountId = registryId;
    }
    capabilities.createRepositories = true;
    knowledge.primary = primary;
    knowledge.secondary = secondary;
  } catch (e) {
    capabilities.notes.push(`cannot create repositories (${describeError(e)}): rules that need a known repository are skipped`);
    return { knowledge, capabilities, created };
  }

  const pool = Array.from({ length: o.poolSize }, (_, i) => poolLayer(o.seed, i));
  try {
    const layers = knowledge.repositories[primary]!.layers;
    for (const bytes of pool) layers[await uploadLayer(target.client, { repositoryName: primary }, bytes)] = { size: bytes.length };
    capabilities.storeLayers = true;
  } catch (e) {
    knowledge.repositories[primary]!.layers = {};
    capabilities.notes.push(`cannot store layers through the layer-upload API (${describeError(e)}): AVAILABLE is not tested unless --present names stored digests`);
    return { knowledge, capabilities, created };
  }

  try {
    const digests = Object.entries(knowledge.repositories[primary]!.layers);
    const [config, ...rest] = digests;
    await putManifest(target.client, { repositoryName: primary },
      { digest: config![0], size: config![1].size!, mediaType: 'application/vnd.docker.container.image.v1+json' },
      rest.map(([digest, l]) => ({ digest, size: l.size!, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' })), 'conformance');
    capabilities.putManifests = true;
  } catch (e) {
    capabilities.notes.push(`cannot put an image manifest (${describeError(e)}): stored layers are checked without a referencing image`);
  }
  return { knowledge, capabilities, created };
}

/** Deletes what the run created, ignoring what is already gone. Returns what could not be removed. */
export async function cleanup(target: Target, created: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const name of created) {
    try {
      await deleteRepository(target.client, { repositoryName: name });
    } catch (e) {
      if (errorName(e) !== 'RepositoryNotFoundException') left.push(`${name} (${describeError(e)})`);
    }
  }
  return left;
}
