// The --aws path without AWS: nock answers for the regional endpoint by forwarding to an embedded
// registry, so the default credential chain, the regional host, the rate limit and the budget are
// exercised for real. Nothing leaves the process.
import { request } from 'node:http';
import nock from 'nock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareTarget, resolveTarget, type TargetFlags } from '../src/cli/target-flags.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { run } from '../src/run/runner.ts';

const REGIONAL = 'https://api.ecr.eu-west-1.amazonaws.com';
let registry: RunningRegistry;
const seen: { host: string; auth: string }[] = [];

function forward(path: string, headers: Record<string, string | string[] | undefined>, body: string): Promise<[number, string, Record<string, string>]> {
  const url = new URL(registry.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': String(headers['content-type']), 'x-amz-target': String(headers['x-amz-target']) } }, (res) => {
      // Decoded once, whole: a character split across two chunks would not survive decoding each alone.
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve([res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), res.headers as Record<string, string>]));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Answers for an AWS host by forwarding to the embedded registry, noting the host and signature. */
function intercept(origin: string): void {
  nock(origin).persist().post('/').reply(function (path, body, callback) {
    seen.push({ host: String(this.req.headers['host']), auth: String(this.req.headers['authorization']) });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    forward(path, this.req.headers, text).then((r) => callback(null, r), (e: Error) => callback(e, [500, '']));
  });
}

beforeAll(async () => {
  registry = await startRegistry();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  intercept(REGIONAL);
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
    expect(r.provenance.target).toMatchObject({ kind: 'aws', description: 'AWS ECR eu-west-1 (https://api.ecr.eu-west-1.amazonaws.com)' });
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

describe('--aws endpoints as AWS resolves them', () => {
  const settings = ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
  afterEach(() => { vi.unstubAllEnvs(); });
  const clean = (env: Record<string, string>) => {
    for (const k of settings) vi.stubEnv(k, undefined as unknown as string);
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  };
  const resolve = async (flags: Partial<TargetFlags> = {}) => {
    const t = resolveTarget({ aws: true, timeout: 5_000, transport: 'sdk', rps: 100, maxRequests: 30, ...flags }, process.env);
    await prepareTarget(t);
    return t;
  };

  it('honours FIPS, dual-stack and both, in the region given', async () => {
    clean({ AWS_REGION: 'us-west-2', AWS_USE_FIPS_ENDPOINT: 'true' });
    expect((await resolve()).options).toMatchObject({ region: 'us-west-2', endpoint: 'https://api.ecr-fips.us-west-2.amazonaws.com' });
    clean({ AWS_REGION: 'us-west-2', AWS_USE_DUALSTACK_ENDPOINT: 'true' });
    expect((await resolve()).options.endpoint).toBe('https://ecr.us-west-2.api.aws');
    clean({ AWS_USE_DUALSTACK_ENDPOINT: 'true', AWS_USE_FIPS_ENDPOINT: 'true' });
    expect((await resolve({ region: 'us-east-2' })).options.endpoint).toBe('https://ecr-fips.us-east-2.api.aws');
  });

  it("takes the region and FIPS setting from the profile when neither flag nor environment names them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-conf-profile-'));
    writeFileSync(join(dir, 'config'), '[profile audit]\nregion = ap-south-1\nuse_fips_endpoint = true\n');
    writeFileSync(join(dir, 'credentials'), '[audit]\naws_access_key_id = AKIAPROFILEKEY\naws_secret_access_key = profile-secret\n');
    clean({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_PROFILE: 'audit' });
    // The profile's credentials, not the test environment's.
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined as unknown as string);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined as unknown as string);
    const t = await resolve();
    expect(t.options).toMatchObject({ region: 'ap-south-1', endpoint: 'https://api.ecr-fips.ap-south-1.amazonaws.com' });
    // A flag still wins over the profile.
    expect((await resolve({ region: 'eu-central-1' })).options.region).toBe('eu-central-1');
  });

  it('honours AWS_ENDPOINT_URL_ECR, and --endpoint with --aws is a usage error that points to it', async () => {
    clean({ AWS_ENDPOINT_URL_ECR: registry.endpoint });
    expect((await resolve()).options.endpoint).toBe(registry.endpoint);
    expect(() => resolveTarget({ aws: true, endpoint: registry.endpoint, timeout: 1, transport: 'sdk' }, process.env)).toThrow(/AWS_ENDPOINT_URL_ECR/);
  });

  it('an --endpoint target is reached as given even when the environment asks for FIPS or dual-stack', async () => {
    clean({ AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' });
    const r = await run({ kind: 'endpoint', seed: 5, runs: 5, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk' } });
    expect(r.capabilities.probeFault).toBeUndefined();
    expect(r.summary.exchanges).toBeGreaterThan(0);
  });

  it('sends the run to the resolved endpoint, and the provenance names it, never the credentials', async () => {
    intercept('https://api.ecr-fips.us-west-2.amazonaws.com');
    clean({ AWS_REGION: 'us-west-2', AWS_USE_FIPS_ENDPOINT: 'true' });
    const t = await resolve();
    seen.length = 0;
    const r = await run({ kind: 'aws', seed: 5, runs: 10, target: t.options });
    expect(new Set(seen.map((s) => s.host))).toEqual(new Set(['api.ecr-fips.us-west-2.amazonaws.com']));
    for (const s of seen) expect(s.auth).toMatch(/Credential=AKIAECRCONFORMANCETEST\/\d{8}\/us-west-2\/ecr\/aws4_request/);
    expect(r.provenance.target).toMatchObject({ kind: 'aws', description: 'AWS ECR us-west-2 (https://api.ecr-fips.us-west-2.amazonaws.com)' });
    const text = JSON.stringify(r);
    expect(text).not.toContain('ecr-conformance-test-secret');
    expect(text).not.toContain('AKIAECRCONFORMANCETEST');
    expect(r.leftovers).toEqual([]);
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
    // Which declared layers were uploaded in parts, or what media type a manifest gave them, the suite
    // cannot know: those facets are waived, and said to be.
    expect(verdict('classify.present').message).toMatch(/not applicable to this run: a layer uploaded in two parts, whose size is their sum: read-only mode.*; a layer an accepted image manifest references, with the media type it gave: read-only mode/);
    expect(verdict('metamorphic.repository-isolation')).toMatchObject({ verdict: 'SKIPPED' });
    expect(r.summary.counts.FAIL).toBe(0);
    expect(r.capabilities.notes.join()).toMatch(/read-only/);
    const repos = registry.store.list(registry.store.accountId).map((x) => x.name);
    expect(repos).toEqual(['team/existing']);
    expect([...registry.store.find(registry.store.accountId, 'team/existing')!.layers.keys()]).toEqual([digest]);
  });
});
