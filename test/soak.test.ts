// Soak mode: after the first round, fresh rounds (each with its own seed) until the time is up. A bug
// that shows only after many calls — here, a registry that starts dropping failures after its 600th
// check, as a leak or a full cache would — escapes a normal run and is caught by a soak; reaching the
// duration never makes a run INCOMPLETE; any case found in a later round replays by its id alone.
import { describe, expect, it } from 'vitest';
import { startRegistry } from '../src/registry/server.ts';
import { run } from '../src/run/runner.ts';
import { caseSeed } from '../src/run/seeds.ts';
import { sha256Digest } from '../src/target/seed.ts';

const target = (endpoint: string) => ({ endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'raw' as const });

describe('run with durationMs (soak)', () => {
  it('keeps sending fresh rounds until the time is up, and says CONFORMANT, not INCOMPLETE', async () => {
    const registry = await startRegistry();
    try {
      const r = await run({ kind: 'endpoint', seed: 9, runs: 5, durationMs: 1_500, target: target(registry.endpoint) });
      expect(r.summary.verdict).toBe('CONFORMANT');
      const rounds = r.provenance.soak!.rounds;
      expect(rounds.length).toBeGreaterThanOrEqual(2);
      expect(rounds[0]!.seed).toBe(9);
      expect(new Set(rounds.map((x) => x.seed)).size).toBe(rounds.length);
      expect(r.summary.cases).toBe(rounds.reduce((n, x) => n + x.cases, 0));
      expect(r.summary.notes.join('\n')).toMatch(/soak \(--duration 2 s\): \d+ rounds of fresh cases, seeds 9, /);
      expect(r.leftovers).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it('with worker threads, the rounds stay whole: the first worker, which also sends the lifecycle scenarios, is not left behind', async () => {
    const registry = await startRegistry();
    try {
      // 6 s: threads starting from TypeScript (tsx) on a busy machine can take seconds before their first round.
      const r = await run({ kind: 'endpoint', seed: 9, runs: 5, durationMs: 6_000, workers: 2, shrink: false, target: target(registry.endpoint) });
      expect(r.summary.verdict).toBe('CONFORMANT');
      const rounds = r.provenance.soak!.rounds;
      const whole = rounds[0]!.cases;
      // Two rounds at least: the first whole, the last cut by the time.
      expect(rounds.length).toBeGreaterThanOrEqual(2);
      // Every round but the last (which the time cuts) is the whole plan, all threads' shares of it: no
      // round of one thread's share alone (a thread's share must not race ahead of the others').
      for (const x of rounds.slice(0, -1)) expect(x.cases).toBe(whole);
      expect(r.summary.cases).toBe(rounds.reduce((n, x) => n + x.cases, 0));
      // Three read-your-write scenarios a round (the property's minimum at --runs 5), not more.
      expect(r.coverage.inputClasses['scenario.read-your-write']).toBeLessThanOrEqual(rounds.length * 3);
    } finally {
      await registry.close();
    }
  });

  it('uploads a layer new to the registry in every round, and counts a later round\'s under that round, so a night of rounds keeps no counts of cases gone by', async () => {
    const registry = await startRegistry();
    try {
      const uploads: { caseId: string; label: string; digest: string; repositoryName: string }[] = [];
      const r = await run({
        kind: 'endpoint', seed: 9, runs: 5, durationMs: 1_500, shrink: false, target: target(registry.endpoint),
        onExchange: (x) => { if (x.action?.kind === 'upload' && x.action.ok) uploads.push({ caseId: x.caseId, label: x.label, digest: x.action.digest!, repositoryName: x.action.repositoryName }); },
      });
      const rounds = r.provenance.soak!.rounds;
      expect(rounds.length).toBeGreaterThanOrEqual(3);
      // New to each repository it goes to (read-your-write stores its layer in a second repository first,
      // and uploads two more with it: upload-2, upload-3, made from the case's fresh layer).
      expect(new Set(uploads.map((u) => `${u.repositoryName} ${u.digest}`)).size).toBe(uploads.length);
      expect(uploads.some((u) => u.label === 'upload-3')).toBe(true);
      const fresh = uploads.filter((u) => !/-\d+$/.test(u.label));
      expect(new Set(fresh.map((u) => u.digest)).size).toBe(new Set(fresh.map((u) => u.caseId)).size);
      const roundOf = (caseId: string) => {
        const [property, seed] = caseId.split('@');
        return rounds.findIndex((x) => Array.from({ length: 1000 }, (_, i) => caseSeed(x.seed, property!, i)).includes(Number(seed)));
      };
      const layer = (caseId: string, label: string) => sha256Digest(Buffer.from(`ecr-conformance fresh layer for ${caseId}${label}, execution 1\n`));
      const later = fresh.filter((u) => roundOf(u.caseId) > 0);
      expect(later.length).toBeGreaterThan(0);
      for (const u of fresh) expect(u.digest).toBe(layer(u.caseId, roundOf(u.caseId) === 0 ? '' : `, round ${roundOf(u.caseId)}`));
      expect(r.summary.verdict).toBe('CONFORMANT');
    } finally {
      await registry.close();
    }
  });

  it('says where an interrupted soak ended: not where its time did', async () => {
    const registry = await startRegistry();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_200);
    try {
      const r = await run({ kind: 'endpoint', seed: 9, runs: 5, durationMs: 60_000, shrink: false, signal: controller.signal, target: target(registry.endpoint) });
      expect(r.provenance.interrupted).toBe(true);
      expect(r.summary.notes.join('\n')).toMatch(/the last round ends where the run was interrupted/);
    } finally {
      await registry.close();
    }
  });

  it('finds a bug that only shows after many calls, which one round misses; the case replays alone', async () => {
    const leaky = await startRegistry({ hooks: { batchCheck: (o, c) => (c.callIndex >= 600 ? { ...o, failures: [] } : o) } });
    try {
      const once = await run({ kind: 'endpoint', seed: 9, runs: 5, target: target(leaky.endpoint) });
      expect(once.summary.verdict).toBe('CONFORMANT');
      const soak = await run({ kind: 'endpoint', seed: 9, runs: 5, durationMs: 3_000, shrink: false, target: target(leaky.endpoint) });
      expect(soak.summary.verdict).toBe('NOT_CONFORMANT');
      const broken = soak.rules.find((x) => x.id === 'partition.complete')!;
      expect(broken.verdict).toBe('FAIL');
      // Found in a later round: its case seed is none the first round (seed 9) draws for its property.
      const caseId = broken.counterexample!.caseId;
      const [property, seed] = caseId.split(/[@:]/);
      const firstRound = new Set(Array.from({ length: 1000 }, (_, i) => caseSeed(9, property!, i)));
      expect(firstRound.has(Number(seed))).toBe(false);
      const replayed = await run({ kind: 'endpoint', seed: 9, runs: 5, replay: caseId, rules: 'partition.complete', target: target(leaky.endpoint) });
      expect(replayed.rules.find((x) => x.id === 'partition.complete')!.verdict).toBe('FAIL');
    } finally {
      await leaky.close();
    }
  });
});
