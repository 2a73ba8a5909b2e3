// --workers: the plan split across worker threads and joined as merge joins shards. The same seed gives
// the same verdicts, counts, fingerprint, coverage and counterexamples whatever the number of threads,
// against a faithful registry and a broken one; the first worker sends the lifecycle scenarios, with the
// tags setup puts on what the run creates.
import { describe, expect, it } from 'vitest';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry } from '../src/registry/server.ts';
import { startRegistryThread } from '../src/registry/thread.ts';
import type { RunResult } from '../src/run/result.ts';
import { planCases, run, type Claims, type Progress } from '../src/run/runner.ts';
import type { CaseBody, Property } from '../src/generate/properties.ts';
import fc from 'fast-check';
import { canonicalJson } from '../src/spec/index.ts';
import { BatchCheckLayerAvailabilityCommand, DescribeRepositoriesCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { makeEcrClient } from '../src/target/client.ts';

/** Everything a verdict rests on; the timing-dependent first-detection counts left out (kind 'embedded': the repository names are the seed's, so both runs make the same ones). */
const essence = (r: RunResult) => canonicalJson({
  summary: { ...r.summary, notes: undefined }, rules: r.rules.map((x) => ({ ...x, checks: x.checks, ms: undefined, firstDetection: undefined, counterexample: x.counterexample && { caseId: x.counterexample.caseId, message: x.counterexample.message } })),
  fingerprint: r.fingerprint, coverage: r.coverage, requests: r.provenance.requests.used,
  findings: Object.fromEntries(Object.entries(r.tallies.findings).map(([k, v]) => [k, { ...v, firstDetection: undefined, firstDetectionRequests: undefined, ms: undefined }])),
}).replace(/ecr-conformance-[0-9a-f]{8}/g, 'ecr-conformance-RUN');

/** Equal, or the first place where they differ, shown small. */
function firstDifference(a: string, b: string) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  expect(a.slice(Math.max(0, i - 300), i + 200)).toBe(b.slice(Math.max(0, i - 300), i + 200));
}

async function twice(mutantId?: string) {
  const registry = await startRegistry(mutantId ? mutantOptions(MUTANTS.find((m) => m.id === mutantId)) : {});
  try {
    const go = (workers: number) => run({ kind: 'embedded', seed: 12, runs: 40, workers, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'raw' } });
    return { one: await go(1), three: await go(3) };
  } finally {
    await registry.close();
  }
}

describe('run with workers', () => {
  it('the same result from one thread and from three, against the reference', async () => {
    const { one, three } = await twice();
    expect(one.summary.verdict).toBe('CONFORMANT');
    firstDifference(essence(three), essence(one));
    expect(three.summary.cases).toBe(one.summary.cases);
    // Each thread's share, in the report: together the whole run's cases.
    expect(one.provenance.workers).toBeUndefined();
    const shares = three.provenance.workers!;
    expect(shares).toHaveLength(3);
    expect(shares.reduce((n, w) => n + w.cases, 0)).toBe(three.summary.cases);
    for (const w of shares) {
      expect(w.cases).toBeGreaterThan(0);
      expect(w.finishedMs).toBeGreaterThan(0);
      expect(w.finishedMs).toBeLessThanOrEqual(three.provenance.durationMs);
    }
    // Every exchange judged was a thread's request; setup's were the main thread's.
    const sent = shares.reduce((n, w) => n + w.requests, 0);
    expect(sent).toBeGreaterThanOrEqual(three.summary.exchanges);
    expect(sent).toBeLessThan(three.provenance.requests.used);
  }, 60_000);

  it('the same broken rules and counterexamples from a broken registry, and the lifecycle scenarios ran', async () => {
    const { one, three } = await twice('lowercase-echo');
    expect(one.summary.verdict).toBe('NOT_CONFORMANT');
    firstDifference(essence(three), essence(one));
    expect(three.coverage.inputClasses['scenario.read-your-write']).toBeGreaterThan(0);
  }, 60_000);
});

describe('sharing out the plan', () => {
  // Two properties, one exclusive (a lifecycle scenario), with bodies that name their own case.
  const prop = (name: string, weight: number, exclusive?: true): Property => ({
    name, about: name, weight, min: 1, feeds: [], ...(exclusive ? { exclusive } : {}),
    arbitrary: fc.integer().map((n) => ({ inputClasses: [name], expected: 'ok', steps: [], n }) as unknown as CaseBody),
  });
  const props = [prop('plain', 1), prop('lifecycle', 0.1, true)];
  const counter = (): Claims => { let next = 0; return { next: () => next++ }; };

  it('hands every case to exactly one explorer, the lifecycle ones to the first, each in plan order, as fast as each asks', () => {
    const claims = counter();
    const first = planCases(props, 5, 100, () => true, claims);
    const second = planCases(props, 5, 100, (_i, p) => p.exclusive !== true, claims);
    const whole = [...planCases(props, 5, 100)];
    const sent: { first: typeof whole; second: typeof whole } = { first: [], second: [] };
    // The first explorer asks four times as often as the second (its cases are cheaper).
    for (const done = [false, false]; !done[0] || !done[1];) {
      for (let i = 0; i < 4 && !done[0]; i++) { const n = first.next(); if (n.done) done[0] = true; else sent.first.push(n.value); }
      if (!done[1]) { const n = second.next(); if (n.done) done[1] = true; else sent.second.push(n.value); }
    }
    const got = { first: sent.first.map((c) => c.index), second: sent.second.map((c) => c.index) };
    expect([...got.first, ...got.second].sort((a, b) => a - b)).toEqual(whole.map((c) => c.index));
    // The same case at the same index as in the whole plan, whoever made it.
    for (const c of [...sent.first, ...sent.second]) expect(c).toEqual(whole[c.index]);
    const lifecycle = whole.filter((c) => c.exclusive).map((c) => c.index);
    expect(lifecycle.length).toBeGreaterThan(5);
    expect(got.first.filter((i) => lifecycle.includes(i))).toEqual(lifecycle);
    for (const mine of [got.first, got.second]) expect(mine).toEqual([...mine].sort((a, b) => a - b));
    // Shared out as asked, not split in halves: the first sent about four times as many.
    expect(got.first.length).toBeGreaterThan(3 * got.second.length);
  });
});

describe('first detection with workers', () => {
  it('counts the whole run\'s requests, setup included, not the detecting thread\'s alone', async () => {
    // Setup sends its manifest (PutImage) before any case goes out: a detection cannot have come sooner.
    let setupRequests = 0;
    let manifest = false;
    const m = MUTANTS.find((x) => x.id === 'lowercase-echo')!;
    const registry = await startRegistry({
      ...mutantOptions(m),
      hooks: { ...m.hooks, answer: (a, op) => { if (!manifest) setupRequests++; if (op === 'PutImage') manifest = true; return a; } },
    });
    try {
      const r = await run({ kind: 'embedded', seed: 12, runs: 40, workers: 3, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'raw' } });
      const detected = r.rules.filter((x) => x.firstDetection);
      expect(detected.map((x) => x.id)).toContain('partition.echo');
      expect(setupRequests).toBeGreaterThan(10);
      for (const x of detected) {
        expect(x.firstDetection!.requests, x.id).toBeGreaterThan(setupRequests);
        expect(x.firstDetection!.requests, x.id).toBeLessThanOrEqual(r.provenance.requests.used);
      }
    } finally {
      await registry.close();
    }
  }, 60_000);
});

describe('progress with workers', () => {
  it('counts the requests every thread sent, not only the main thread\'s', async () => {
    const registry = await startRegistryThread({ options: {} });
    const seen: Progress[] = [];
    try {
      await run({
        kind: 'embedded', seed: 3, runs: 150, workers: 2, onProgress: (p) => seen.push(p),
        target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'raw' },
      });
    } finally {
      await registry.close();
    }
    const exploring = seen.filter((p) => p.phase === 'explore');
    const last = exploring.at(-1)!;
    // Every case sends at least one request; the main thread alone sends only the lifecycle scenarios.
    expect(last.done).toBeGreaterThan(500);
    expect(Math.max(...exploring.map((p) => p.requests))).toBeGreaterThanOrEqual(Math.max(...exploring.map((p) => p.done)) - 100);
  }, 60_000);
});

describe('the embedded registry in its own thread', () => {
  it('answers as the in-thread one does, serves a mutant by id, and closes', async () => {
    const registry = await startRegistryThread({ mutant: 'accept-empty-list', options: {} });
    const client = makeEcrClient({ endpoint: registry.endpoint });
    try {
      const e = await client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'nope', layerDigests: [] })).catch((x: Error) => x);
      // The mutant accepts an empty list: the lookup is what fails.
      expect((e as Error).name).toBe('RepositoryNotFoundException');
    } finally {
      client.destroy();
      await registry.close();
    }
    await expect(fetch(registry.endpoint)).rejects.toThrow();
  });
});

describe('--workers on the command line', () => {
  it('refuses to split a rate limit or a request budget, in one line', async () => {
    const { cli } = await import('./fixtures/cli.ts');
    const r = await cli(['run', '--workers', '2', '--rps', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ecr-conformance: --workers 2 cannot share a rate limit or a request budget/);
  });
});

describe('the lifecycle scenarios on the first worker', () => {
  it('shrink on the main thread with fresh layers of its own: never one the worker uploaded, which a store would refuse or already hold', async () => {
    const registry = await startRegistry(mutantOptions(MUTANTS.find((m) => m.id === 'delete-keeps-layers')));
    try {
      const r = await run({
        kind: 'endpoint', seed: 3, runs: 10, workers: 2, rules: 'metamorphic.recreate-forgets',
        target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' },
      });
      const rule = r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!;
      expect(rule.verdict).toBe('FAIL');
      // With the worker's layer (the same bytes for the same case), the shrinking steps could not show the bug again.
      expect(rule.counterexample).toMatchObject({ shrunk: true });
      expect(rule.counterexample!.message).toMatch(/is still AVAILABLE/);
    } finally {
      await registry.close();
    }
  });

  it('create their repository again with the tags setup put on it, so that cleanup still knows it for the run\'s', async () => {
    // Once exploring is over, DeleteRepository fails: cleanup leaves the repositories, and their tags can be read.
    let refuseDeletes = false;
    const registry = await startRegistry({
      hooks: {
        takeOver: (req, res) => {
          if (!refuseDeletes || !String(req.headers['x-amz-target']).endsWith('.DeleteRepository')) return false;
          req.resume();
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ __type: 'ServerException', message: 'not now' }));
          return true;
        },
      },
    });
    const client = makeEcrClient({ endpoint: registry.endpoint });
    try {
      const r = await run({
        kind: 'endpoint', seed: 6, runs: 4, workers: 2, shrink: false, rules: 'metamorphic.recreate-forgets',
        target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' },
        beforeCleanup: () => { refuseDeletes = true; },
      });
      expect(r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!.verdict).toBe('PASS');
      const { repositories = [] } = await client.send(new DescribeRepositoriesCommand({}));
      const tagsOf = async (suffix: string) => {
        const repo = repositories.find((x) => x.repositoryName!.endsWith(suffix))!;
        return (await client.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn! }))).tags;
      };
      // The lifecycle repository was deleted and created again by the first worker: it has the run's tags, as the primary does.
      const primary = await tagsOf('/primary');
      expect(primary!.length).toBeGreaterThan(0);
      expect(await tagsOf('/isolated_primary')).toEqual(primary);
    } finally {
      client.destroy();
      await registry.close();
    }
  });
});
