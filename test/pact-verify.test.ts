// verify: the committed contracts against the reference registry, its mutants, a target that does not
// implement the operation, a target that checks SigV4, and a stand-in Pact Broker.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkSignature } from '../src/registry/sigv4.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_PACT_FILE, PACT_FILE } from '../src/pact/interactions.ts';
import { lineBuffer, MAX_LINE, verifyPacts, type Verification } from '../src/pact/verify.ts';
import { redactText } from '../src/target/redact.ts';
import { startContentTypeProxy } from '../src/pact/content-type-proxy.ts';
import { MUTANTS } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { DUMMY_CREDENTIALS } from '../src/target/client.ts';
import { startBroker } from './fixtures/broker.ts';
import { BIN } from './fixtures/cli.ts';

const CONTRACTS = fileURLToPath(new URL('../contracts/pact/', import.meta.url));
const registries: RunningRegistry[] = [];
afterAll(async () => Promise.all(registries.map((r) => r.close())));

async function verifyAgainst(mutantId: string | undefined, opts: { endpoint?: string; registry?: RunningRegistry; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): Promise<Verification> {
  const m = MUTANTS.find((x) => x.id === mutantId);
  const registry = opts.registry ?? await startRegistry({ preloadExample: true, ...(m?.hooks ? { hooks: m.hooks } : {}), ...(m?.behaviour ? { behaviour: m.behaviour } : {}) });
  registries.push(registry);
  const endpoint = opts.endpoint ?? registry.endpoint;
  return verifyPacts({
    providerBaseUrl: endpoint, pactFiles: [`${CONTRACTS}${PACT_FILE}`, `${CONTRACTS}${EXAMPLE_PACT_FILE}`],
    seeding: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 3_000, credentials: opts.credentials ?? DUMMY_CREDENTIALS }, holdsExample: true, timeoutMs: 3_000,
  });
}
const failed = (v: Verification) => v.interactions.filter((i) => !i.passed);

describe('verify', () => {
  it('the reference registry verifies green, every interaction', async () => {
    const v = await verifyAgainst(undefined);
    expect(v.error).toBeUndefined();
    expect(v.interactions).toHaveLength(10);
    expect(failed(v)).toEqual([]);
    expect(v.passed).toBe(true);
  });

  it.each([
    ['layer-size-as-string', 'a stored layer', /\$\.layers\[0\]\.layerSize.*integer/],
    ['lowercase-availability', 'a stored layer', /\$\.layers\[0\]\.layerAvailability/],
    ['malformed-in-layers', 'a batch with a stored, an absent and a malformed digest', /\$\.failures/],
    ['error-type-in-header-only', 'an empty digest list', /__type/],
  ])('mutant %s fails with a mismatch that names the field', async (mutantId, interaction, field) => {
    const v = await verifyAgainst(mutantId);
    expect(v.passed).toBe(false);
    const hit = failed(v).find((i) => i.description === interaction);
    expect(hit, JSON.stringify(failed(v))).toBeDefined();
    expect(hit!.mismatches.join('\n')).toMatch(field);
  });

  it('a target that does not implement the operation fails readably, without hanging', async () => {
    const started = Date.now();
    const v = await verifyAgainst('not-implemented-501');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(v.passed).toBe(false);
    expect(failed(v).length).toBe(10);
    expect(failed(v).map((i) => i.mismatches.join(' ')).join('\n')).toMatch(/status|501/i);
  });
});


/** A front that recomputes every request's SigV4 signature and forwards only good ones. */
async function signatureCheckingFront(upstream: string, secret: string) {
  const seen: boolean[] = [];
  // The same check `serve --require-sigv4` makes: the signature recomputed from the signed headers and body.
  const check = async (req: IncomingMessage, body: string) => (await checkSignature({ credentials: { AKIDFRONT: secret } }, { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers }, Buffer.from(body))) === undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { const body = Buffer.concat(chunks).toString('utf8'); void check(req, body).then((ok) => {
      seen.push(ok);
      if (!ok) return res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"InvalidSignatureException","message":"signature mismatch"}');
      const u = new URL(upstream);
      const fwd = request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': String(req.headers['x-amz-target']) } }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers);
        r.pipe(res);
      });
      fwd.end(body);
    }); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the SigV4 request filter', () => {
  it('signs every replayed request so that a signature-checking endpoint accepts it; a wrong secret is refused', async () => {
    const reference = await startRegistry({ preloadExample: true });
    const front = await signatureCheckingFront(reference.endpoint, 'front-secret');
    try {
      const good = await verifyAgainst(undefined, { endpoint: front.url, registry: reference, credentials: { accessKeyId: 'AKIDFRONT', secretAccessKey: 'front-secret' } });
      expect(failed(good).map((i) => i.mismatches), JSON.stringify(front.seen)).toEqual([]);
      expect(front.seen.length).toBeGreaterThanOrEqual(10);
      expect(front.seen.every(Boolean)).toBe(true);
      front.seen.length = 0;
      const bad = await verifyAgainst(undefined, { endpoint: front.url, registry: reference, credentials: { accessKeyId: 'AKIDFRONT', secretAccessKey: 'wrong' } });
      expect(bad.passed).toBe(false);
      expect(front.seen.some((ok) => !ok)).toBe(true);
    } finally {
      await front.close();
    }
  });
});

describe('the Pact Broker', () => {
  it('gets the contracts and the verification result, with versions from CI variables and the token', async () => {
    const broker = await startBroker();
    try {
      const env = { ...process.env, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'broker-token-123', GITHUB_SHA: 'abc123', GITHUB_REF_NAME: 'feature/x', PACT_DO_NOT_TRACK: 'true' };
      const child = spawn(process.execPath, [BIN, 'verify', '--report-dir', fileURLToPath(new URL('../reports/pact-broker-test', import.meta.url))], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code, out).toBe(0);
      const publishes = broker.recorded.filter((r) => r.path === '/contracts/publish');
      expect(publishes.map((p) => (p.body as { pacticipantName: string }).pacticipantName).sort()).toEqual(['aws-cli-example', 'ecr-conformance-client']);
      for (const p of publishes) {
        const b = p.body as { pacticipantVersionNumber: string; branch: string; contracts: { content: string; consumerName: string }[] };
        expect(p.auth).toBe('Bearer broker-token-123');
        expect([b.pacticipantVersionNumber, b.branch]).toEqual(['abc123', 'feature/x']);
        const file = b.contracts[0]!.consumerName === 'aws-cli-example' ? EXAMPLE_PACT_FILE : PACT_FILE;
        expect(Buffer.from(b.contracts[0]!.content, 'base64').toString()).toBe(readFileSync(`${CONTRACTS}${file}`, 'utf8'));
      }
      const results = broker.recorded.filter((r) => r.path.endsWith('/verification-results'));
      expect(results, out).toHaveLength(2);
      for (const r of results) expect(r.body).toMatchObject({ success: true, providerApplicationVersion: 'abc123' });
      expect(broker.recorded.filter((r) => r.method === 'PUT').map((r) => r.path)).toContain('/pacticipants/ecr-api/branches/feature%2Fx/versions/abc123');
    } finally {
      await broker.close();
    }
  });
});

describe('ecr-conformance verify --endpoint', () => {
  const cli = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'verify', ...args], { env: { ...process.env, PACT_DO_NOT_TRACK: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });

  it('verifies a user\'s endpoint and writes the result in every report format', async () => {
    const registry = await startRegistry();
    registries.push(registry);
    // A counting pass-through in front of the endpoint: every request the command causes goes through it.
    const counter = await startContentTypeProxy(registry.endpoint, { timeoutMs: 5_000, maxBytes: 1 << 20 });
    const dir = fileURLToPath(new URL('../reports/pact-endpoint-test', import.meta.url));
    const r = await cli(['--endpoint', counter.url, '--report-dir', dir]).finally(() => counter.close());
    expect(r.code, r.out).toBe(0);
    const doc = JSON.parse(readFileSync(`${dir}/conformance.json`, 'utf8')) as { rules: { id: string; verdict: string }[]; summary: { verdict: string }; provenance: { requests: { used: number } } };
    expect(doc.summary.verdict).toBe('CONFORMANT');
    // Every request counted: the probe's, the provider states' seeding (in the verifier's process) and the verifier's.
    expect(doc.provenance.requests.used).toBe(counter.forwarded);
    expect(counter.forwarded).toBeGreaterThan(1 + 9);
    // The CLI page example needs its layer's bytes: only the embedded registry is given that contract.
    expect(doc.rules.map((x) => x.id)).not.toContain('pact.the-aws-cli-page-example');
    // Nine interactions, and the content type judged on its own.
    expect(doc.rules).toHaveLength(10);
    expect(doc.rules.find((x) => x.id === 'pact.content-type')!.verdict).toBe('PASS');
    expect(readFileSync(`${dir}/junit.xml`, 'utf8')).toContain('pact.a-stored-layer');
    expect(registry.store.list(registry.store.accountId)).toEqual([]);
  });

  it('an endpoint that does not implement the operation: NOT_IMPLEMENTED, as run says, exit 1 with readable mismatches', async () => {
    const m = MUTANTS.find((x) => x.id === 'html-500')!;
    const registry = await startRegistry({ hooks: m.hooks! });
    registries.push(registry);
    const dir = fileURLToPath(new URL('../reports/pact-ni-test', import.meta.url));
    const r = await cli(['--endpoint', registry.endpoint, '--report-dir', dir]);
    expect(r.code).toBe(1);
    // Each interaction names why: the target lacks the operation, and what the verifier saw.
    const flat = r.out.replace(/\n\s+/g, ' ');
    expect(flat).toMatch(/NOT_IMPLEMENTED\s+pact\.a-stored-layer\s+the target does not implement BatchCheckLayerAvailability \(.*?\); the verifier saw: expected 200 but was 500/);
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(r.out).toMatch(/^NOT_IMPLEMENTED:/m);
    expect((JSON.parse(readFileSync(`${dir}/conformance.json`, 'utf8')) as { summary: { verdict: string } }).summary.verdict).toBe('NOT_IMPLEMENTED');
  });

  it('a wrong Content-Type hides no body mismatch: both are reported, each on its own', async () => {
    // Answers labelled application/json (as x-amz-json-1.0 and other JSON types are), with layerSize as a string.
    const labelled = MUTANTS.find((x) => x.id === 'content-type-json')!.hooks!;
    const sized = MUTANTS.find((x) => x.id === 'layer-size-as-string')!.hooks!;
    const registry = await startRegistry({ hooks: { answer: labelled.answer!, batchCheck: sized.batchCheck! } });
    registries.push(registry);
    const dir = fileURLToPath(new URL('../reports/pact-ct-test', import.meta.url));
    const r = await cli(['--endpoint', registry.endpoint, '--report-dir', dir]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(`${dir}/conformance.json`, 'utf8')) as { rules: { id: string; verdict: string; message: string }[] };
    const ct = doc.rules.find((x) => x.id === 'pact.content-type')!;
    expect(ct.verdict).toBe('FAIL');
    expect(ct.message).toMatch(/came with Content-Type application\/json/);
    expect(doc.rules.find((x) => x.id === 'pact.a-stored-layer')!.message).toMatch(/layerSize/);
  });
});

describe("the verifier's output, as --verbose shows it", () => {
  it('is handed on in whole lines, so that a secret or a character cut by a pipe read is masked and shown whole', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY1';
    const text = `request headers: x-amz-security-token: ${secret}\nlayer digest ünïcode\nlast words without a newline`;
    const bytes = Buffer.from(text, 'utf8');
    // Every cut of the bytes in two: through the secret, through a two-byte character.
    for (let cut = 1; cut < bytes.length; cut++) {
      const shown: string[] = [];
      const lines = lineBuffer((t) => shown.push(redactText(t, [secret])));
      lines.push(bytes.subarray(0, cut));
      lines.push(bytes.subarray(cut));
      lines.end();
      expect(shown.join(''), `cut at byte ${cut}`).toBe(redactText(text, [secret]));
      expect(shown.join('')).not.toContain(secret.slice(0, 20));
      expect(shown.join('')).toContain('ünïcode');
    }
  });

  it('a line without end is handed on in pieces: output without newlines cannot fill memory', () => {
    const shown: string[] = [];
    const lines = lineBuffer((t) => shown.push(t));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let n = 0; n <= MAX_LINE / chunk.length; n++) lines.push(chunk);
    expect(shown.length).toBe(1);
    expect(shown[0]!.length).toBeGreaterThan(MAX_LINE);
    lines.end();
    expect(shown.join('').length).toBe((MAX_LINE / chunk.length + 1) * chunk.length);
  });
});
