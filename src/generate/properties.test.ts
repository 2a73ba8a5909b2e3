// Laws every generator obeys, checked with the judge's independent reading of the constraints.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseRequest, digestKind, greyClass, length, type Violation } from '../judge/contract.ts';
import { bucketsOf } from '../judge/coverage.ts';
import { readSent, view } from '../judge/view.ts';
import { FRESH_CLAIMED, FRESH_LAYER, FRESH_SENT, type Case, type Exchange, type Knowledge, type Step } from '../model.ts';
import { plan } from '../run/runner.ts';
import { digestClasses, hexFromSeed } from './digests.ts';
import { BAD_NAME_WAYS, BAD_REGISTRY_ID_WAYS } from './names.ts';
import { casesOf, LIFECYCLE_SCENARIOS, properties, propertiesFor } from './properties.ts';

const P = `sha256:${'a'.repeat(64)}`;
const Q = `sha256:${'b'.repeat(64)}`;
const MAX_NAME = 'e'.repeat(256);
const K: Knowledge = {
  accountId: '123456789012', otherAccountId: '000000000000', primary: 'repo', secondary: 'other', lifecycle: 'life',
  edges: ['ab', MAX_NAME, 'x.y_z-w/v'], missingRepositories: ['gone-a', 'gone/b', 'zz', 'g'.repeat(256)],
  repositories: {
    repo: { layers: { [P]: { size: 3, referenced: true }, [Q]: { size: 5, referenced: false } }, complete: true }, other: { layers: {}, complete: true },
    life: { layers: {}, complete: false }, ab: { layers: {}, complete: true }, [MAX_NAME]: { layers: {}, complete: true }, 'x.y_z-w/v': { layers: {}, complete: true },
  },
};

const resolve = (s: Step) => {
  const b = s.body as { layerDigests?: unknown[] } | undefined;
  return b && Array.isArray(b.layerDigests) ? { ...b, layerDigests: b.layerDigests.map((d) => ({ [FRESH_LAYER]: `sha256:${'f'.repeat(64)}`, [FRESH_SENT]: `sha256:${'5'.repeat(64)}`, [FRESH_CLAIMED]: `sha256:${'c'.repeat(64)}` })[d as string] ?? d) } : s.body;
};
const exchangeOf = (c: Case, s: Step): Exchange => ({
  caseId: c.id, label: s.label, durationMs: 0,
  request: { operation: 'BatchCheckLayerAvailability', headers: {}, body: s.rawBody ?? JSON.stringify(resolve(s)) },
  response: { status: 200, headers: {}, body: '{}' },
});
const requests = (c: Case) => c.steps.filter((s) => !s.action);
const violationsOf = (c: Case) => requests(c).map((s) => analyseRequest(readSent(exchangeOf(c, s))));

/** The wrong-type properties, one per mistyped member (listed here apart from the generator on purpose). */
const WRONG_TYPE_PROPERTIES = ['layer-digests-string', 'layer-digests-number', 'layer-digests-numbers', 'layer-digests-object', 'repository-name-number', 'repository-name-list', 'registry-id-number']
  .map((kind) => `wrong-type-${kind}`);

/** The one constraint each invalid property breaks. */
const BREAKS: Record<string, Violation> = {
  'empty-list': 'empty-list', 'too-many-by-one': 'too-many', 'too-many': 'too-many', 'digest-too-long-by-one': 'digest-too-long', 'digest-too-long': 'digest-too-long',
  'name-too-short-by-one': 'repository-name-length', 'name-too-short': 'repository-name-length', 'name-too-long-by-one': 'repository-name-length', 'name-too-long': 'repository-name-length',
  ...Object.fromEntries(BAD_REGISTRY_ID_WAYS.map((how) => [`bad-registry-id-${how}`, 'registry-id'])), 'empty-registry-id': 'registry-id',
  'missing-repository-name-member': 'missing-member', 'missing-layer-digests-member': 'missing-member', 'empty-body': 'missing-member',
  ...Object.fromEntries(BAD_NAME_WAYS.map((how) => [`bad-name-${how}`, 'repository-name-pattern'])),
  ...Object.fromEntries(WRONG_TYPE_PROPERTIES.map((name) => [name, 'wrong-type'])),
};

describe('generators', () => {
  const cases = plan(properties(K), 99, 150);

  it('the same seed gives the same cases; another seed other cases', () => {
    expect(plan(properties(K), 99, 150)).toEqual(cases);
    expect(plan(properties(K), 100, 150)).not.toEqual(cases);
  });

  it('makes max(min, ceil(runs × weight)) cases of each property, interleaved so that every property starts at once', () => {
    const props = properties(K);
    for (const p of props) expect(cases.filter((c) => c.property === p.name).length, p.name).toBe(casesOf(p, 150));
    expect(new Set(plan(props, 99, 150).slice(0, props.length).map((c) => c.property)).size).toBe(props.length);
  });

  it('valid properties yield only requests within every constraint', () => {
    for (const c of cases.filter((x) => !BREAKS[x.property] && x.property !== 'name-model')) {
      for (const a of violationsOf(c)) expect(a.violations, `${c.id} ${JSON.stringify(c.steps[0])}`.slice(0, 300)).toEqual([]);
    }
  });

  it('each invalid property breaks exactly the constraint it names', () => {
    for (const [property, violation] of Object.entries(BREAKS)) {
      const mine = cases.filter((x) => x.property === property);
      expect(mine.length, property).toBeGreaterThan(0);
      for (const c of mine) expect(violationsOf(c)[0]!.violations, `${c.id}`).toEqual([violation]);
    }
  });

  it('sends every coverage bucket the rules name, read by the judge from the request bytes, whatever --runs is', () => {
    const seen = new Set(plan(properties(K), 3, 1).flatMap((c) => requests(c).flatMap((s) => bucketsOf(view(exchangeOf(c, s)), K))));
    for (const b of ['list-length:0', 'list-length:1', 'list-length:2-20', 'list-length:21-99', 'list-length:100', 'list-length:101', 'list-length:102+',
      'registry-id:absent', 'registry-id:own', 'registry-id:other', 'registry-id:malformed', 'registry-id:empty',
      'repository:existing', 'repository:existing-min-length', 'repository:existing-max-length', 'repository:existing-every-separator',
      'repository:missing', 'repository:missing-min-length', 'repository:missing-max-length', 'repository:new-model-only', 'repository:too-short-by-one', 'repository:too-short', 'repository:too-long-by-one', 'repository:too-long', 'repository:invalid-pattern',
      'request:unknown-member', 'request:missing-member', 'request:wrong-type', 'digest:stored', 'digest:never-stored', 'digest:grey', 'digest:malformed', 'digest:empty', 'digest:max-length', 'digest:over-max-length-by-one', 'digest:over-max-length']) {
      expect(seen, b).toContain(b);
    }
  });

  it('probes each limit exactly one past it in every case of a by-one property, and further past it in the others', () => {
    // A fencepost error (<= where < was meant) lets through only the first value past a limit.
    const byOne: Record<string, [string, string]> = {
      'too-many': ['list-length:101', 'list-length:102+'],
      'digest-too-long': ['digest:over-max-length-by-one', 'digest:over-max-length'],
      'name-too-short': ['repository:too-short-by-one', 'repository:too-short'],
      'name-too-long': ['repository:too-long-by-one', 'repository:too-long'],
    };
    const all = plan(properties(K), 7, 60);
    for (const [property, [exact, further]] of Object.entries(byOne)) {
      for (const [name, want, not] of [[`${property}-by-one`, exact, further], [property, further, exact]] as const) {
        const mine = all.filter((c) => c.property === name);
        expect(mine.length, name).toBeGreaterThan(0);
        for (const c of mine) {
          const buckets = requests(c).flatMap((s) => bucketsOf(view(exchangeOf(c, s)), K));
          expect(buckets, c.id).toContain(want);
          expect(buckets, c.id).not.toContain(not);
        }
      }
    }
  });

  it('order and batch-independence move a stored digest out of first place in many of their cases (a random pick, in one in ten); batch-independence puts one beside its upper-case variant in many', () => {
    // A handler that looks up only the first digest answers both orders alike unless a stored digest moves.
    const stored = new Set(Object.keys(K.repositories['repo']!.layers));
    const digestsOf = (s: Step) => (s.body as { layerDigests: string[] }).layerDigests;
    const all = plan(properties(K), 7, 150);
    const order = all.filter((c) => c.property === 'order');
    const toFront = order.filter((c) => { const [a, b] = c.steps.map(digestsOf); return stored.has(b![0]!) && !stored.has(a![0]!); });
    const batch = all.filter((c) => c.property === 'batch-independence');
    const storedAlone = batch.filter((c) => { const [inBatch, alone] = c.steps.map(digestsOf); return stored.has(alone![0]!) && inBatch!.indexOf(alone![0]!) > 0; });
    // A server that matches or echoes digests case-insensitively answers a stored digest differently beside its upper-case variant.
    const besideVariant = batch.filter((c) => { const [inBatch, alone] = c.steps.map(digestsOf); const d = alone![0]!; return stored.has(d) && inBatch!.includes(d.slice(0, 7) + d.slice(7).toUpperCase()); });
    for (const [cases, moved] of [[order, toFront], [batch, storedAlone], [batch, besideVariant]] as const) {
      expect(moved.length / cases.length, `${moved.length} of ${cases.length}`).toBeGreaterThan(0.15);
      expect(moved.length).toBeLessThan(cases.length);
    }
  });

  it('spreads lists of 21 to 99 digests over the range, not at one length', () => {
    const lengths = new Set(cases.flatMap((c) => requests(c).map((s) => (resolve(s) as { layerDigests?: unknown[] } | undefined)?.layerDigests?.length ?? 0)).filter((n) => n > 20 && n < 100));
    expect(lengths.size).toBeGreaterThanOrEqual(15);
  });

  it('every case carries an expected outcome and its steps are labelled for the case rules', () => {
    const labels = new Map(cases.map((c) => [c.property, c.steps.map((s) => s.label).join(',')]));
    expect(Object.fromEntries(labels)).toMatchObject({
      order: 'original,permuted', 'batch-independence': expect.stringMatching(/^batch,alone(,alone-absent)?$/), idempotence: 'first,second', 'registry-id': 'implicit,explicit', isolation: 'home,other',
      'unknown-member': 'plain,extra-member', 'name-model': 'new-model-name,bad-name', 'read-your-write': 'elsewhere,before,upload,after', recreate: 'elsewhere,upload,stored,start,delete,gone,kept-elsewhere,create,recreated,finish,finished',
      'unfinished-upload': expect.stringMatching(/^((abandon|mismatch|name|cross|cross-parts),){5}after,after-elsewhere$/),
    });
    // The unfinished-upload scenario's five actions, each once, in some order; the crossed uploads start in the second repository.
    for (const c of cases.filter((x) => x.property === 'unfinished-upload')) {
      expect(c.steps.slice(0, 5).map((s) => s.label).sort()).toEqual(['abandon', 'cross', 'cross-parts', 'mismatch', 'name']);
      for (const label of ['cross', 'cross-parts']) expect(c.steps.find((s) => s.label === label)!.action!.from).toBe('other');
    }
    for (const c of cases) expect(['success', 'InvalidParameterException', 'RepositoryNotFoundException', 'client-error']).toContain(c.expected);
  });

  it('lifecycle scenarios act on the scratch repository (read-your-write and recreate upload to the second one first, unfinished-upload and recreate check it too), and name the fresh layer', () => {
    const scenarios = cases.filter((x) => (LIFECYCLE_SCENARIOS as readonly string[]).includes(x.property));
    expect(new Set(scenarios.map((c) => c.property))).toEqual(new Set(LIFECYCLE_SCENARIOS));
    for (const c of scenarios) {
      for (const s of c.steps) {
        if (s.action) expect(s.action.repositoryName).toBe(s.label === 'elsewhere' ? 'other' : 'life');
        else {
          expect((s.body as { repositoryName: string }).repositoryName).toBe(s.label.endsWith('elsewhere') ? 'other' : 'life');
          expect((s.body as { layerDigests: string[] }).layerDigests).toContain(FRESH_LAYER);
        }
      }
    }
    const firsts = scenarios.filter((c) => c.property === 'read-your-write' || c.property === 'recreate').map((c) => c.steps[0]!.label);
    expect(new Set(firsts)).toEqual(new Set(['elsewhere']));
  });

  it('without a repository or an account id, only what can be judged is generated', () => {
    const bare = properties({ otherAccountId: '000000000000', repositories: {}, missingRepositories: ['gone'] }).map((p) => p.name);
    expect(bare).toEqual(['largest-request', 'empty-list', 'too-many-by-one', 'too-many', 'digest-too-long-by-one', 'digest-too-long', 'name-too-short-by-one', 'name-too-short', 'name-too-long-by-one', 'name-too-long',
      ...BAD_NAME_WAYS.map((how) => `bad-name-${how}`), ...BAD_REGISTRY_ID_WAYS.map((how) => `bad-registry-id-${how}`), 'empty-registry-id', 'missing-repository-name-member', 'missing-layer-digests-member', 'empty-body',
      ...WRONG_TYPE_PROPERTIES, 'missing-repository', 'missing-repository-malformed', 'boundaries', 'name-model']);
  });

  it('--rules narrows generation to the properties that feed the selected rules', () => {
    expect(propertiesFor(properties(K), ['validate.too-many']).map((p) => p.name)).toEqual(['too-many-by-one', 'too-many']);
    expect(propertiesFor(properties(K), ['metamorphic.recreate-forgets', 'validate.empty-list']).map((p) => p.name)).toEqual(['empty-list', 'recreate']);
    expect(propertiesFor(properties(K), ['framing.content-type']).length).toBe(properties(K).length);
  });
});

describe('digest classes are what their names say', () => {
  const classes = digestClasses({ present: [P, Q], maxLength: 1000 });
  const sample = (cls: string) => fc.sample(classes[cls]!, { seed: 5, numRuns: 60 });
  const cases: [string, (d: string) => boolean][] = [
    ['digest.absent', (d) => digestKind(d) === 'canonical' && d !== P && d !== Q],
    ['digest.present', (d) => d === P || d === Q],
    ['digest.grey.uppercase-hex', (d) => greyClass(d) === 'sha256-uppercase-hex'],
    ['digest.grey.short-hex', (d) => greyClass(d) === 'sha256-short-hex'],
    ['digest.grey.long-hex', (d) => greyClass(d) === 'sha256-long-hex'],
    ['digest.grey.sha512', (d) => greyClass(d) === 'sha512'],
    ['digest.grey.sha512-noncanonical', (d) => ['sha512-short-hex', 'sha512-long-hex', 'sha512-uppercase-hex'].includes(greyClass(d))],
    ['digest.grey.library-algorithm', (d) => /^(sha384|blake3)(-short-hex|-long-hex)?$/.test(greyClass(d))],
    ['digest.grey.algorithm-uppercase', (d) => greyClass(d) === 'algorithm-uppercase'],
    ['digest.grey.other-algorithm', (d) => greyClass(d) === 'other-algorithm'],
    ['digest.length-max', (d) => length(d) === 1000 && digestKind(d) === 'grey'],
    ['digest.length-max-non-ascii', (d) => length(d) === 1000 && Buffer.byteLength(d) > 1000 && digestKind(d) === 'malformed'],
    ['digest.empty', (d) => d === ''],
    ['digest.malformed.line-break', (d) => digestKind(d) === 'malformed' && /\n/.test(d) && d.split(/\r?\n/).some((line) => digestKind(line) === 'canonical')],
    ['digest.near.truncated', (d) => digestKind(d) === 'grey' && (P.startsWith(d) || Q.startsWith(d))],
    ['digest.near.extended', (d) => digestKind(d) === 'grey' && (d.startsWith(P) || d.startsWith(Q))],
    ['digest.near.one-off', (d) => digestKind(d) === 'canonical' && d !== P && d !== Q && [P, Q].some((x) => [...x].filter((c, i) => c !== d[i]).length === 1)],
    ['digest.near.other-algorithm', (d) => digestKind(d) === 'grey' && [P, Q].some((x) => d.endsWith(x.slice(7)))],
    ['digest.present-case-variant', (d) => digestKind(d) === 'grey' && [P, Q].some((x) => d.toLowerCase() === x)],
  ];
  for (const [cls, law] of cases) it(cls, () => { for (const d of sample(cls)) expect(law(d), JSON.stringify(d)).toBe(true); });
  it('every malformed class is malformed', () => {
    for (const cls of Object.keys(classes).filter((c) => c.startsWith('digest.malformed.'))) for (const d of sample(cls)) expect(digestKind(d), `${cls} ${JSON.stringify(d)}`).toBe('malformed');
  });
});

describe('hex from a seed', () => {
  /** sfc32 as its author published it (PractRand's reference), written independently of digests.ts. */
  const reference = (n: number, a: number, b: number) => {
    let [x, y, z, w] = [a >>> 0, b >>> 0, 0x9e3779b9, 1];
    const next = () => {
      let t = (x + y) >>> 0;
      x = (y ^ (y >>> 9)) >>> 0;
      y = (z + (z << 3)) >>> 0;
      z = ((z << 21) | (z >>> 11)) >>> 0;
      w = (w + 1) >>> 0;
      t = (t + w) >>> 0;
      z = (z + t) >>> 0;
      return t;
    };
    for (let i = 0; i < 12; i++) next();
    let out = '';
    while (out.length < n) out += next().toString(16).padStart(8, '0');
    return out.slice(0, n);
  };
  it('is sfc32\'s stream in lowercase hex, exactly n characters long', () => {
    fc.assert(fc.property(fc.nat(1200), fc.integer(), fc.integer(), (n, a, b) => {
      const h = hexFromSeed(n, a, b);
      expect(h).toBe(reference(n, a, b));
      expect(h).toMatch(/^[0-9a-f]*$/);
      expect(h.length).toBe(n);
    }));
  });
  it('gives distinct digests for distinct seeds: an absent list has no accidental duplicates', () => {
    const absent = fc.sample(digestClasses({ present: [], maxLength: 1000 })['digest.absent']!, { seed: 9, numRuns: 5000 });
    expect(new Set(absent).size).toBe(absent.length);
    // Every hex digit turns up about equally often (5000 × 64 / 16 times each).
    const counts = new Map<string, number>();
    for (const d of absent) for (const c of d.slice(7)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(16);
    for (const n of counts.values()) expect(Math.abs(n - 20_000)).toBeLessThan(1_000);
  });
});

