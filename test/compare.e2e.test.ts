// Differential runs without an oracle: the embedded registry against mutants of itself (a bug, a
// legal alternative, a difference only in headers) and against a recording of itself; every way two
// targets differ is found, shrunk where it can be, and replays.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { compare, differenceOf, reduceAnswer, type Side } from '../src/run/compare.ts';
import type { Exchange } from '../src/model.ts';
import { cli } from './fixtures/cli.ts';

const registries: RunningRegistry[] = [];
const side = async (name: string, mutantId?: string): Promise<Side> => {
  const r = await startRegistry(mutantId ? mutantOptions(MUTANTS.find((m) => m.id === mutantId)) : {});
  registries.push(r);
  return { name, kind: 'endpoint', target: { endpoint: r.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' } };
};
afterAll(async () => { for (const r of registries) await r.close(); });

const answer = (status: number, body: unknown): Exchange => ({ caseId: 'c', label: 'only', request: { operation: 'BatchCheckLayerAvailability', headers: {}, body: '{}' }, response: { status, headers: { 'content-type': 'application/x-amz-json-1.1', ...(status >= 400 ? { 'x-amzn-errortype': String((body as { __type: string }).__type) } : {}) }, body: JSON.stringify(body) }, durationMs: 0 });

describe('reducing answers to their kind', () => {
  it('keeps what a client acts on and leaves order, sizes and messages aside', () => {
    const one = answer(200, { layers: [{ layerDigest: 'sha256:b', layerAvailability: 'AVAILABLE', layerSize: 1 }], failures: [{ layerDigest: 'x', failureCode: 'InvalidLayerDigest', failureReason: 'no' }] });
    const other = answer(200, { failures: [{ layerDigest: 'x', failureCode: 'InvalidLayerDigest', failureReason: 'other words' }], layers: [{ layerDigest: 'sha256:b', layerAvailability: 'AVAILABLE', layerSize: 99 }] });
    expect(reduceAnswer(one)).toBe(reduceAnswer(other));
    expect(reduceAnswer(one)).toBe('success: sha256:b AVAILABLE, x failure InvalidLayerDigest');
    expect(reduceAnswer(answer(400, { __type: 'com.amazonaws.ecr#InvalidParameterException', message: 'm' }))).toBe('HTTP 400 InvalidParameterException');
    const unavailable = answer(200, { layers: [{ layerDigest: 'sha256:b', layerAvailability: 'UNAVAILABLE' }], failures: [] });
    expect(differenceOf([one], [unavailable])).toEqual(['AVAILABLE → UNAVAILABLE', 'failure InvalidLayerDigest → left out']);
    expect(differenceOf([one], [one])).toEqual([]);
  });
});

describe('compare, live', () => {
  let reference: Side;
  beforeAll(async () => { reference = await side('reference'); });

  it('finds the bug, shrinks it to a minimal case, and the replay shows it again', async () => {
    const lax = await side('lax', 'accept-empty-list');
    const r = await compare({ a: reference, b: lax, seed: 3, runs: 10 });
    expect(r.verdict).toBe('DIFFERENT');
    expect(r.differences.map((d) => d.signature)).toEqual(['HTTP 400 InvalidParameterException → success: nothing']);
    const d = r.differences[0]!;
    expect(d.property).toBe('empty-list');
    expect(d.steps[0]!.request).toMatch(/"layerDigests":\[\]/);
    expect(r.compared).toBe(r.cases);
    expect(r.same).toBe(r.compared - d.count);
    expect(r.leftovers).toEqual([]);
    const again = await compare({ a: reference, b: lax, seed: 3, runs: 10, replay: d.caseId });
    expect(again.cases).toBe(1);
    expect(again.differences.map((x) => x.signature)).toEqual([d.signature]);
  });

  it('a legal alternative differs only where the documentation is silent; headers alone differ in nothing', async () => {
    const missing = await side('missing', 'absent-as-missing-failure');
    const r = await compare({ a: reference, b: missing, seed: 4, runs: 10 });
    expect(r.differences.map((d) => d.signature)).toEqual(['UNAVAILABLE → failure MissingLayerDigest']);
    // Shrunk to one digest: the smallest case that shows it.
    expect(JSON.parse(r.differences[0]!.steps.find((s) => s.differs)!.request).layerDigests).toHaveLength(1);
    const quiet = await side('quiet', 'no-request-id');
    const same = await compare({ a: reference, b: quiet, seed: 4, runs: 10 });
    expect(same).toMatchObject({ verdict: 'SAME', differences: [] });
    expect(same.compared).toBeGreaterThan(100);
  });

  it('a target that cannot be reached is an error, never SAME, and the other side is left clean', async () => {
    const registry = registries[0]!;
    await expect(compare({ a: reference, b: { name: 'nowhere', kind: 'endpoint', target: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' } }, seed: 1, runs: 5 })).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(registry.store.list(registry.store.accountId)).toEqual([]);
  });
});

describe('ecr-conformance compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-conformance-compare-'));

  it('against a mutant: exit 1, every format written, the replay command works', async () => {
    const r = await cli(['compare', '--against-mutant', 'grey-invalid', '--seed', '3', '--runs', '10', '--report-dir', join(dir, 'a')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^DIFFERENT: embedded reference registry vs embedded reference registry, mutant grey-invalid: \d+ of \d+ cases compared/);
    expect(r.stdout).toMatch(/1\. UNAVAILABLE → failure InvalidLayerDigest/);
    const replay = /replay: npx ecr-conformance (compare .*)$/m.exec(r.stdout)![1]!.split(' ');
    const again = await cli([...replay, '--report-dir', join(dir, 'b')]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/1 of 1 cases compared, 0 alike, 1 way they differ/);
    const stale = await cli([...replay.join(' ').replace(/--generator \d+/, '--generator 1').split(' '), '--report-dir', join(dir, 'c')]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/case generator 1/);
    const json = JSON.parse(readFileSync(join(dir, 'a', 'compare.json'), 'utf8')) as { schema: string; differences: unknown[] };
    expect(json.schema).toBe('ecr-conformance/compare@1');
    expect(readFileSync(join(dir, 'a', 'compare.md'), 'utf8')).toMatch(/## 1\. UNAVAILABLE → failure InvalidLayerDigest/);
    expect(readFileSync(join(dir, 'a', 'compare.junit.xml'), 'utf8')).toMatch(/<failure message="\d+ case\(s\) differ; replay: /);
    expect(readFileSync(join(dir, 'a', 'compare.html'), 'utf8')).toContain("default-src 'none'");
  });

  it('against a recording: the recorded target itself is SAME (exit 0), a mutant of it DIFFERENT (exit 1)', async () => {
    const rec = await cli(['record', '--out', join(dir, 'rec'), '--name', 'reference', '--runs', '10', '--seed', '8']);
    expect(rec.code, rec.stderr).toBe(0);
    const cassette = join(dir, 'rec', 'reference.cassette.json');
    const same = await cli(['compare', '--recording', cassette, '--report-dir', join(dir, 'c')]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^SAME: embedded reference registry vs recording reference: (\d+) of \1 cases compared, \1 alike/);
    const other = await cli(['compare', '--mutant', 'lowercase-availability', '--recording', cassette, '--report-dir', join(dir, 'd')]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/available → AVAILABLE/);
    expect(other.stdout).toMatch(/note: against a recording, cases are not shrunk/);
  });

  it('usage: one second target, no --seed with a recording, a recording without its seed; an unreachable one is exit 3', async () => {
    expect((await cli(['compare'])).stderr).toMatch(/compare needs one second target/);
    expect((await cli(['compare', '--recording', 'contracts/cassettes/documented.cassette.json', '--seed', '1'])).code).toBe(2);
    const old = await cli(['compare', '--recording', 'contracts/cassettes/documented.cassette.json', '--report-dir', join(dir, 'e')]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/names no seed and run id .* record it again/);
    const nowhere = await cli(['compare', '--against', 'http://127.0.0.1:9', '--runs', '2', '--timeout', '2000', '--report-dir', join(dir, 'f')]);
    expect(nowhere.code).toBe(3);
  });
});
