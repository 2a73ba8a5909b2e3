// The properties a run explores: each an arbitrary of cases (one or more requests) over what the
// suite knows the target holds. Every case carries its input classes and its expected outcome.
import fc from 'fast-check';
import { operationSpec } from '../spec/index.ts';
import type { Case, ExpectedOutcome, Knowledge, Step } from '../model.ts';
import { type Labeled, tooLongDigest, validDigest } from './digests.ts';
import { badLengthName, badPatternName, badRegistryId, boundaryName, newModelOnlyName } from './names.ts';

export type CaseBody = Omit<Case, 'id' | 'property'>;

export interface Property {
  name: string;
  /** One line for reports: what the property explores. */
  about: string;
  arbitrary: fc.Arbitrary<CaseBody>;
}

const classesOf = (items: Labeled<unknown>[]) => [...new Set(items.map((i) => i.cls))];

function listClass(n: number, digests: string[]): string[] {
  const max = operationSpec().input.layerDigests.maxItems.value;
  const out = [n === 1 ? 'list.single' : n === max ? 'list.max' : 'list.mixed'];
  if (new Set(digests).size < digests.length) out.push('list.duplicates-exact');
  return out;
}

export function properties(k: Knowledge): Property[] {
  const input = operationSpec().input;
  const max = input.layerDigests.maxItems.value;
  const primary = k.primary;
  const present = primary ? Object.keys(k.repositories[primary]?.layers ?? {}) : [];
  const digest = validDigest({ present });
  const registryChoice: fc.Arbitrary<Labeled<string | undefined>> = k.accountId
    ? fc.oneof({ weight: 3, arbitrary: fc.constant({ cls: 'registry-id.omitted', value: undefined }) }, { weight: 1, arbitrary: fc.constant({ cls: 'registry-id.own', value: k.accountId }) })
    : fc.constant({ cls: 'registry-id.omitted', value: undefined });

  /**
   * A valid digest list: mostly short, sometimes exactly the maximum. Duplicates arise on their own
   * (present digests come from a small pool). No chain(): plain arrays shrink best.
   */
  const digestList = fc.oneof(
    { weight: 8, arbitrary: fc.array(digest, { minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.array(digest, { minLength: max, maxLength: max }) },
  );

  const body = (repositoryName: unknown, items: Labeled<string>[], registryId?: string, extra: Record<string, unknown> = {}) => ({
    ...(registryId !== undefined ? { registryId } : {}),
    repositoryName,
    layerDigests: items.map((i) => i.value),
    ...extra,
  });

  const single = (steps: Step[], classes: string[], expected: ExpectedOutcome): CaseBody => ({ steps, inputClasses: classes, expected });
  const out: Property[] = [];

  if (primary) {
    out.push({
      name: 'batch',
      about: 'valid lists of every digest class against the run\'s repository',
      arbitrary: fc.tuple(digestList, registryChoice).map(([items, reg]) => single(
        [{ label: 'only', body: body(primary, items, reg.value) }],
        [...classesOf(items), reg.cls, 'repository.existing', ...listClass(items.length, items.map((i) => i.value))],
        'success',
      )),
    });
  }

  const existing = primary ?? k.missingRepositories[0]!;
  const okList = fc.array(digest, { minLength: 1, maxLength: 5 });
  const invalid: fc.Arbitrary<CaseBody>[] = [
    fc.constant(single([{ label: 'only', body: { repositoryName: existing, layerDigests: [] } }], ['list.empty'], 'InvalidParameterException')),
    fc.array(digest, { minLength: max + 1, maxLength: max + 20 }).map((items) =>
      single([{ label: 'only', body: body(existing, items) }], ['list.too-many', ...classesOf(items)], 'InvalidParameterException')),
    fc.tuple(okList, tooLongDigest(input.layerDigests.items.maxLength.value), fc.nat()).map(([items, long, at]) => {
      const all = [...items];
      all.splice(at % (all.length + 1), 0, long);
      return single([{ label: 'only', body: body(existing, all) }], [long.cls, ...classesOf(items)], 'InvalidParameterException');
    }),
    fc.tuple(fc.oneof(badLengthName(), badPatternName()), okList).map(([name, items]) =>
      single([{ label: 'only', body: body(name.value, items) }], [name.cls, ...classesOf(items)], 'InvalidParameterException')),
    fc.tuple(badRegistryId(), okList).map(([reg, items]) =>
      single([{ label: 'only', body: body(existing, items, reg.value) }], [reg.cls, ...classesOf(items)], 'InvalidParameterException')),
    fc.tuple(fc.constantFrom('repositoryName', 'layerDigests'), okList).map(([missing, items]) => {
      const b: Record<string, unknown> = body(existing, items);
      delete b[missing];
      return single([{ label: 'only', body: b }], [`member.missing-${missing === 'repositoryName' ? 'repository-name' : 'layer-digests'}`], 'InvalidParameterException');
    }),
    fc.constant(single([{ label: 'only', rawBody: '' }], ['body.empty'], 'InvalidParameterException')),
    fc.tuple(fc.constantFrom<[string, unknown]>(['layerDigests', 'sha256:abc'], ['layerDigests', 7], ['layerDigests', [1, 2]], ['layerDigests', { a: 1 }], ['repositoryName', 42], ['repositoryName', ['a']], ['registryId', 123456789012]), okList)
      .map(([[member, value], items]) => single([{ label: 'only', body: { ...body(existing, items), [member]: value } }], ['member.wrong-type'], 'client-error')),
  ];
  out.push({ name: 'invalid-request', about: 'requests that break exactly one documented constraint', arbitrary: fc.oneof(...invalid) });

  out.push({
    name: 'missing-repository',
    about: 'valid requests for a repository that does not exist, whatever the digests',
    arbitrary: fc.tuple(fc.constantFrom(...k.missingRepositories), fc.array(digest, { minLength: 1, maxLength: 10 }), registryChoice).map(([name, items, reg]) =>
      single([{ label: 'only', body: body(name, items, reg.value) }], ['repository.missing', reg.cls, ...classesOf(items)], 'RepositoryNotFoundException')),
  });

  out.push({
    name: 'boundaries',
    about: 'requests at the documented limits, which must not be rejected',
    arbitrary: fc.oneof(
      fc.tuple(fc.oneof(boundaryName(), newModelOnlyName()), okList).map(([name, items]) =>
        single([{ label: 'only', body: body(name.value, items) }], [name.cls, ...classesOf(items)], 'RepositoryNotFoundException')),
      ...(primary ? [fc.array(digest, { minLength: max, maxLength: max }).map((items) =>
        single([{ label: 'only', body: body(primary, items) }], ['list.max', ...classesOf(items)], 'success'))] : []),
    ),
  });

  if (primary) {
    const batchOf = (min: number) => fc.array(digest, { minLength: min, maxLength: 20 });
    out.push({
      name: 'order',
      about: 'the same digests in another order',
      arbitrary: fc.tuple(batchOf(2), fc.array(fc.nat(), { minLength: 20, maxLength: 20 })).map(([items, keys]) => {
        const permuted = items.map((item, i) => ({ item, key: keys[i]! * 32 + i })).sort((a, b) => a.key - b.key).map((x) => x.item);
        if (permuted.every((x, i) => x === items[i])) permuted.reverse();
        return single([{ label: 'original', body: body(primary, items) }, { label: 'permuted', body: body(primary, permuted) }], ['scenario.order', ...classesOf(items)], 'success');
      }),
    });
    out.push({
      name: 'batch-independence',
      about: 'one digest alone and inside a batch',
      arbitrary: fc.tuple(batchOf(2), fc.nat()).map(([items, n]) =>
        single([{ label: 'batch', body: body(primary, items) }, { label: 'alone', body: body(primary, [items[n % items.length]!]) }], ['scenario.batch-independence', ...classesOf(items)], 'success')),
    });
    out.push({
      name: 'idempotence',
      about: 'the same request twice',
      arbitrary: batchOf(1).map((items) =>
        single([{ label: 'first', body: body(primary, items) }, { label: 'second', body: body(primary, items) }], ['scenario.idempotence', ...classesOf(items)], 'success')),
    });
    if (k.accountId) {
      const own = k.accountId;
      out.push({
        name: 'registry-id',
        about: 'with and without the caller\'s own registryId',
        arbitrary: batchOf(1).map((items) =>
          single([{ label: 'implicit', body: body(primary, items) }, { label: 'explicit', body: body(primary, items, own) }], ['scenario.registry-id', 'registry-id.own', ...classesOf(items)], 'success')),
      });
    }
    if (k.secondary && present.length > 0) {
      const secondary = k.secondary;
      out.push({
        name: 'isolation',
        about: 'layers of one repository checked in another',
        arbitrary: fc.subarray(present, { minLength: 1 }).map((digests) =>
          single([{ label: 'home', body: { repositoryName: primary, layerDigests: digests } }, { label: 'other', body: { repositoryName: secondary, layerDigests: digests } }], ['scenario.isolation', 'digest.present'], 'success')),
      });
    }
  }
  return out;
}
