// The judge's own reading of spec/: which constraints a sent request breaks, what kind of string
// each digest is, and what the target is known to hold. Written apart from the registry on purpose.
import { operationSpec, referenceFingerprintSpec } from '../spec/index.ts';
import type { KnownRepository, Knowledge } from '../model.ts';
import type { Sent, View } from './view.ts';

export type Violation =
  | 'missing-member'
  | 'wrong-type'
  | 'empty-list'
  | 'too-many'
  | 'digest-too-long'
  | 'repository-name-length'
  | 'repository-name-pattern'
  | 'registry-id';

export interface RequestAnalysis {
  violations: Violation[];
  /** The name is valid under the newest model only (a__b): which model the target applies shows here. */
  newModelOnlyName: boolean;
  /** Members the model does not have (ignored by servers, so not a violation). */
  unknownMembers: string[];
}

/** Compiled once: the judge runs these on every exchange. */
let compiled: { names: RegExp[]; registryId: RegExp; lenient: RegExp; canonical: RegExp; members: Set<string> } | undefined;
const patterns = () => (compiled ??= {
  names: operationSpec().input.repositoryName.patterns.map((p) => new RegExp(p.value)),
  registryId: new RegExp(operationSpec().input.registryId.pattern.value),
  lenient: new RegExp(operationSpec().output.layer.layerDigestPattern.value),
  canonical: new RegExp(referenceFingerprintSpec().canonicalDigestPattern.value),
  members: new Set(Object.keys(operationSpec().input)),
});

/** Smithy's length trait counts Unicode scalar values, not UTF-16 units or bytes. */
export const length = (s: string): number => {
  // Each surrogate pair is one code point; a lone surrogate counts as one, as the string iterator counts it.
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
};

const analysed = new WeakMap<Sent, RequestAnalysis>();

/** Which documented constraints a sent request breaks (memoized per request). */
export function analyseRequest(sent: Sent): RequestAnalysis {
  let a = analysed.get(sent);
  if (!a) analysed.set(sent, (a = analyse(sent)));
  return a;
}

function analyse(sent: Sent): RequestAnalysis {
  const input = operationSpec().input;
  const v = new Set<Violation>();
  const json = sent.json;
  if (!json) return { violations: ['wrong-type'], newModelOnlyName: false, unknownMembers: [] };
  const member = (name: string) => json[name];
  let newModelOnlyName = false;

  const registryId = member('registryId');
  if (registryId !== undefined && registryId !== null) {
    if (typeof registryId !== 'string') v.add('wrong-type');
    else if (!patterns().registryId.test(registryId)) v.add('registry-id');
  }

  const name = member('repositoryName');
  if (name === undefined || name === null) v.add('missing-member');
  else if (typeof name !== 'string') v.add('wrong-type');
  else if (length(name) < input.repositoryName.minLength.value || length(name) > input.repositoryName.maxLength.value) v.add('repository-name-length');
  else {
    const results = patterns().names.map((re) => re.test(name));
    if (!results.some(Boolean)) v.add('repository-name-pattern');
    else if (!results[0] && results[results.length - 1]) newModelOnlyName = true;
  }

  const digests = member('layerDigests');
  if (digests === undefined || digests === null) v.add('missing-member');
  else if (!Array.isArray(digests) || digests.some((d) => typeof d !== 'string')) v.add('wrong-type');
  else {
    if (digests.length < input.layerDigests.minItems.value) v.add('empty-list');
    if (digests.length > input.layerDigests.maxItems.value) v.add('too-many');
    if ((digests as string[]).some((d) => length(d) > input.layerDigests.items.maxLength.value)) v.add('digest-too-long');
  }
  const unknownMembers = Object.keys(json).filter((m) => !patterns().members.has(m));
  return { violations: [...v], newModelOnlyName, unknownMembers };
}

export type DigestKind = 'empty' | 'malformed' | 'grey' | 'canonical';

/** Several rules and the coverage ask about the same digests of one case: the answers are remembered, a bounded number. */
const kinds = new Map<string, DigestKind>();
const KINDS_REMEMBERED = 4096;

export function digestKind(digest: string): DigestKind {
  let kind = kinds.get(digest);
  if (kind === undefined) {
    kind = digest === '' ? 'empty' : !patterns().lenient.test(digest) ? 'malformed' : !patterns().canonical.test(digest) ? 'grey' : 'canonical';
    if (kinds.size >= KINDS_REMEMBERED) kinds.clear();
    kinds.set(digest, kind);
  }
  return kind;
}

/**
 * The class of a grey digest: the grain at which a server plausibly chooses. For an algorithm that the
 * image spec registers or a common digest library validates (sha256, sha384, sha512, blake3): its
 * length in lower-case hex (the algorithm's own class), too short, too long, or upper-case hex — a
 * server may accept sha384 at 96 characters as go-digest does and reject every wrong length, or
 * lower-case the hex first. Else an algorithm in upper case, or one no one registers.
 */
export function greyClass(digest: string): string {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const spec = referenceFingerprintSpec();
  const known: Record<string, number> = { ...spec.libraryAlgorithms.value, ...spec.registeredAlgorithms.value };
  const want = known[algorithm];
  if (want !== undefined) return hex.length < want ? `${algorithm}-short-hex` : hex.length > want ? `${algorithm}-long-hex` : /[A-F]/.test(hex) ? `${algorithm}-uppercase-hex` : algorithm;
  if (known[algorithm.toLowerCase()] !== undefined) return 'algorithm-uppercase';
  return 'other-algorithm';
}

/** The registry a request addresses is the caller's own (omitted, or the caller's account id). */
export const ownRegistry = (sent: Sent, k: Knowledge) => sent.registryId === undefined || sent.registryId === k.accountId;

/** The repository a request addresses, when the suite knows what it holds. */
export function knownRepository(sent: Sent, k: Knowledge): (KnownRepository & { name: string }) | undefined {
  if (sent.repositoryName === undefined || !ownRegistry(sent, k)) return undefined;
  const repo = k.repositories[sent.repositoryName];
  return repo ? { name: sent.repositoryName, ...repo } : undefined;
}

/** Requests the judge can hold to a per-digest answer: valid, for a repository it knows. */
export function judgeableBatch(sent: Sent, k: Knowledge) {
  if (!sent.digests) return undefined;
  if (analyseRequest(sent).violations.length > 0) return undefined;
  const repo = knownRepository(sent, k);
  return repo ? { digests: sent.digests, repo } : undefined;
}

/** A well-formed registry id that is not the caller's: another account. */
export function foreignRegistry(sent: Sent, k: Knowledge): boolean {
  return k.accountId !== undefined && sent.registryId !== undefined && sent.registryId !== k.accountId && patterns().registryId.test(sent.registryId);
}

/**
 * What the suite knows the target holds at each exchange of a case: `k`, changed by the case's own
 * actions before that exchange, in the repositories `k` knows: a layer uploaded is stored (a scenario's
 * upload to the second repository, checked there later), unless the upload was refused or answered
 * wrongly (then what the repository holds is no longer known in full); a deleted repository is not
 * there, and one created again under its name holds nothing. Whether a repository whose creation
 * failed is there is not known: no rule takes a check in it for one in a repository that exists.
 * Undefined without such an action: `k` itself holds for every exchange.
 */
export function knowledgeAlong(views: View[], k: Knowledge): Knowledge[] | undefined {
  let now = k;
  let out: Knowledge[] | undefined;
  for (let i = 0; i < views.length; i++) {
    const a = views[i]!.exchange.action;
    const repo = a ? now.repositories[a.repositoryName] : undefined;
    let changed: KnownRepository | undefined;
    if (repo && a!.kind === 'upload' && a!.digest !== undefined) {
      // An upload the target refused, or answered wrongly, may or may not have stored the layer: from
      // then on the suite does not know all the repository holds.
      changed = a!.ok ? { ...repo, layers: { ...repo.layers, [a!.digest]: { ...(a!.size !== undefined ? { size: a!.size } : {}), referenced: false } } } : { ...repo, complete: false };
    }
    let repositories: Knowledge['repositories'] | undefined;
    if (changed) repositories = { ...now.repositories, [a!.repositoryName]: changed };
    else if (repo && a!.kind === 'delete-repository' && a!.ok) {
      const { [a!.repositoryName]: _gone, ...rest } = now.repositories;
      repositories = rest;
    } else if (a?.kind === 'create-repository' && a.ok && k.repositories[a.repositoryName] && !now.repositories[a.repositoryName]) {
      // Created again under the name of one the case deleted: it holds nothing.
      repositories = { ...now.repositories, [a.repositoryName]: { layers: {}, complete: true } };
    }
    if (repositories) {
      now = { ...now, repositories };
      out ??= views.slice(0, i).map(() => k);
    }
    out?.push(now);
  }
  return out;
}
