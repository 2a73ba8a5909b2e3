// The --aws path without AWS: nock answers for the regional endpoint by forwarding to an embedded
// registry, so the default credential chain, the regional host, the rate limit and the budget are
// exercised for real. Nothing leaves the process.
import { request } from 'node:http';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { run } from '../src/run/runner.ts';

const REGIONAL = 'https://api.ecr.eu-west-1.amazonaws.com';
let registry: RunningRegistry;
const seen: { host: string; auth: string }[] = [];

function forward(path: string, headers: Record<string, string | string[] | undefined>, body: string): Promise<[number, string, Record<string, string>]> {
  const url = new URL(registry.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': String(headers['content-type']), 'x-amz-target': String(headers['x-amz-target']) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve([res.statusCode ?? 0, text, res.headers as Record<string, string>]));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  registry = await startRegistry();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(REGIONAL).persist().post('/').reply(function (path, body, callback) {
    seen.push({ host: String(this.req.headers['host']), auth: String(this.req.headers['authorization']) });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    forward(path, this.req.headers, text).then((r) => callback(null, r), (e: Error) => callback(e, [500, '']));
  });
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await registry.close();
});

describe('run --aws', () => {
  it('reaches the regional endpoint signed with the credential chain, within rate limit and budget', async () => {
    const started = Date.now();
    const r = await run({
      kind: 'aws', seed: 4, runs: 50,
      target: { aws: true, region: 'eu-west-1', timeoutMs: 5_000, rps: 100, maxRequests: 40, concurrency: 4, transport: 'sdk' },
    });
    expect(r.provenance.target).toMatchObject({ kind: 'aws', description: 'AWS ECR eu-west-1' });
    expect(r.provenance.budgetExhausted).toBe(true);
    // The budget holds for everything but cleanup, which is never refused: nothing is left behind.
    expect(r.leftovers).toEqual([]);
    expect(registry.store.list(registry.store.accountId)).toEqual([]);
    // Cleanup may pass the budget by one request per repository created.
    const created = r.provenance.requests.used - 40;
    expect(created).toBeLessThanOrEqual(5);
    expect(seen.length).toBeLessThanOrEqual(40 + created);
    // 40 requests at 100/s take at least 0.39 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(new Set(seen.map((s) => s.host))).toEqual(new Set(['api.ecr.eu-west-1.amazonaws.com']));
    // The vitest environment's credentials, through the default chain.
    for (const s of seen) expect(s.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAECRCONFORMANCETEST\/\d{8}\/eu-west-1\/ecr\/aws4_request/);
    // A budget that cut the run short of evidence: never CONFORMANT, and it says why.
    expect(r.summary.verdict).toBe('INCOMPLETE');
    expect(r.summary.causes.join('\n')).toMatch(/request budget \(--max-requests 40\)/);
  });
});

describe('the wall-time budget', () => {
  it('starts no new case once it has passed, and says so', async () => {
    const started = Date.now();
    const r = await run({ kind: 'endpoint', seed: 1, runs: 100_000, maxTimeMs: 300, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' } });
    expect(r.provenance.timeExhausted).toBe(true);
    expect(r.summary.cases).toBeLessThan(100_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.leftovers).toEqual([]);
  });
});

describe('read-only mode (--repository, --present)', () => {
  it('judges an existing repository with declared digests and changes nothing on the target', async () => {
    const { makeEcrClient } = await import('../src/target/client.ts');
    const { createRepository, uploadLayer } = await import('../src/target/seed.ts');
    const client = makeEcrClient({ endpoint: registry.endpoint });
    await createRepository(client, { repositoryName: 'team/existing' });
    const digest = (await uploadLayer(client, { repositoryName: 'team/existing' }, Buffer.from('a layer someone pushed'))).value;
    client.destroy();
    const r = await run({
      kind: 'endpoint', seed: 2, runs: 30, repository: 'team/existing', present: [{ digest, size: 22 }],
      target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk' },
    });
    const verdict = (id: string) => r.rules.find((x) => x.id === id)!;
    expect(verdict('classify.present').verdict).toBe('PASS');
    expect(verdict('metamorphic.repository-isolation')).toMatchObject({ verdict: 'SKIPPED' });
    expect(r.summary.counts.FAIL).toBe(0);
    expect(r.capabilities.notes.join()).toMatch(/read-only/);
    const repos = registry.store.list(registry.store.accountId).map((x) => x.name);
    expect(repos).toEqual(['team/existing']);
    expect([...registry.store.find(registry.store.accountId, 'team/existing')!.layers.keys()]).toEqual([digest]);
  });
});
