// Gets a target ready: is the operation implemented, can the suite create repositories and store
// layers there? Builds what the suite knows the target holds, proves it (every seeding answer is
// checked against what the API documents, and read back where the target offers a way), and
// removes what it created.
import { CAPABILITIES, type Capability, operationSpec, seedingSpec } from '../spec/index.ts';
import type { Knowledge } from '../model.ts';
import { facetKey } from '../judge/rule.ts';
import { noAnswer, readAnswer } from '../judge/view.ts';
import { TargetError } from '../errors.ts';
import { TransportFault } from '../target/bounded-handler.ts';
import { type Against, createRepository, creationRefused, deleteRepository, existingRepositories, lookAgain, putManifest, repositoryWaits, uploadLayer } from '../target/seed.ts';
import { sleep, type Target } from '../target/target.ts';
import { nonce, poolLayer } from './seeds.ts';

export interface Capabilities {
  implemented: boolean;
  /** The answer that showed the operation is not implemented. */
  notImplementedEvidence?: string;
  /** The first request ended in a transport fault or garbage: nothing else is tried. */
  probeFault?: string;
  /** Shown and verified: false when the target's own answers disagreed with what it was asked to do. */
  createRepositories: boolean;
  storeLayers: boolean;
  putManifests: boolean;
  /** What the target was found able to do. */
  have: Capability[];
  /** What it lacks, each with why: the rules that need it are SKIPPED with that reason. */
  missing: Partial<Record<Capability, string>>;
  /** What it seemed to do, but its own answers disagreed: the rules that need it cannot FAIL on it alone. */
  unverified: Partial<Record<Capability, string>>;
  /** Coverage buckets that cannot be sent to this target, and rule facets it cannot be checked for (`facet:<id>`), each with why. */
  notApplicable: Record<string, string>;
  /** Where the target's seeding answers disagreed with what it was sent or what the API documents. */
  setupFindings: string[];
  notes: string[];
}

export interface SetupOptions {
  seed: number;
  /** Unique repository names (a random nonce) for shared endpoints; deterministic ones for the embedded registry. */
  uniqueNames: boolean;
  /** Real ECR: only names under the ecr-conformance- prefix (the least-privilege policy), so no 2-character repository. */
  prefixOnly?: boolean;
  poolSize: number;
  /** A repository that already exists, used read-only instead of creating one. */
  repository?: string;
  /** Digests known to be stored in `repository`, with their sizes when known. */
  present: { digest: string; size?: number }[];
  accountId?: string;
  /** The run id in repository names (ecr-conformance-<run id>); default: drawn from the seed (and a random nonce with uniqueNames). Two targets compared share one. */
  runId?: string;
  /**
   * The first part of the layer sent in two parts, in bytes: default the smallest part ECR allows
   * (what real ECR requires); a run against an emulator sends a small one (LOCAL_PART_BYTES).
   */
  layerPartBytes?: number;
  /** How long a repository just created may take to show (spec: repositoryConsistency); default an emulator's. */
  against?: Against;
}

/**
 * The first part of the two-part layer against anything but real ECR. A sum kept from one part shows
 * at any size; 5 MiB, base64 in a JSON body, cost a run against the embedded registry 26 MiB of peak
 * memory that never came back (the 100,000-case run went past 300 MiB).
 */
export const LOCAL_PART_BYTES = 4096;

export interface Prepared {
  knowledge: Knowledge;
  capabilities: Capabilities;
  created: string[];
}

const errorName = (e: unknown) => (e as Error).name ?? 'Error';
/** An error the target answered with, described; a transport fault is not one, and ends the setup. */
const describeError = (e: unknown) => {
  if (e instanceof TransportFault) throw e;
  // What the SDK makes of an answer without an error type (a gateway's empty 504) or not JSON (its HTML 502) names neither the status nor the cause.
  const status = (e as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } }).$metadata?.httpStatusCode ?? (e as { $response?: { statusCode?: number } }).$response?.statusCode;
  const http = status !== undefined ? `HTTP ${status}` : 'an answer';
  if (errorName(e) === 'SyntaxError') return `${http} whose body is not JSON`;
  if (errorName(e) === 'Unknown' || (e as Error).message === 'UnknownError') return `${http} that names no error type`;
  return `${errorName(e)}: ${(e as Error).message}`.slice(0, 300);
};

/** Every repository a run creates is named `ecr-conformance-<8 hex digits of its run id>` or below it. */
export const REPOSITORY_PREFIX = 'ecr-conformance-';
export const OWN_REPOSITORY = new RegExp(`^${REPOSITORY_PREFIX}[0-9a-f]{8}(?:/|$)`);

/** The tag keys every repository the suite creates carries. */
export const TAG = { creator: 'ecr-conformance:creator', run: 'ecr-conformance:run', created: 'ecr-conformance:created' } as const;

export function creationTags(run: string, at: Date): { Key: string; Value: string }[] {
  return [{ Key: TAG.creator, Value: 'ecr-conformance' }, { Key: TAG.run, Value: run }, { Key: TAG.created, Value: at.toISOString() }];
}

/** What a run knows when its setup ended in a transport fault: nothing, and why. */
export function faultedSetup(fault: TransportFault, created: string[]): Prepared {
  const capabilities: Capabilities = {
    implemented: true, createRepositories: false, storeLayers: false, putManifests: false,
    have: [], missing: {}, unverified: {}, notApplicable: {}, setupFindings: [], notes: [],
  };
  for (const c of CAPABILITIES) capabilities.missing[c] = `the setup did not finish (${fault.message})`;
  if (fault.kind !== 'interrupted') capabilities.probeFault = `the setup got no usable answer: ${fault.message}`;
  return { knowledge: { otherAccountId: '000000000000', repositories: {}, missingRepositories: [] }, capabilities, created };
}

/** Pads a name with a filler component to exactly `length` characters, keeping it valid under every model. */
function padTo(name: string, length: number): string {
  const room = length - name.length - 1;
  return room > 0 ? `${name}/${'m'.repeat(room)}` : name.slice(0, length);
}

const other = (id: string | undefined) => (id === '000000000000' ? '111111111111' : '000000000000');

/**
 * The first request: a valid one, for a repository that does not exist. What it gets says whether the
 * target implements the operation at all. run, verify and check decide NOT_IMPLEMENTED by this one
 * reading of an answer (readAnswer's not-implemented kind).
 */
export async function probeOperation(target: Target, repositoryName: string) {
  const exchange = await target.send('probe', { label: 'probe', body: { repositoryName, layerDigests: [`sha256:${'0'.repeat(64)}`] } });
  const answer = readAnswer(exchange);
  if (answer.kind === 'fault' && exchange.fault?.kind === 'refused') throw new TargetError(`cannot reach ${target.description}: ${exchange.fault.message}`);
  if (answer.kind === 'denied' && answer.errorType !== undefined && operationSpec().errors.authorization.value.credentials.includes(answer.errorType)) {
    throw new TargetError(`${target.description} refused the credentials: ${answer.errorType}: ${answer.message ?? ''}`.trim(), 'CREDENTIALS_REFUSED');
  }
  return {
    exchange, answer,
    notImplemented: answer.kind === 'not-implemented' ? `${answer.summary}: ${(exchange.response?.body ?? '').slice(0, 200)}` : undefined,
    fault: noAnswer(answer.kind) || answer.kind === 'garbage' ? `the first request to ${target.description} got ${answer.summary}` : undefined,
  };
}

/** `created` is the run's ledger: every repository the run asked for whose making is not known to have failed. */
export async function prepare(target: Target, o: SetupOptions, created: string[] = []): Promise<Prepared> {
  const limits = operationSpec().input.repositoryName;
  const [minName, maxName] = [limits.minLength.value, limits.maxLength.value];
  const run = o.runId ?? nonce(o.seed, o.uniqueNames);
  const prefix = `${REPOSITORY_PREFIX}${run}`;
  // Missing names, two of them near the primary's: one it begins with, one that begins with it. A store
  // that finds repositories by a prefix scan, or a router that matches the longest known prefix,
  // answers for the primary instead of RepositoryNotFoundException.
  const missing = [`${prefix}-missing-a`, `${prefix}-missing/b`, padTo(`${prefix}-missing/c`, maxName), `${prefix}/prim`, `${prefix}/primary/gone`];
  const capabilities: Capabilities = {
    implemented: true, createRepositories: false, storeLayers: false, putManifests: false,
    have: [], missing: {}, unverified: {}, notApplicable: {}, setupFindings: [], notes: [],
  };
  const knowledge: Knowledge = { otherAccountId: other(o.accountId), repositories: {}, missingRepositories: missing, ...(o.prefixOnly ? { namePrefix: prefix } : {}) };
  const done = (created: string[]): Prepared => {
    if (knowledge.accountId) capabilities.have.push('account-id');
    else capabilities.missing['account-id'] ??= 'the caller\'s account id is unknown: CreateRepository did not say it; pass --account-id';
    for (const c of CAPABILITIES) if (!capabilities.have.includes(c)) capabilities.missing[c] ??= 'the setup did not get this far';
    knowledge.otherAccountId = other(knowledge.accountId);
    return { knowledge, capabilities, created };
  };

  const probe = await probeOperation(target, missing[0]!);
  if (probe.fault) {
    capabilities.probeFault = probe.fault;
    return done([]);
  }
  if (o.accountId) knowledge.accountId = o.accountId;
  if (probe.notImplemented) {
    capabilities.implemented = false;
    capabilities.notImplementedEvidence = probe.notImplemented;
    return done([]);
  }
  if (o.prefixOnly) {
    const why = 'a run against real ECR creates only ecr-conformance-* repositories (the least-privilege policy), so no 2-character name';
    capabilities.notApplicable['repository:existing-min-length'] = why;
    capabilities.notApplicable['repository:missing-min-length'] = why;
  } else {
    const short = await missingShortName(target, run, minName);
    if (short) missing.push(short);
    else capabilities.notApplicable['repository:missing-min-length'] = 'no 2-character name could be confirmed missing on this target';
  }

  if (o.repository !== undefined) return readOnly(target, o, knowledge, capabilities, done);

  const primary = `${prefix}/primary`;
  // Named to share the primary's last segment: a store that files layers by the name's last segment
  // (or its first) mixes the two, and repository isolation shows it; a store keyed by the name does not.
  const secondary = `${prefix}/isolated/primary`;
  // Tagged so that `cleanup` finds what a killed run left, and never touches anything else.
  target.creationTags = creationTags(run, new Date());
  const accepted: string[] = [];
  const make = async (name: string) => {
    // In the ledger before the request goes out: a CreateRepository that times out, or whose answer is
    // lost, may still have made the repository, and cleanup must try to remove it. A refusal takes the
    // name out again, and so does "already exists" for a name outside this run's prefix (the 2-character
    // edge): someone else may have made it since we found it free. Under the prefix, which holds the
    // run's own nonce, it can only be ours, from an attempt whose answer was lost.
    if (!created.includes(name)) created.push(name);
    const notOurs = (e: unknown) => creationRefused(e) || (errorName(e) === 'RepositoryAlreadyExistsException' && !name.startsWith(`${prefix}/`));
    let r;
    try {
      try {
        r = await createRepository(target.client, { repositoryName: name }, target.creationTags);
      } catch (e) {
        if (!target.creationTags || e instanceof TransportFault || errorName(e) === 'RepositoryAlreadyExistsException') throw e;
        // A target that does not take tags on CreateRepository: untagged, found by name.
        r = await createRepository(target.client, { repositoryName: name });
        capabilities.notes.push(`the target refused tags on CreateRepository (${describeError(e)}): repositories are created untagged, and cleanup finds them by name`);
        delete target.creationTags;
      }
    } catch (e) {
      if (notOurs(e)) created.splice(created.indexOf(name), 1);
      throw e;
    }
    accepted.push(name);
    capabilities.setupFindings.push(...r.disagreements);
    knowledge.repositories[name] = { layers: {}, complete: true };
    if (!knowledge.accountId && r.value) knowledge.accountId = r.value;
  };
  try {
    await make(primary);
  } catch (e) {
    // Said once, as the cause of every skip that follows: the capabilities it takes away are listed with it.
    const why = operationSpec().errors.authorization.value.permission.includes(errorName(e))
      ? `no permission to create repositories (${errorName(e)} on CreateRepository; \`ecr-conformance policy\` prints what a full run needs): only what needs no repository is judged`
      : `cannot create repositories (${describeError(e)}): only what needs no repository is judged`;
    for (const c of ['repository', 'complete-repository', 'stored-layers', 'second-repository', 'lifecycle', 'recreate', 'unreferenced-layer', 'multipart-layer', 'image-manifest'] as const) capabilities.missing[c] = why;
    // AWS's denial names the caller's ARN, and with it the account.
    const account = /arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec((e as Error).message ?? '')?.[1];
    if (account && !knowledge.accountId) knowledge.accountId = account;
    return done(created);
  }
  capabilities.createRepositories = true;
  knowledge.primary = primary;
  capabilities.have.push('repository', 'complete-repository');
  try {
    await make(secondary);
    knowledge.secondary = secondary;
    capabilities.have.push('second-repository');
  } catch (e) {
    capabilities.missing['second-repository'] = `CreateRepository refused a second repository (${describeError(e)})`;
  }

  // Repositories at the edges of the name constraints, so that valid names at the limits are
  // checked against a repository that exists, not only against missing ones.
  const edges: [string, string][] = [[padTo(`${prefix}/edge`, maxName), 'repository:existing-max-length'], [`${prefix}/edge.sep_a-b/c`, 'repository:existing-every-separator']];
  if (!o.prefixOnly) {
    const short = await freeShortName(target, run, minName, new Set(missing));
    if (short) edges.push([short, 'repository:existing-min-length']);
    else capabilities.notApplicable['repository:existing-min-length'] = 'every 2-character name tried already exists on this target';
  }
  knowledge.edges = [];
  for (const [name, bucket] of edges) {
    try {
      await make(name);
      knowledge.edges.push(name);
    } catch (e) {
      capabilities.setupFindings.push(`CreateRepository refused the valid name ${JSON.stringify(name)} (${name.length} characters): ${describeError(e)}; ${bucket} cannot be checked`);
    }
  }

  // Named as the second repository is once '/' is flattened to '_' (…/isolated/primary): a store that files
  // layers under such a flat name shows the layer read-your-write stores there first before its upload here.
  const lifecycle = `${prefix}/isolated_primary`;
  try {
    await make(lifecycle);
    knowledge.repositories[lifecycle]!.complete = false;
  } catch (e) {
    capabilities.missing['lifecycle'] = `CreateRepository refused a scratch repository (${describeError(e)})`;
  }

  // CreateRepository returns before ECR shows the repository: while some are missing, look again after each pause.
  const waits = repositoryWaits(o.against ?? 'emulator', target.settleMs);
  const pause = (ms: number) => sleep(ms, target.signal);
  const back = await lookAgain(waits, pause, () => existingRepositories(target.client, accepted), (found) => found !== undefined && !accepted.every((n) => found.has(n)));
  if (back === undefined) capabilities.notes.push('DescribeRepositories is not available: repositories are taken to exist on CreateRepository\'s word');
  else {
    const lost = accepted.filter((n) => !back.has(n));
    if (lost.length > 0) {
      const finding = `CreateRepository accepted ${lost.map((n) => JSON.stringify(n)).join(', ')} but DescribeRepositories does not find ${lost.length > 1 ? 'them' : 'it'}`;
      capabilities.setupFindings.push(finding);
      capabilities.unverified['repository'] = finding;
      capabilities.unverified['complete-repository'] = finding;
    }
  }

  const pool = Array.from({ length: o.poolSize }, (_, i) => poolLayer(o.seed, i));
  const layers = knowledge.repositories[primary]!.layers;
  // The first upload to a repository just created may still find it missing (ECR shows it a moment
  // later, and DescribeRepositories need not agree with the upload calls): tried again after each pause.
  const upload = async (repo: string, bytes: Buffer) => {
    const missing = operationSpec().errors.missingRepository.value;
    const last = await lookAgain(waits, pause, () => uploadLayer(target.client, { repositoryName: repo }, bytes).then((value) => ({ value }), (error: unknown) => ({ error })),
      (r) => 'error' in r && (r.error as Error).name === missing);
    if ('error' in last) throw last.error;
    return last.value;
  };
  try {
    const disagreements: string[] = [];
    for (const bytes of pool) {
      const r = await upload(primary, bytes);
      layers[r.value] = { size: bytes.length, referenced: false };
      disagreements.push(...r.disagreements);
    }
    capabilities.setupFindings.push(...disagreements);
    capabilities.have.push('unreferenced-layer');
    if (disagreements.length > 0) {
      capabilities.unverified['stored-layers'] = disagreements[0]!;
      capabilities.unverified['unreferenced-layer'] = disagreements[0]!;
      capabilities.have.push('stored-layers');
    } else {
      capabilities.storeLayers = true;
      capabilities.have.push('stored-layers');
    }
  } catch (e) {
    knowledge.repositories[primary]!.layers = {};
    const why = `cannot store layers through the layer-upload API (${describeError(e)})`;
    for (const c of ['stored-layers', 'lifecycle', 'recreate', 'unreferenced-layer', 'multipart-layer', 'image-manifest'] as const) capabilities.missing[c] = why;
    capabilities.notes.push(`${why}: AVAILABLE is not tested unless --present names stored digests`);
    return done(created);
  }
  if (knowledge.repositories[lifecycle]) {
    knowledge.lifecycle = lifecycle;
    capabilities.have.push('lifecycle', 'recreate');
    if (capabilities.unverified['stored-layers']) {
      capabilities.unverified['lifecycle'] = capabilities.unverified['stored-layers'];
      capabilities.unverified['recreate'] = capabilities.unverified['stored-layers'];
    }
  }

  // A manifest that references all but the last pool layer: those get media types; the last stays
  // unreferenced, for the point where the documentation is silent.
  try {
    const digests = Object.entries(layers);
    const [config, ...rest] = digests.slice(0, Math.max(1, digests.length - 1));
    const configType = seedingSpec().configMediaType.value;
    const layerType = seedingSpec().defaultLayerMediaType.value;
    const r = await putManifest(target.client, { repositoryName: primary },
      { digest: config![0], size: config![1].size!, mediaType: configType },
      rest.map(([digest, l]) => ({ digest, size: l.size!, mediaType: layerType })), 'conformance');
    capabilities.setupFindings.push(...r.disagreements);
    // An image digest computed otherwise (moto's pull request hashes the layer digests) is PutImage's
    // own error: the manifest was accepted as sent, and gave its blobs their media types. A manifest
    // answered otherwise may have been stored otherwise: its media types are not known.
    if (r.otherManifest) {
      capabilities.missing['image-manifest'] = 'PutImage answered an imageManifest other than the one it was sent';
      capabilities.notes.push(`${capabilities.missing['image-manifest']}: stored layers are judged as if no manifest referenced them`);
    } else {
      for (const [digest] of [config!, ...rest]) Object.assign(layers[digest]!, { referenced: true, mediaType: digest === config![0] ? configType : layerType });
      capabilities.putManifests = true;
      capabilities.have.push('image-manifest');
    }
  } catch (e) {
    capabilities.missing['image-manifest'] = `cannot put an image manifest (${describeError(e)})`;
    capabilities.notes.push(`${capabilities.missing['image-manifest']}: stored layers are judged without a referencing image`);
  }

  // One layer sent in two parts — a first part, and a byte more — so that a size kept from one part
  // (not all of them) shows in BatchCheckLayerAvailability's answer. A target that refuses a first part
  // under ECR's minimum (LayerPartTooSmallException, as ECR does) gets it again at that minimum.
  const minimum = seedingSpec().layerPartSize.minimum.value;
  const inParts = async (parts: number) => {
    const multipart = multipartLayer(o.seed, parts + 1);
    const r = await uploadLayer(target.client, { repositoryName: primary }, multipart, { partSize: parts });
    layers[r.value] = { size: multipart.length, referenced: false, inParts: true };
    capabilities.setupFindings.push(...r.disagreements);
    capabilities.have.push('multipart-layer');
  };
  const parts = o.layerPartBytes ?? minimum;
  try {
    try {
      await inParts(parts);
    } catch (e) {
      if (errorName(e) !== seedingSpec().layerPartSize.tooSmall.value || parts >= minimum) throw e;
      capabilities.notes.push(`the target refused a first part of ${parts} bytes (${describeError(e)}): the layer sent in two parts was sent again with a first part of ${minimum} bytes, ECR's minimum`);
      await inParts(minimum);
    }
  } catch (e) {
    capabilities.missing['multipart-layer'] = `cannot store a layer in two parts (${describeError(e)})`;
  }
  return done(created);
}

/** A layer of `size` bytes, one line naming the run's seed over and over: its digest is the seed's own. */
const multipartLayer = (runSeed: number, size: number) => Buffer.alloc(size, `ecr-conformance multi-part layer, run seed ${runSeed}\n`);

/** Two-character names from the run's nonce, in a fixed order. */
function shortNames(run: string, length: number): string[] {
  const chars = `${run}abcdefghijklmnopqrstuvwxyz0123456789`;
  return Array.from({ length: 8 }, (_, i) => chars.slice(i, i + length)).filter((n) => /^[a-z0-9]+$/.test(n));
}

/** A 2-character name confirmed missing (DescribeRepositories), to check RepositoryNotFoundException at the limit. */
async function missingShortName(target: Target, run: string, length: number): Promise<string | undefined> {
  for (const name of shortNames(run, length).reverse()) {
    const found = await existingRepositories(target.client, [name]);
    if (found && !found.has(name)) return name;
    if (found === undefined) return name;
  }
  return undefined;
}

/** A 2-character name that does not exist yet, for an existing repository at the limit. */
async function freeShortName(target: Target, run: string, length: number, taken: Set<string>): Promise<string | undefined> {
  for (const name of shortNames(run, length)) {
    if (taken.has(name)) continue;
    const found = await existingRepositories(target.client, [name]);
    if (found === undefined || !found.has(name)) return name;
  }
  return undefined;
}

async function readOnly(target: Target, o: SetupOptions, knowledge: Knowledge, capabilities: Capabilities, done: (created: string[]) => Prepared): Promise<Prepared> {
  const name = o.repository!;
  const why = `read-only mode (--repository ${name}): the suite creates and uploads nothing`;
  for (const c of ['complete-repository', 'second-repository', 'lifecycle', 'recreate', 'unreferenced-layer', 'multipart-layer', 'image-manifest'] as const) capabilities.missing[c] = why;
  // The layers --present names were stored by others, in as many parts as they took and pushed with
  // whatever manifests: classify.present judges their sizes, but cannot tell which came in parts or what
  // media type a manifest gave them, so those parts of it are not for this run.
  capabilities.notApplicable[facetKey('sent-in-parts')] = why;
  capabilities.notApplicable[facetKey('media-type-from-manifest')] = why;
  capabilities.notes.push(`read-only: using existing repository ${name}; nothing is created`);
  // Asked of the operation itself, so that read-only mode needs no permission but BatchCheckLayerAvailability;
  // DescribeRepositories only where that answer says neither yes nor no (and never against real ECR).
  const check = readAnswer(await target.send('probe-repository', { label: 'probe', body: { repositoryName: name, layerDigests: [`sha256:${'0'.repeat(64)}`] } }));
  let exists = check.kind === 'success' ? true : check.errorType === operationSpec().errors.missingRepository.value ? false : undefined;
  if (exists === undefined && !o.prefixOnly) exists = (await existingRepositories(target.client, [name]))?.has(name);
  if (exists === false) {
    capabilities.missing['repository'] = `repository ${JSON.stringify(name)} (--repository) does not exist on the target`;
    capabilities.missing['stored-layers'] = capabilities.missing['repository'];
    capabilities.notes.push(capabilities.missing['repository']);
    return done([]);
  }
  knowledge.primary = name;
  knowledge.repositories[name] = { layers: Object.fromEntries(o.present.map((p) => [p.digest, p.size !== undefined ? { size: p.size } : {}])), complete: false };
  capabilities.have.push('repository');
  if (o.present.length > 0) capabilities.have.push('stored-layers');
  else capabilities.missing['stored-layers'] = 'no stored digest was declared with --present';
  return done([]);
}

/**
 * Deletes what the run created, ignoring what is already gone, through a client the first Ctrl-C does
 * not stop. Marks each name in `deleted` as it goes; returns what could not be removed.
 */
export async function cleanup(target: Target, created: string[], deleted: Set<string> = new Set()): Promise<string[]> {
  const left: string[] = [];
  for (const name of [...created].reverse()) {
    if (deleted.has(name)) continue;
    try {
      await deleteRepository(target.cleanupClient, { repositoryName: name });
      deleted.add(name);
    } catch (e) {
      if (errorName(e) === 'RepositoryNotFoundException') deleted.add(name);
      else left.push(`${name} (${`${errorName(e)}: ${(e as Error).message}`.slice(0, 300)})`);
    }
  }
  return left;
}
