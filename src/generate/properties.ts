// The properties a run explores: each an arbitrary of cases (one or more requests, and for lifecycle
// scenarios the changes between them) over what the suite knows the target holds. Every case carries
// its input classes and its expected outcome; every property says which rules it feeds, so a run
// narrowed with --rules sends only what those rules need.
import fc from 'fast-check';
import { operationSpec } from '../spec/index.ts';
import { FRESH_CLAIMED, FRESH_CROSSED, FRESH_LAYER, FRESH_NAMED, FRESH_PARTS_CROSSED, FRESH_SENT, FRESH_STALE, freshTogether, type Case, type ExpectedOutcome, type Knowledge, type Step } from '../model.ts';
import { type Labeled, malformedDigest, tooLongDigest, validDigest, wideDigest } from './digests.ts';
import { BAD_NAME_WAYS, BAD_REGISTRY_ID_WAYS, badLengthName, badPatternName, badRegistryId, boundaryName, modelPair, newModelOnlyName } from './names.ts';

export type CaseBody = Omit<Case, 'id' | 'property'>;

export interface Property {
  name: string;
  /** One line for reports: what the property explores. */
  about: string;
  /** Cases per `--runs`: a run makes max(min, ceil(runs × weight)) cases of this property. */
  weight: number;
  /** The fewest cases a run makes, so the rules it feeds can reach their evidence whatever --runs is. */
  min: number;
  /** Rule ids or globs this property gives checks to. */
  feeds: string[];
  /** Cases that change the target (the lifecycle repository) run one at a time. */
  exclusive?: true;
  arbitrary: fc.Arbitrary<CaseBody>;
}

/** How many cases of a property a run makes. */
export const casesOf = (p: Pick<Property, 'weight' | 'min'>, runs: number) => Math.max(p.min, Math.ceil(runs * p.weight));

/** Every order of `items`. */
/** Layers read-your-write uploads at once: docker pushes three at a time. */
const TOGETHER = 3;

const permutations = <T>(items: T[]): T[][] => (items.length <= 1 ? [items] : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest])));

const classesOf = (items: Labeled<unknown>[]) => [...new Set(items.map((i) => i.cls))];

/** Members a future model might add, or a client might send by mistake: a server ignores them. */
const UNKNOWN_MEMBERS: [string, unknown][] = [['maxResults', 100], ['nextToken', 'abc'], ['imageTag', 'latest'], ['layerDigestsPageSize', 10], ['x-extra', { nested: true }], ['acceptedMediaTypes', ['application/vnd.oci.image.layer.v1.tar']]];

function lengthClass(n: number, digests: string[]): string[] {
  const max = operationSpec().input.layerDigests.maxItems.value;
  const out = [n === 1 ? 'list.single' : n === max ? 'list.max' : n <= 20 ? 'list.short' : 'list.long'];
  if (new Set(digests).size < digests.length) out.push('list.duplicates-exact');
  return out;
}

const ALL_PASSIVE = ['framing.*', 'wire.*', 'fingerprint.request-id-header', 'fingerprint.consistent'];
const SUCCESS = [...ALL_PASSIVE, 'shape.*', 'partition.*', 'classify.*', 'validate.accepts-valid', 'validate.valid-succeeds',
  'fingerprint.absent', 'fingerprint.duplicates', 'fingerprint.grey', 'fingerprint.empty-lists', 'fingerprint.empty-digest', 'fingerprint.unreferenced-media-type'];

export function properties(k: Knowledge): Property[] {
  const input = operationSpec().input;
  const max = input.layerDigests.maxItems.value;
  const primary = k.primary;
  const present = primary ? Object.keys(k.repositories[primary]?.layers ?? {}) : [];
  const digest = validDigest({ present, maxLength: input.layerDigests.items.maxLength.value });
  const own = k.accountId;
  const registryChoice: fc.Arbitrary<Labeled<string | undefined>> = own
    ? fc.oneof({ weight: 3, arbitrary: fc.constant({ cls: 'registry-id.omitted', value: undefined }) }, { weight: 1, arbitrary: fc.constant({ cls: 'registry-id.own', value: own }) })
    : fc.constant({ cls: 'registry-id.omitted', value: undefined });

  /**
   * Valid digest lists, one property per length bucket so that each is sent whatever --runs is: one
   * digest, a few, many (spread over 21–99), exactly the maximum. Duplicates arise on their own
   * (stored digests come from a small pool). No chain(): plain arrays shrink best.
   */
  const lists: [string, string, number, number, fc.Arbitrary<Labeled<string>[]>][] = [
    ['single', 'one digest', 0.4, 8, fc.array(digest, { minLength: 1, maxLength: 1 })],
    ['short', '2 to 20 digests', 1.2, 20, fc.array(digest, { minLength: 2, maxLength: 20 })],
    ['long', '21 to 99 digests, spread over the range', 0.4, 10, fc.array(digest, { minLength: 21, maxLength: max - 1 })],
    ['max', 'exactly the maximum number of digests', 0.2, 4, fc.array(digest, { minLength: max, maxLength: max })],
  ];

  const okList = fc.array(digest, { minLength: 1, maxLength: 5 });
  const body = (repositoryName: unknown, items: Labeled<string>[], registryId?: string, extra: Record<string, unknown> = {}) => ({
    ...(registryId !== undefined ? { registryId } : {}),
    repositoryName,
    layerDigests: items.map((i) => i.value),
    ...extra,
  });
  const single = (steps: Step[], classes: string[], expected: ExpectedOutcome): CaseBody => ({ steps, inputClasses: classes, expected });
  const only = (b: unknown) => [{ label: 'only', body: b }];
  const out: Property[] = [];
  const existing = primary ?? k.missingRepositories[0]!;
  /** An invalid request; `share` splits a constraint's cases between the properties that probe it. */
  const invalid = (name: string, about: string, feeds: string, arbitrary: fc.Arbitrary<CaseBody>, share = 1) =>
    out.push({ name, about, weight: 0.15 * share, min: 4, feeds: [feeds, ...ALL_PASSIVE], arbitrary });

  if (primary) {
    for (const [suffix, about, weight, min, list] of lists) {
      out.push({
        name: `batch-${suffix}`, weight, min, feeds: SUCCESS,
        about: `valid lists of ${about}, of every digest class, against the run's repository`,
        arbitrary: fc.tuple(list, registryChoice).map(([items, reg]) => single(
          only(body(primary, items, reg.value)),
          [...classesOf(items), reg.cls, 'repository.existing', ...lengthClass(items.length, items.map((i) => i.value))],
          'success',
        )),
      });
    }
  }
  // Valid, and about 150 KB on the wire: a body limit below that (Express's json() stops at 100 KB)
  // refuses a request every constraint allows, which lists of short digests never show. For the run's
  // repository, or, on a target where the suite has none, for a missing one.
  {
    const maxLength = input.layerDigests.items.maxLength.value;
    out.push({
      name: 'largest-request', weight: 0.02, min: 2, feeds: primary ? SUCCESS : ['validate.repository-not-found', 'validate.accepts-valid', ...ALL_PASSIVE],
      about: 'the largest valid request: the most digests, each of the most characters, a quarter of those of three UTF-8 bytes',
      arbitrary: fc.array(wideDigest(maxLength), { minLength: max, maxLength: max }).map((items) => single(
        only(body(existing, items)),
        [...classesOf(items), 'registry-id.omitted', primary ? 'repository.existing' : 'repository.missing', ...lengthClass(items.length, items.map((i) => i.value))],
        primary ? 'success' : 'RepositoryNotFoundException',
      )),
    });
  }
  for (const [i, name] of (k.edges ?? []).entries()) {
    out.push({
      name: `edge-repository-${'abcdefgh'[i]}`, weight: 0.1, min: 3, feeds: SUCCESS,
      about: `valid lists against an existing repository at an edge of the name constraints (${name.length} characters${/[._-]/.test(name) ? ', every separator' : ''})`,
      arbitrary: fc.tuple(okList, registryChoice).map(([items, reg]) =>
        single(only(body(name, items, reg.value)), ['repository.existing-edge', reg.cls, ...classesOf(items)], 'success')),
    });
  }

  invalid('empty-list', 'an empty layerDigests list', 'validate.empty-list',
    fc.constant(single(only({ repositoryName: existing, layerDigests: [] }), ['list.empty'], 'InvalidParameterException')));
  // Each limit is probed exactly one past it, where a fencepost error (<= where < was meant) lets a
  // request through, and further past it: two properties, so that both are sent whatever --runs is.
  for (const [suffix, about, lengths] of [['-by-one', `exactly ${max + 1} digests`, [max + 1, max + 1]], ['', `${max + 2} to ${max + 20} digests, duplicates among them sometimes`, [max + 2, max + 20]]] as const) {
    invalid(`too-many${suffix}`, about, 'validate.too-many',
      fc.array(digest, { minLength: lengths[0], maxLength: lengths[1] }).map((items) =>
        single(only(body(existing, items)), [`list.too-many${suffix}`, ...classesOf(items)], 'InvalidParameterException')), 1 / 2);
  }
  for (const [suffix, over, about] of [['-by-one', 'by-one', 'one digest exactly one character over the maximum length'], ['', 'more', 'one digest 2 to 200 characters over the maximum length']] as const) {
    invalid(`digest-too-long${suffix}`, about, 'validate.digest-too-long',
      fc.tuple(okList, tooLongDigest(input.layerDigests.items.maxLength.value, over), fc.nat()).map(([items, long, at]) => {
        const all = [...items];
        all.splice(at % (all.length + 1), 0, long);
        return single(only(body(existing, all)), [long.cls, ...classesOf(items)], 'InvalidParameterException');
      }), 1 / 2);
  }
  const prefix = k.namePrefix;
  for (const which of ['short-by-one', 'short', 'long-by-one', 'long'] as const) {
    const about = which.endsWith('by-one') ? `repository names one character too ${which.slice(0, -'-by-one'.length)}` : `repository names too ${which} by more than one character`;
    invalid(`name-too-${which}`, about, 'validate.repository-name-length',
      fc.tuple(badLengthName(which, prefix), okList).map(([name, items]) => single(only(body(name.value, items)), [name.cls, ...classesOf(items)], 'InvalidParameterException')), 1 / 2);
  }
  // One property per way a name or registry id breaks the pattern, per missing and per mistyped member: a
  // validator that leaves one check out (or a handler that iterates a string as a list) is caught by
  // every run, whatever --runs is, not by the runs that happen to draw that way.
  for (const how of BAD_NAME_WAYS) {
    invalid(`bad-name-${how}`, `repository names no model accepts: ${how}`, 'validate.repository-name-pattern',
      fc.tuple(badPatternName(how, prefix), okList).map(([name, items]) => single(only(body(name.value, items)), [name.cls, ...classesOf(items)], 'InvalidParameterException')), 1 / BAD_NAME_WAYS.length);
  }
  for (const how of BAD_REGISTRY_ID_WAYS) {
    invalid(`bad-registry-id-${how}`, `registry ids that are not 12 digits: ${how}`, 'validate.registry-id',
      fc.tuple(badRegistryId(how), okList).map(([reg, items]) => single(only(body(existing, items, reg.value)), [reg.cls, ...classesOf(items)], 'InvalidParameterException')), 1 / BAD_REGISTRY_ID_WAYS.length);
  }
  invalid('empty-registry-id', 'the empty string as registryId, which a Go server may take for none', 'validate.registry-id',
    okList.map((items) => single(only(body(existing, items, '')), ['registry-id.empty', ...classesOf(items)], 'InvalidParameterException')));
  const missingMembers = [['repository-name', 'repositoryName'], ['layer-digests', 'layerDigests']] as const;
  for (const [kind, member] of missingMembers) {
    invalid(`missing-${kind}-member`, `requests without ${member}`, 'validate.missing-member',
      okList.map((items) => {
        const b: Record<string, unknown> = body(existing, items);
        delete b[member];
        return single(only(b), [`member.missing-${kind}`], 'InvalidParameterException');
      }), 1 / 3);
  }
  invalid('empty-body', 'requests with no body at all', 'validate.missing-member',
    fc.constant(single([{ label: 'only', rawBody: '' }], ['body.empty'], 'InvalidParameterException')), 1 / 3);
  const wrongTypes: [string, string, unknown][] = [
    ['layer-digests-string', 'layerDigests', 'sha256:abc'], ['layer-digests-number', 'layerDigests', 7], ['layer-digests-numbers', 'layerDigests', [1, 2]],
    ['layer-digests-object', 'layerDigests', { a: 1 }], ['repository-name-number', 'repositoryName', 42], ['repository-name-list', 'repositoryName', ['a']],
    ['registry-id-number', 'registryId', 123456789012],
  ];
  for (const [kind, member, value] of wrongTypes) {
    invalid(`wrong-type-${kind}`, `${member} as ${JSON.stringify(value)}`, 'validate.wrong-type',
      okList.map((items) => single(only({ ...body(existing, items), [member]: value }), ['member.wrong-type'], 'client-error')), 1 / wrongTypes.length);
  }

  const limits = input.repositoryName;
  const atLimit = (n: string) => n.length === limits.minLength.value || n.length === limits.maxLength.value;
  const missing = k.missingRepositories.filter((n) => !atLimit(n));
  const missingAtLimits = k.missingRepositories.filter(atLimit);
  for (const [name, names, about] of [['missing-repository', missing, ''], ...missingAtLimits.map((n) => [`missing-repository-${n.length}`, [n], ` of ${n.length} characters`])] as [string, string[], string][]) {
    if (names.length === 0) continue;
    out.push({
      name, weight: name === 'missing-repository' ? 0.4 : 0.1, min: name === 'missing-repository' ? 8 : 3, feeds: ['validate.repository-not-found', 'validate.accepts-valid', ...ALL_PASSIVE],
      about: `valid requests for a repository${about} that does not exist, whatever the digests`,
      arbitrary: fc.tuple(fc.constantFrom(...names), fc.array(digest, { minLength: 1, maxLength: 10 }), registryChoice).map(([n, items, reg]) =>
        single(only(body(n, items, reg.value)), ['repository.missing', reg.cls, ...classesOf(items)], 'RepositoryNotFoundException')),
    });
  }
  // Nothing but malformed digests for a missing repository: a handler that fails those before it looks
  // the repository up answers with their failures, as if it existed. A property of its own, so that
  // every run sends some, whatever --runs is.
  if (missing.length > 0) {
    const malformed = malformedDigest({ present, maxLength: input.layerDigests.items.maxLength.value });
    out.push({
      name: 'missing-repository-malformed', weight: 0.05, min: 3, feeds: ['validate.repository-not-found', 'validate.accepts-valid', ...ALL_PASSIVE],
      about: 'valid requests for a repository that does not exist, listing malformed digests only',
      arbitrary: fc.tuple(fc.constantFrom(...missing), fc.array(malformed, { minLength: 1, maxLength: 5 })).map(([n, items]) =>
        single(only(body(n, items)), ['repository.missing', 'registry-id.omitted', ...classesOf(items)], 'RepositoryNotFoundException')),
    });
  }
  out.push({
    name: 'boundaries', weight: 0.2, min: 6, feeds: ['validate.accepts-valid', ...ALL_PASSIVE],
    about: 'valid names at the length limits and under the newest model only, which must not be rejected',
    arbitrary: fc.tuple(fc.oneof(boundaryName(prefix), newModelOnlyName(prefix)), okList).map(([name, items]) =>
      single(only(body(name.value, items)), [name.cls, ...classesOf(items)], 'RepositoryNotFoundException')),
  });
  out.push({
    name: 'name-model', weight: 0.1, min: 4, feeds: ['fingerprint.repository-name-model', 'validate.repository-name-pattern', ...ALL_PASSIVE],
    about: 'a name only the newest model accepts, beside one no model accepts',
    arbitrary: fc.tuple(modelPair(prefix), okList).map(([pair, items]) => single(
      [{ label: 'new-model-name', body: body(pair.candidate, items) }, { label: 'bad-name', body: body(pair.control, items) }],
      ['scenario.name-model', 'repository.name-new-model-only', 'repository.name-bad-pattern'], 'client-error')),
  });

  if (primary) {
    const batchOf = (min: number) => fc.array(digest, { minLength: min, maxLength: 20 });
    const pair = (name: string, about: string, feeds: string, weight: number, min: number, arbitrary: fc.Arbitrary<CaseBody>) =>
      out.push({ name, about, weight, min, feeds: [feeds, ...SUCCESS], arbitrary });
    // A handler that answers by position (only the first digest looked up, a cap on how many) shows only
    // when a stored digest changes place: half the cases put one there on purpose, when the batch has
    // one past the first place; the other half stay random.
    const storedPastFirst = (items: Labeled<string>[]) => items.findLastIndex((x, i) => i > 0 && x.cls === 'digest.present');
    pair('order', 'the same digests in another order (half the time, a stored digest brought to the front)', 'metamorphic.order', 0.5, 12,
      fc.tuple(batchOf(2), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), fc.boolean()).map(([items, keys, lead]) => {
        const at = lead ? storedPastFirst(items) : -1;
        const permuted = at > 0
          ? [items[at]!, ...items.filter((_, i) => i !== at)]
          : items.map((item, i) => ({ item, key: keys[i]! * 32 + i })).sort((a, b) => a.key - b.key).map((x) => x.item);
        if (permuted.every((x, i) => x === items[i])) permuted.reverse();
        return single([{ label: 'original', body: body(primary, items) }, { label: 'permuted', body: body(primary, permuted) }], ['scenario.order', ...classesOf(items)], 'success');
      }));
    // A third of the cases check a stored digest past the first place; a third a stored digest beside its
    // upper-case variant, where a server that matches, collapses or echoes digests case-insensitively
    // answers the stored one differently in the batch; a third stay random. A third of the batches hold
    // more than 10 digests (where a size-dependent path starts). When the batch holds a never-stored
    // canonical digest other than the one picked, it is checked alone too: a check that stores what it
    // is asked about answers it AVAILABLE then.
    const wideBatch = fc.array(digest, { minLength: 11, maxLength: 20 });
    pair('batch-independence', 'digests alone and inside a batch (a third of the time a stored one past the first place, a third beside its upper-case variant; a never-stored one too)', 'metamorphic.batch-independence', 0.5, 12,
      fc.tuple(fc.oneof({ weight: 2, arbitrary: batchOf(2) }, { weight: 1, arbitrary: wideBatch }), fc.nat(), fc.constantFrom('random', 'past-first', 'case-variant')).map(([given, n, how]) => {
        let items = given;
        // The digest checked alone: a random one unless the case's way finds its stored digest.
        let pick = n % items.length;
        if (how === 'past-first') {
          const at = storedPastFirst(items);
          if (at > 0) pick = at;
        } else if (how === 'case-variant') {
          const at = items.findIndex((x) => x.cls === 'digest.present');
          if (at >= 0) {
            const stored = items[at]!.value;
            const colon = stored.indexOf(':') + 1;
            const variant = { cls: 'digest.present-case-variant', value: `${stored.slice(0, colon)}${stored.slice(colon).toUpperCase()}` };
            const where = n % (items.length + 1);
            items = [...items.slice(0, where), variant, ...items.slice(where)];
            pick = where <= at ? at + 1 : at;
          }
        }
        const alone = items[pick]!;
        const absent = items.find((x) => x.cls === 'digest.absent' && x.value !== alone.value);
        return single([
          { label: 'batch', body: body(primary, items) }, { label: 'alone', body: body(primary, [alone]) },
          ...(absent ? [{ label: 'alone-absent', body: body(primary, [absent]) }] : []),
        ], ['scenario.batch-independence', ...classesOf(items)], 'success');
      }));
    pair('idempotence', 'the same request twice', 'metamorphic.idempotent', 0.5, 12,
      batchOf(1).map((items) => single([{ label: 'first', body: body(primary, items) }, { label: 'second', body: body(primary, items) }], ['scenario.idempotence', ...classesOf(items)], 'success')));
    if (own) {
      pair('registry-id', 'with and without the caller\'s own registryId', 'metamorphic.registry-id', 0.5, 12,
        batchOf(1).map((items) => single([{ label: 'implicit', body: body(primary, items) }, { label: 'explicit', body: body(primary, items, own) }], ['scenario.registry-id', 'registry-id.own', ...classesOf(items)], 'success')));
      out.push({
        name: 'foreign-registry', weight: 0.1, min: 4, feeds: ['validate.foreign-registry', ...ALL_PASSIVE],
        about: 'another account\'s registryId with the name of the caller\'s repository and its stored digests',
        arbitrary: fc.tuple(present.length > 0 ? fc.subarray(present, { minLength: 1 }) : fc.constant([] as string[]), okList).map(([stored, items]) =>
          single(only({ registryId: k.otherAccountId, repositoryName: primary, layerDigests: [...stored, ...items.map((i) => i.value)] }), ['registry-id.other', 'repository.existing', 'digest.present'], 'client-error')),
      });
    }
    pair('unknown-member', 'a request with and without a member the model does not have', 'metamorphic.unknown-member', 0.2, 6,
      fc.tuple(batchOf(1), fc.constantFrom(...UNKNOWN_MEMBERS)).map(([items, [member, value]]) =>
        single([{ label: 'plain', body: body(primary, items) }, { label: 'extra-member', body: body(primary, items, undefined, { [member]: value }) }], ['scenario.unknown-member', 'member.unknown', ...classesOf(items)], 'success')));
    if (k.secondary && present.length > 0) {
      const secondary = k.secondary;
      pair('isolation', 'layers of one repository checked in another', 'metamorphic.repository-isolation', 0.2, 6,
        fc.subarray(present, { minLength: 1 }).map((digests) =>
          single([{ label: 'home', body: { repositoryName: primary, layerDigests: digests } }, { label: 'other', body: { repositoryName: secondary, layerDigests: digests } }], ['scenario.isolation', 'digest.present'], 'success')));
    }
  }

  if (k.lifecycle) {
    const repo = k.lifecycle;
    const around = fc.array(fc.constantFrom(...(present.length > 0 ? present : [`sha256:${'0'.repeat(64)}`])), { minLength: 0, maxLength: 3 });
    out.push({
      name: 'read-your-write', weight: 0.03, min: 3, feeds: ['metamorphic.read-your-write', ...ALL_PASSIVE], exclusive: true,
      about: 'a fresh layer stored in another repository, checked, uploaded together with two more, and checked again',
      // Registries keep one copy of a blob for every repository: a store that finds the blob already
      // there and skips linking it to this repository answers the upload and never the check after.
      // And clients push layers in parallel: a store that reads the repository when an upload starts and
      // writes it back when it completes loses the layers completed in between. Every case does both (a
      // share would leave short runs without one); new blobs are what setup uploads, one at a time.
      arbitrary: around.map((others) => {
        const fresh = [FRESH_LAYER, ...Array.from({ length: TOGETHER - 1 }, (_, i) => freshTogether(i + 2))];
        const check = { repositoryName: repo, layerDigests: [...fresh, ...others] };
        const elsewhere: Step[] = k.secondary ? [{ label: 'elsewhere', action: { kind: 'upload', repositoryName: k.secondary } }] : [];
        return single([...elsewhere, { label: 'before', body: check }, { label: 'upload', action: { kind: 'upload', repositoryName: repo, together: TOGETHER } }, { label: 'after', body: check }], ['scenario.read-your-write'], 'success');
      }),
    });
    out.push({
      name: 'recreate', weight: 0.02, min: 2, feeds: ['metamorphic.recreate-forgets', ...ALL_PASSIVE], exclusive: true,
      about: 'a layer uploaded to the second repository and this one, another sent to an upload left open, this one deleted (and checked: it must be gone; the second must keep the layer) and created again under the same name, the layers checked, the open upload completed, the layers checked again',
      // The deletion takes the repository's contents with it, its uploads in progress too: a store that
      // keeps uploads in a table of their own, keyed by repository name, lets one started before the
      // deletion complete into the repository created again.
      arbitrary: around.map((others) => {
        const check = { repositoryName: repo, layerDigests: [FRESH_LAYER, FRESH_STALE, ...others] };
        const elsewhere: Step[] = k.secondary ? [{ label: 'elsewhere', action: { kind: 'upload', repositoryName: k.secondary } }] : [];
        const kept: Step[] = k.secondary ? [{ label: 'kept-elsewhere', body: { repositoryName: k.secondary, layerDigests: [FRESH_LAYER, ...others] } }] : [];
        return single([
          ...elsewhere, { label: 'upload', action: { kind: 'upload', repositoryName: repo } }, { label: 'stored', body: check },
          { label: 'start', action: { kind: 'upload-started', repositoryName: repo } },
          { label: 'delete', action: { kind: 'delete-repository', repositoryName: repo } }, { label: 'gone', action: { kind: 'check-deleted', repositoryName: repo } },
          ...kept,
          { label: 'create', action: { kind: 'create-repository', repositoryName: repo } },
          { label: 'recreated', body: check },
          { label: 'finish', action: { kind: 'complete-started', repositoryName: repo } },
          { label: 'finished', body: check },
        ], ['scenario.recreate'], 'success');
      }),
    });
    out.push({
      name: 'unfinished-upload', weight: 0.02, min: 2, feeds: ['metamorphic.unfinished-upload', ...ALL_PASSIVE], exclusive: true,
      about: 'a fresh layer sent in parts and never completed, another completed under the digest of content never sent, an image put whose manifest names a layer never sent, a layer sent to the second repository and completed through this one, and one sent through this one to an upload of the second and completed there; their digests checked in both',
      arbitrary: fc.tuple(around, fc.constantFrom(...permutations(k.secondary ? [0, 1, 2, 3, 4] : [0, 1, 2]))).map(([others, order]) => {
        const actions: Step[] = [
          { label: 'abandon', action: { kind: 'upload-unfinished', repositoryName: repo } },
          { label: 'mismatch', action: { kind: 'upload-mismatched', repositoryName: repo } },
          { label: 'name', action: { kind: 'put-image-unuploaded', repositoryName: repo } },
          ...(k.secondary ? [{ label: 'cross', action: { kind: 'upload-crossed' as const, repositoryName: repo, from: k.secondary } },
            { label: 'cross-parts', action: { kind: 'upload-parts-crossed' as const, repositoryName: repo, from: k.secondary } }] : []),
        ];
        const digests = [FRESH_LAYER, FRESH_SENT, FRESH_CLAIMED, FRESH_NAMED, ...(k.secondary ? [FRESH_CROSSED, FRESH_PARTS_CROSSED] : []), ...others];
        return single([...order.map((i) => actions[i]!),
          { label: 'after', body: { repositoryName: repo, layerDigests: digests } },
          ...(k.secondary ? [{ label: 'after-elsewhere', body: { repositoryName: k.secondary, layerDigests: digests } }] : [])], ['scenario.unfinished-upload'], 'success');
      }),
    });
  }
  return out;
}

/** The scenarios that change the target between their checks (uploads, deletions), in the scratch repository. */
export const LIFECYCLE_SCENARIOS = ['read-your-write', 'unfinished-upload', 'recreate'] as const;

/** The properties that feed at least one of the selected rules. */
export function propertiesFor(props: Property[], ruleIds: string[]): Property[] {
  const matches = (glob: string, id: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(id);
  return props.filter((p) => p.feeds.some((f) => ruleIds.some((id) => matches(f, id))));
}
