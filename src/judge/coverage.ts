// Coverage of the input space, read by the judge from the request bytes actually sent and what the
// suite knows the target holds — not from the generator's labels, so a generator bug cannot fake it.
// Each exchange falls into one bucket per dimension. A rule that names buckets in spec/rules.json
// needs at least one check in each of them.
import { operationSpec } from '../spec/index.ts';
import type { Knowledge } from '../model.ts';
import { analyseRequest, digestKind, length } from './contract.ts';
import type { View } from './view.ts';

/** Lists up to this length are "short"; longer valid ones fill the range up to the maximum. */
export const SHORT_LIST = 20;

/**
 * Request bodies above this many bytes are "large": past the 100 KB at which Express's json() stops
 * reading by default, a body limit many fakes inherit. Not an ECR fact: where the suite looks.
 */
export const LARGE_BODY = 100 * 1024;

export interface Dimension {
  name: string;
  about: string;
  buckets: string[];
}

export function dimensions(): Dimension[] {
  const { minItems, maxItems } = operationSpec().input.layerDigests;
  const min = minItems.value;
  const max = maxItems.value;
  return [
    { name: 'list-length', about: 'how many digests a request lists', buckets: [`${min - 1}`, `${min}`, `${min + 1}-${SHORT_LIST}`, `${SHORT_LIST + 1}-${max - 1}`, `${max}`, `${max + 1}`, `${max + 2}+`] },
    { name: 'registry-id', about: 'the registryId member', buckets: ['absent', 'own', 'other', 'malformed', 'empty'] },
    {
      name: 'repository', about: 'the repositoryName: whether it exists, and its edges (a bad length one past a limit, or further)',
      buckets: ['existing', 'existing-min-length', 'existing-max-length', 'existing-every-separator', 'missing', 'missing-min-length', 'missing-max-length', 'new-model-only', 'too-short-by-one', 'too-short', 'too-long-by-one', 'too-long', 'invalid-pattern', 'unknown'],
    },
    { name: 'request', about: 'members of the request', buckets: ['well-formed', 'unknown-member', 'missing-member', 'wrong-type'] },
    { name: 'size', about: `the request body's bytes on the wire, against ${LARGE_BODY / 1024} KiB`, buckets: ['small', 'large'] },
    { name: 'digest', about: 'the kinds of digest a list holds (one count per kind per request)', buckets: ['stored', 'never-stored', 'grey', 'malformed', 'empty', 'max-length', 'over-max-length-by-one', 'over-max-length'] },
  ];
}

const memo = new WeakMap<View, string[]>();

/** The buckets of one exchange, `dimension:bucket` (memoized per view). */
export function bucketsOf(x: View, k: Knowledge): string[] {
  let b = memo.get(x);
  if (!b) memo.set(x, (b = compute(x, k)));
  return b;
}

function listBucket(n: number): string {
  const { minItems, maxItems } = operationSpec().input.layerDigests;
  if (n < minItems.value) return `${minItems.value - 1}`;
  if (n === minItems.value) return `${minItems.value}`;
  if (n <= SHORT_LIST) return `${minItems.value + 1}-${SHORT_LIST}`;
  if (n < maxItems.value) return `${SHORT_LIST + 1}-${maxItems.value - 1}`;
  if (n === maxItems.value) return `${maxItems.value}`;
  if (n === maxItems.value + 1) return `${maxItems.value + 1}`;
  return `${maxItems.value + 2}+`;
}

function compute(x: View, k: Knowledge): string[] {
  if (x.exchange.action || !x.sent.json) return x.exchange.action ? [] : ['request:wrong-type'];
  const json = x.sent.json;
  const input = operationSpec().input;
  const out: string[] = [];
  const a = analyseRequest(x.sent);

  const list = json['layerDigests'];
  if (Array.isArray(list)) out.push(`list-length:${listBucket(list.length)}`);

  const reg = json['registryId'];
  if (reg === undefined || reg === null) out.push('registry-id:absent');
  else if (reg === '') out.push('registry-id:empty');
  else if (typeof reg === 'string') {
    if (a.violations.includes('registry-id')) out.push('registry-id:malformed');
    else if (k.accountId !== undefined) out.push(reg === k.accountId ? 'registry-id:own' : 'registry-id:other');
  }

  const name = json['repositoryName'];
  if (typeof name === 'string') {
    const n = length(name);
    const own = x.sent.registryId === undefined || x.sent.registryId === k.accountId;
    // One past a limit is where a fencepost error (<= for <) shows: a bucket of its own.
    if (n < input.repositoryName.minLength.value) out.push(n === input.repositoryName.minLength.value - 1 ? 'repository:too-short-by-one' : 'repository:too-short');
    else if (n > input.repositoryName.maxLength.value) out.push(n === input.repositoryName.maxLength.value + 1 ? 'repository:too-long-by-one' : 'repository:too-long');
    else if (a.violations.includes('repository-name-pattern')) out.push('repository:invalid-pattern');
    else if (a.newModelOnlyName) out.push('repository:new-model-only');
    else if (own && k.repositories[name]) {
      out.push('repository:existing');
      if (n === input.repositoryName.minLength.value) out.push('repository:existing-min-length');
      if (n === input.repositoryName.maxLength.value) out.push('repository:existing-max-length');
      if (['.', '_', '-', '/'].every((c) => name.includes(c))) out.push('repository:existing-every-separator');
    } else if (own && k.missingRepositories.includes(name)) {
      out.push('repository:missing');
      if (n === input.repositoryName.minLength.value) out.push('repository:missing-min-length');
      if (n === input.repositoryName.maxLength.value) out.push('repository:missing-max-length');
    } else out.push('repository:unknown');
  }

  out.push(Buffer.byteLength(x.exchange.request.body) > LARGE_BODY ? 'size:large' : 'size:small');

  if (a.violations.includes('wrong-type')) out.push('request:wrong-type');
  else if (a.violations.includes('missing-member')) out.push('request:missing-member');
  else if (a.unknownMembers.length > 0) out.push('request:unknown-member');
  else out.push('request:well-formed');

  if (x.sent.digests) {
    const repo = x.sent.repositoryName !== undefined ? k.repositories[x.sent.repositoryName] : undefined;
    const kinds = new Set<string>();
    const max = input.layerDigests.items.maxLength.value;
    for (const d of x.sent.digests) {
      const kind = digestKind(d);
      if (kind === 'canonical') kinds.add(repo?.layers[d] ? 'stored' : 'never-stored');
      else kinds.add(kind);
      // A string has no more code points than UTF-16 units: a shorter one cannot reach the maximum.
      const len = d.length < max ? d.length : length(d);
      if (len === max) kinds.add('max-length');
      if (len === max + 1) kinds.add('over-max-length-by-one');
      else if (len > max) kinds.add('over-max-length');
    }
    for (const kind of kinds) out.push(`digest:${kind}`);
  }
  return out;
}

/** Every bucket there is, `dimension:bucket`. */
export const ALL_BUCKETS = () => dimensions().flatMap((d) => d.buckets.map((b) => `${d.name}:${b}`));
