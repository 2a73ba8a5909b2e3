// The suite proves itself: the faithful reference registry passes every rule, each mutant breaks
// exactly the rules listed here, and every rule in the catalogue is broken by at least one mutant.
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue } from '../src/judge/catalogue.ts';
import { MUTANTS, type Mutant } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { run } from '../src/run/runner.ts';
import type { RunResult } from '../src/run/result.ts';

const SEED = 1;
const RUNS = 40;
const ALL = catalogue().map((e) => e.id);

/** The rules each mutant breaks (FAIL, or DIVERGENT for fingerprint points), with this seed. */
const EXPECTED: Record<string, string[]> = {
  'content-type-json': ['framing.content-type'],
  'no-request-id': ['framing.request-id'],
  'error-type-in-header-only': ['framing.error-type'],
  'not-found-404': ['framing.error-status', 'validate.repository-not-found'],
  'extra-top-level-members': ['shape.top-level'],
  'layer-size-as-string': ['shape.layer', 'classify.present'],
  'failure-extra-member': ['shape.failure'],
  'lowercase-availability': ['shape.enums', 'classify.present', 'classify.absent'],
  'malformed-in-layers': ['shape.layer-digest-pattern', 'classify.malformed'],
  'drop-absent': ['partition.complete'],
  'absent-in-both': ['partition.exclusive'],
  'extra-digest': ['partition.no-extra'],
  'lowercase-echo': ['partition.complete', 'partition.exclusive', 'partition.echo', 'classify.present', 'metamorphic.batch-independence'],
  'accept-empty-list': ['validate.empty-list'],
  'accept-101': ['validate.too-many'],
  'accept-long-digest': ['validate.digest-too-long'],
  'accept-any-name-length': ['validate.repository-name-length'],
  'no-repository-name-pattern': ['validate.repository-name-pattern'],
  'accept-any-registry-id': ['validate.registry-id'],
  'crash-on-bad-members': ['validate.missing-member', 'validate.wrong-type'],
  'missing-repository-as-failures': ['validate.repository-not-found'],
  'reject-100': ['validate.accepts-valid'],
  'wrong-layer-size': ['classify.present'],
  'absent-available': ['classify.absent', 'metamorphic.repository-isolation'],
  'empty-failure-reason': ['classify.failure-reason'],
  'first-only': ['classify.present', 'metamorphic.order', 'metamorphic.batch-independence'],
  'batch-size-sensitive': ['classify.present', 'metamorphic.batch-independence'],
  'mutating-check': ['classify.absent', 'metamorphic.order', 'metamorphic.batch-independence', 'metamorphic.idempotent', 'metamorphic.registry-id', 'metamorphic.repository-isolation'],
  'explicit-registry-id-not-found': ['metamorphic.registry-id'],
  'shared-layer-store': ['classify.absent', 'metamorphic.repository-isolation'],
  'inconsistent-absent': ['fingerprint.absent', 'fingerprint.consistent'],
  'absent-as-missing': ['fingerprint.absent'],
  'collapse-duplicates': ['fingerprint.duplicates'],
  'grey-invalid': ['fingerprint.grey'],
  'omit-empty-lists': ['fingerprint.empty-lists'],
  'empty-digest-invalid': ['fingerprint.empty-digest'],
  'old-repository-name-model': ['fingerprint.repository-name-model'],
};
const NOT_IMPLEMENTED = ['html-500', 'not-implemented-501'];
const HOSTILE = ['reset', 'stall', 'truncated-json', 'huge-body'];

const registries: RunningRegistry[] = [];
afterAll(async () => Promise.all(registries.map((r) => r.close())));

async function runAgainst(m: Mutant | undefined, timeoutMs = 5_000): Promise<RunResult> {
  const registry = await startRegistry({ ...(m?.hooks ? { hooks: m.hooks } : {}), ...(m?.behaviour ? { behaviour: m.behaviour } : {}) });
  registries.push(registry);
  return run({
    kind: 'embedded', seed: SEED, runs: RUNS, shrinkTimeMs: 2_000,
    target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs, rps: 0, maxRequests: 0, concurrency: 8, transport: 'sdk', description: m ? `mutant ${m.id}` : 'reference' },
  });
}

const brokenRules = (r: RunResult) => r.rules.filter((x) => x.verdict === 'FAIL' || x.verdict === 'DIVERGENT').map((x) => x.id).sort();

describe('the faithful reference registry', () => {
  it('passes every rule: no FAIL, no DIVERGENT, nothing skipped', async () => {
    const r = await runAgainst(undefined);
    expect(r.summary.verdict).toBe('CONFORMANT');
    expect(r.rules.filter((x) => x.verdict !== 'PASS').map((x) => `${x.id}: ${x.verdict} ${x.message}`)).toEqual([]);
    expect(r.summary.cases).toBeGreaterThanOrEqual(RUNS * 9);
  });
});

describe('every mutant is caught by exactly the rules it breaks', () => {
  it('covers every mutant and every rule', () => {
    expect(Object.keys(EXPECTED).concat(NOT_IMPLEMENTED, HOSTILE).sort()).toEqual(MUTANTS.map((m) => m.id).sort());
    const broken = new Set(Object.values(EXPECTED).flat());
    expect(ALL.filter((id) => !broken.has(id))).toEqual([]);
  });

  for (const m of MUTANTS.filter((x) => EXPECTED[x.id])) {
    it(m.id, async () => {
      const r = await runAgainst(m);
      expect(brokenRules(r)).toEqual([...EXPECTED[m.id]!].sort());
      // A run-scope rule (fingerprint.consistent) is broken by two cases together: it names them in examples.
      const runScope = new Set(catalogue().filter((e) => e.scope === 'run').map((e) => e.id));
      for (const rule of r.rules.filter((x) => (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT') && !runScope.has(x.id))) {
        expect(rule.counterexample?.replay, rule.id).toMatch(/--replay \S+@\d+/);
        expect(rule.counterexample?.exchanges.length, rule.id).toBeGreaterThan(0);
      }
      for (const rule of r.rules.filter((x) => runScope.has(x.id) && x.verdict === 'FAIL')) expect(rule.examples?.length, rule.id).toBeGreaterThan(0);
    });
  }
});

describe('targets that do not implement the operation', () => {
  for (const id of NOT_IMPLEMENTED) {
    it(`${id} gets NOT_IMPLEMENTED for every rule`, async () => {
      const r = await runAgainst(MUTANTS.find((m) => m.id === id));
      expect(r.summary.verdict).toBe('NOT_IMPLEMENTED');
      expect(new Set(r.rules.map((x) => x.verdict))).toEqual(new Set(['NOT_IMPLEMENTED']));
      expect(r.rules[0]!.message).toMatch(/HTTP 50[01]/);
    });
  }
});

describe('hostile targets end within their deadline with ERROR findings', () => {
  for (const id of HOSTILE) {
    it(id, async () => {
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const r = await runAgainst(MUTANTS.find((m) => m.id === id), 1_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.summary.verdict).toBe('UNTESTABLE');
      expect(new Set(r.rules.map((x) => x.verdict))).toEqual(new Set(['ERROR']));
      expect(r.faults[0]!.summary).toMatch(id === 'stall' ? /timeout|deadline/ : id === 'huge-body' ? /too-large|exceeded/ : /fault|not JSON/);
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    });
  }
});

describe('reproducible', () => {
  it('the same seed gives the same cases, verdicts, counterexamples and fingerprint, whatever the concurrency', async () => {
    const m = MUTANTS.find((x) => x.id === 'first-only')!;
    const once = async (concurrency: number) => {
      const registry = await startRegistry({ hooks: m.hooks! });
      registries.push(registry);
      const r = await run({ kind: 'embedded', seed: 77, runs: 25, shrinkTimeMs: 5_000, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency, transport: 'sdk', description: 'm' } });
      return { rules: r.rules.map((x) => [x.id, x.verdict, x.message, x.counterexample?.caseId, x.examples]), fingerprint: r.fingerprint, coverage: r.coverage, summary: r.summary };
    };
    const [a, b] = [await once(8), await once(2)];
    expect(b).toEqual(a);
    expect(a.summary.verdict).toBe('NOT_CONFORMANT');
  });
});
