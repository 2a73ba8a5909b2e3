// The suite proves itself, end to end, by walking one table (src/registry/mutants.ts):
// - the faithful reference registry is CONFORMANT, every rule PASS;
// - every rule-killer breaks exactly the rules it lists: every rule can fail;
// - every bug-shaped mutant (a bug in a store, a handler, a serializer, a connection) gets the
//   verdict it must, caught by the rules it names: real bugs are caught;
// - every legal alternative is CONFORMANT: legal servers pass;
// - targets that do not implement the operation, or attack the suite, end as they must.
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue } from '../src/judge/catalogue.ts';
import { MUTANTS, mutantOptions, type Mutant } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { run, type RunOptions } from '../src/run/runner.ts';
import type { RunResult } from '../src/run/result.ts';
import { legalAlternativesSpec } from '../src/spec/index.ts';

const SEED = 1;
const RUNS = 30;
const ALL = catalogue().map((e) => e.id);
const POINTS = new Set(catalogue().filter((e) => e.breaks === 'DIVERGENT').map((e) => e.id));

const registries: RunningRegistry[] = [];
afterAll(async () => Promise.all(registries.map((r) => r.close())));

async function runAgainst(m: Mutant | undefined, extra: Partial<RunOptions> = {}, timeoutMs = 2_000): Promise<RunResult> {
  const registry = await startRegistry(mutantOptions(m));
  registries.push(registry);
  return run({
    kind: 'embedded', seed: SEED, runs: RUNS, shrinkTimeMs: 1_000,
    target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs, rps: 0, maxRequests: 0, concurrency: 8, transport: 'sdk', description: m ? `mutant ${m.id}` : 'reference' },
    ...extra,
  });
}

const with_ = (r: RunResult, verdicts: string[]) => r.rules.filter((x) => verdicts.includes(x.verdict)).map((x) => x.id).sort();
const brokenRules = (r: RunResult) => with_(r, ['FAIL', 'DIVERGENT']);
const of = (kind: Mutant['kind']) => MUTANTS.filter((m) => m.kind === kind);

describe('the faithful reference registry', () => {
  it('is CONFORMANT: every rule PASSes on its evidence, nothing skipped, every coverage bucket answered', async () => {
    const r = await runAgainst(undefined);
    expect(r.summary.verdict).toBe('CONFORMANT');
    expect(r.rules.filter((x) => x.verdict !== 'PASS').map((x) => `${x.id}: ${x.verdict} ${x.message}`)).toEqual([]);
    for (const x of r.rules) expect(x.checks.had, x.id).toBeGreaterThanOrEqual(x.checks.needs);
    for (const x of r.rules) for (const f of x.facets ?? []) expect(f.held, `${x.id}: ${f.id}`).toBeGreaterThan(0);
    expect(r.coverage.unseen).toEqual([]);
    expect(r.summary.causes).toEqual([]);
  });
});

describe('the table', () => {
  it('has every kind it promises: at least 15 bug-shaped mutants and 8 legal alternatives, each legal one sourced in spec/', () => {
    expect(of('bug').length).toBeGreaterThanOrEqual(15);
    expect(of('legal').length).toBeGreaterThanOrEqual(8);
    expect(of('legal').map((m) => m.id).sort()).toEqual(legalAlternativesSpec().alternatives.map((a) => a.id).sort());
    for (const m of [...of('rule'), ...of('bug'), ...of('legal')]) expect(m.expect, m.id).toBeDefined();
  });

  it('breaks every rule of the catalogue with some mutant: no rule that cannot fail', () => {
    const broken = new Set(MUTANTS.flatMap((m) => m.expect?.broken ?? []));
    expect(ALL.filter((id) => !broken.has(id))).toEqual([]);
  });
});

describe('rule-killers break exactly the rules they list', () => {
  for (const m of of('rule')) {
    it(m.id, async () => {
      const r = await runAgainst(m);
      expect(brokenRules(r)).toEqual([...m.expect!.broken!].sort());
      expect(r.summary.verdict).toBe(m.expect!.verdict);
      // A run-scope rule (fingerprint.consistent) is broken by two cases together: it names them in examples.
      const runScope = new Set(catalogue().filter((e) => e.scope === 'run').map((e) => e.id));
      for (const rule of r.rules.filter((x) => (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT') && !runScope.has(x.id))) {
        expect(rule.counterexample?.replay, rule.id).toMatch(/--replay \S+@\d+/);
        expect(rule.counterexample?.exchanges.length, rule.id).toBeGreaterThan(0);
        // The message shown is about the very case the replay command sends.
        expect(rule.message, rule.id).toBe(rule.counterexample?.message);
      }
      for (const rule of r.rules.filter((x) => runScope.has(x.id) && x.verdict === 'FAIL')) expect(rule.examples?.length, rule.id).toBeGreaterThan(0);
    });
  }
});

/** The run gets the verdict the mutant must get, from the rules it names. */
function expectCaught(m: Mutant, r: RunResult, how = '') {
  expect(r.summary.verdict, `${m.id}${how} got ${r.summary.verdict}: ${r.summary.causes.join(' / ')}`).toBe(m.expect!.verdict);
  for (const id of m.expect!.broken ?? []) expect(brokenRules(r), `${id} must catch ${m.id}${how}`).toContain(id);
  for (const id of m.expect!.skipped ?? []) expect(with_(r, ['SKIPPED', 'ERROR']), `${id} must lack evidence against ${m.id}${how}`).toContain(id);
  if (r.summary.verdict === 'INCOMPLETE') expect(r.summary.causes.length).toBeGreaterThan(0);
}

describe('bug-shaped mutants are caught with the verdict they must get', () => {
  for (const m of of('bug')) {
    it(`${m.id}: ${m.description}`, async () => {
      expectCaught(m, await runAgainst(m));
    });
  }

  // A bug must not be caught by the luck of one seed: a constraint broken in a way drawn at random let
  // a fencepost error or a string iterated as a list through one small run in two.
  it('every one is caught by the smallest runs under other seeds too (--runs 10, seeds 2 to 4)', async () => {
    for (const m of of('bug')) for (const seed of [2, 3, 4]) expectCaught(m, await runAgainst(m, { seed, runs: 10, shrink: false }), ` (seed ${seed}, --runs 10)`);
  }, 300_000);

  it('stub uploads are a setup finding: classify.present is not blamed for them, and the report does not claim storeLayers', async () => {
    const r = await runAgainst(MUTANTS.find((m) => m.id === 'upload-stubs'));
    expect(r.capabilities.storeLayers).toBe(false);
    expect(r.capabilities.setupFindings[0]).toMatch(/accepted a \d+-byte upload but reported byte 0 as the last received/);
    const present = r.rules.find((x) => x.id === 'classify.present')!;
    expect(present.verdict).toBe('SKIPPED');
    expect(present.message).toMatch(/^setup could not verify stored-layers: .*may come from the setup, not from BatchCheckLayerAvailability/);
    expect(r.summary.causes.join('\n')).toMatch(/setup could not verify stored-layers/);
  });

  it('permission errors: only on invalid requests, the run says a fake may answer input errors so; on valid ones too, that the caller lacks a permission', async () => {
    const onInvalid = await runAgainst(MUTANTS.find((m) => m.id === 'input-errors-denied'));
    expect(onInvalid.summary.verdict).toBe('INCOMPLETE');
    expect(onInvalid.summary.causes.join('\n')).toMatch(/every permission error answered a request that breaks a documented constraint, and no valid request got one: a fake may be answering input errors as permission errors/);
    const denyAll: Mutant = {
      id: 'deny-every-check', kind: 'hostile', description: 'answers every BatchCheckLayerAvailability with AccessDeniedException',
      hooks: { answer: (a, op) => (op === 'BatchCheckLayerAvailability' ? { ...a, status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized' }) } : a) },
    };
    const everywhere = await runAgainst(denyAll);
    expect(everywhere.summary.verdict).not.toBe('CONFORMANT');
    const causes = everywhere.summary.causes.join('\n');
    expect(causes).toMatch(/the credentials lack a permission the run needs \(ecr-conformance policy prints the policy a run needs\)/);
    expect(causes).not.toMatch(/a fake may be answering input errors/);
  });

  it('successes that are not JSON are findings, not faults: wire.json fails, the rules that could not read them say why', async () => {
    const r = await runAgainst(MUTANTS.find((m) => m.id === 'trailing-commas'));
    expect(r.summary.faults).toBe(0);
    expect(r.summary.causes.join('\n')).not.toMatch(/could not be judged/);
    expect(r.rules.find((x) => x.id === 'wire.json')!.message).toMatch(/^HTTP 200 with a body that is not JSON \(JSON\.parse: .*\): /);
    const present = r.rules.find((x) => x.id === 'classify.present')!;
    expect(present.verdict).toBe('SKIPPED');
    expect(present.message).toMatch(/\d+ success answer\(s\) were not JSON \(wire\.json\), so no other rule could read them/);
  });

  it('a target that answers every valid request with an error is never CONFORMANT, even after retries', async () => {
    const r = await runAgainst(MUTANTS.find((m) => m.id === 'server-error-on-valid'));
    expect(r.summary.verdict).toBe('NOT_CONFORMANT');
    const rule = r.rules.find((x) => x.id === 'validate.valid-succeeds')!;
    expect(rule.verdict).toBe('FAIL');
    expect(rule.message).toMatch(/got HTTP 500 ServerException/);
    expect(r.provenance.requests.transientErrors).toBeGreaterThan(0);
  });
});

/** The run is CONFORMANT, nothing broken but the fingerprint points the alternative names. */
function expectLegal(m: Mutant, r: RunResult, how = '') {
  expect(r.summary.verdict, `${m.id}${how}: ${r.rules.filter((x) => x.verdict !== 'PASS' && x.verdict !== 'DIVERGENT').map((x) => `${x.id} ${x.verdict}: ${x.message}`).join('\n')}`).toBe('CONFORMANT');
  expect(brokenRules(r), `${m.id}${how}`).toEqual([...m.expect!.broken!].sort());
  for (const id of brokenRules(r)) expect(POINTS.has(id), `${id} is a fingerprint point`).toBe(true);
}

describe('legal alternatives are CONFORMANT', () => {
  for (const m of of('legal')) {
    it(`${m.id}`, async () => {
      expectLegal(m, await runAgainst(m));
    });
  }

  it('under the smallest runs and other seeds too (--runs 10, seeds 2 to 4)', async () => {
    for (const m of of('legal')) for (const seed of [2, 3, 4]) expectLegal(m, await runAgainst(m, { seed, runs: 10, shrink: false }), ` (seed ${seed}, --runs 10)`);
  }, 300_000);

  it('a transient 503 that recovers on a retry is noted, never judged', async () => {
    const r = await runAgainst(MUTANTS.find((m) => m.id === 'transient-503'));
    expect(r.provenance.requests.recovered).toBeGreaterThan(0);
    expect(r.summary.notes.join('\n')).toMatch(/recovered on a retry/);
  });

  // A server shedding load, or a gateway in front of it, answers a random third of all calls (setup's
  // included) 503, an HTML 502 or an empty 504, retries or not. Before, each that outlasted its retries
  // was judged as the answer to its request: NOT_CONFORMANT, with FAILs such as "a list of 101 digests
  // got HTTP 503 ServiceUnavailable, expected 400 InvalidParameterException".
  it('a flaky gateway or a server shedding load is never failed for it: what outlasted the retries is unjudged, and the run says so', async () => {
    for (const seed of [1, 2]) {
      let state = seed;
      const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const flaky: Mutant = {
        id: 'flaky-gateway', kind: 'hostile', description: 'a third of all calls answered 503, an HTML 502 or an empty 504, however often retried',
        hooks: {
          takeOver: (req, res) => {
            if (next() >= 1 / 3) return false;
            req.resume();
            const [status, type, body] = ([[503, 'application/x-amz-json-1.1', '{"__type":"ServiceUnavailable","message":"busy"}'], [502, 'text/html', '<html><body>502 Bad Gateway</body></html>'], [504, 'text/plain', '']] as const)[Math.floor(next() * 3)]!;
            res.writeHead(status, { 'content-type': type }).end(body);
            return true;
          },
        },
      };
      const r = await runAgainst(flaky, { seed, shrink: false }, 5_000);
      expect(r.rules.filter((x) => x.verdict === 'FAIL' || x.verdict === 'ERROR').map((x) => `${x.id}: ${x.message}`), `seed ${seed}`).toEqual([]);
      expect(r.summary.verdict, `seed ${seed}`).toBe('INCOMPLETE');
      expect(r.summary.causes.join('\n')).toMatch(/exchanges could not be judged \(unavailable ×\d+/);
    }
  }, 120_000);
});

describe('runs cut short are never CONFORMANT when they lack evidence', () => {
  it('a budget-limited run is INCOMPLETE and names the budget', async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const cut = await run({ kind: 'embedded', seed: SEED, runs: RUNS, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 120, concurrency: 4, transport: 'sdk' } });
    expect(cut.summary.verdict).toBe('INCOMPLETE');
    expect(cut.provenance.budgetExhausted).toBe(true);
    expect(cut.summary.causes.join('\n')).toMatch(/request budget \(--max-requests 120\) stopped exploration after \d+ of \d+ planned cases/);
    expect(cut.summary.causes.join('\n')).toMatch(/selected rules lack their evidence/);
    // Cleanup is never refused by the budget.
    expect(registry.store.list(registry.store.accountId)).toEqual([]);
  });

  it('an interrupted run is INCOMPLETE, whatever it saw', async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const controller = new AbortController();
    const r = await run({
      kind: 'embedded', seed: SEED, runs: 2_000, signal: controller.signal,
      target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk' },
      onProgress: (p) => { if (p.phase === 'explore' && p.done >= 1500) controller.abort(); },
    });
    expect(r.provenance.interrupted).toBe(true);
    expect(r.summary.verdict).toBe('INCOMPLETE');
    expect(r.summary.causes[0]).toMatch(/^interrupted: \d+ of \d+ planned cases ran/);
  });

  it('a time budget that ends a run after every rule had its evidence does not make it INCOMPLETE', async () => {
    const registry = await startRegistry();
    registries.push(registry);
    let now = 0;
    const r = await run({
      kind: 'embedded', seed: SEED, runs: 200, maxTimeMs: 1_000, clock: () => now,
      target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk' },
      onProgress: (p) => { if (p.phase === 'explore' && p.done >= 1200) now = 5_000; },
    });
    expect(r.provenance.timeExhausted).toBe(true);
    expect(r.summary.verdict).toBe('CONFORMANT');
    expect(r.summary.notes.join('\n')).toMatch(/time budget .* every rule had its evidence/);
  });
});

describe('targets that do not implement the operation', () => {
  for (const m of of('not-implemented')) {
    it(`${m.id} gets NOT_IMPLEMENTED for every rule`, async () => {
      const r = await runAgainst(m);
      expect(r.summary.verdict).toBe('NOT_IMPLEMENTED');
      expect(new Set(r.rules.map((x) => x.verdict))).toEqual(new Set(['NOT_IMPLEMENTED']));
      expect(r.rules[0]!.message).toMatch(/HTTP 50[01]/);
    });
  }
});

describe('hostile targets end within their deadline with ERROR findings', () => {
  for (const m of of('hostile')) {
    it(m.id, async () => {
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const r = await runAgainst(m, {}, 1_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.summary.verdict).toBe('UNTESTABLE');
      expect(new Set(r.rules.map((x) => x.verdict))).toEqual(new Set(['ERROR']));
      expect(r.faults[0]!.summary).toMatch(m.id === 'stall' ? /timeout|deadline/ : m.id === 'huge-body' ? /too-large|exceeded/ : /fault|not JSON/);
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    });
  }
});

describe('reproducible', () => {
  it('the same seed gives the same cases, verdicts, counterexamples and fingerprint, whatever the concurrency', async () => {
    const m = MUTANTS.find((x) => x.id === 'first-only')!;
    const once = async (concurrency: number) => {
      const registry = await startRegistry(mutantOptions(m));
      registries.push(registry);
      const r = await run({ kind: 'embedded', seed: 77, runs: 25, shrinkTimeMs: 5_000, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency, transport: 'sdk', description: 'm' } });
      return { rules: r.rules.map((x) => [x.id, x.verdict, x.message, x.counterexample?.caseId, x.examples]), fingerprint: r.fingerprint, coverage: r.coverage, summary: r.summary };
    };
    const [a, b] = [await once(8), await once(2)];
    expect(b).toEqual(a);
    expect(a.summary.verdict).toBe('NOT_CONFORMANT');
  });
});
