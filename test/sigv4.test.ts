// The embedded registry as a strict stand-in for AWS (serve --require-sigv4, --deny, --quota): it
// recomputes every signature, refuses denied operations and throttles beyond a quota with AWS's error
// types and messages. The suite's own raw and SDK transports pass its signature check; every way of
// getting a signature wrong fails it, each with the answer AWS gives.
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { Sha256 } from '../src/sha256.ts';
import { Target } from '../src/target/target.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { BatchCheckLayerAvailabilityCommand, CreateRepositoryCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';

const CREDS = { accessKeyId: 'AKIDSIGV4TEST', secretAccessKey: 'sigv4-test-secret' };
const TARGET = 'AmazonEC2ContainerRegistry_V20150921.BatchCheckLayerAvailability';
let skewMs = 0;
let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry({ requireSigV4: { credentials: { [CREDS.accessKeyId]: CREDS.secretAccessKey } }, now: () => Date.now() + skewMs });
});
afterAll(() => registry.close());

/** Posts a body signed with these credentials at this date; `tamper` changes the body after signing. */
async function post(o: { creds?: typeof CREDS; date?: Date; body?: string; tamper?: (b: string) => string; auth?: string | null; checksumHeader?: boolean } = {}): Promise<{ status: number; type?: string; message?: string }> {
  const url = new URL(registry.endpoint);
  const body = o.body ?? '{"repositoryName":"repo","layerDigests":["sha256:abc"]}';
  const headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET };
  const signer = new SignatureV4({ service: 'ecr', region: 'eu-west-1', credentials: o.creds ?? CREDS, sha256: Sha256, applyChecksum: o.checksumHeader ?? true });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body, query: {} }, { signingDate: o.date ?? new Date() });
  const sent: Record<string, string> = { ...(signed.headers as Record<string, string>) };
  if (o.auth === null) delete sent['authorization'];
  else if (o.auth !== undefined) sent['authorization'] = o.auth;
  const text = o.tamper ? o.tamper(body) : body;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { ...sent, 'content-length': String(Buffer.byteLength(text)) } }, (res) => {
      let out = '';
      res.on('data', (c: Buffer) => (out += c.toString()));
      res.on('end', () => {
        const j = JSON.parse(out || '{}') as { __type?: string; message?: string };
        resolve({ status: res.statusCode ?? 0, ...(j.__type ? { type: j.__type } : {}), ...(j.message ? { message: j.message } : {}) });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('--require-sigv4', () => {
  const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: ['sha256:abc'] } };
  for (const transport of ['raw', 'sdk'] as const) {
    it(`accepts the ${transport} transport's signatures`, async () => {
      const target = new Target({ endpoint: registry.endpoint, region: 'eu-west-1', credentials: CREDS, timeoutMs: 2000, rps: 0, maxRequests: 0, concurrency: 1, transport });
      const x = await target.send('c', step);
      target.close();
      // Past the signature check: the repository does not exist.
      expect(JSON.parse(x.response!.body).__type).toBe('RepositoryNotFoundException');
    });
  }

  it('a correctly signed request passes; the same request with another secret does not', async () => {
    expect((await post()).type).toBe('RepositoryNotFoundException');
    expect(await post({ creds: { ...CREDS, secretAccessKey: 'another-secret' } })).toEqual({
      status: 400, type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
  });

  it('a body changed after signing is refused', async () => {
    const tamper = (b: string) => b.replace('"repo"', '"other"');
    // With the payload hash in a signed header, and without it (as the SDK signs for ECR).
    expect((await post({ tamper })).type).toBe('InvalidSignatureException');
    expect((await post({ tamper, checksumHeader: false })).type).toBe('InvalidSignatureException');
    expect((await post({ checksumHeader: false })).type).toBe('RepositoryNotFoundException');
  });

  it('an unknown access key, a missing or malformed Authorization header: AWS\'s error for each', async () => {
    expect(await post({ creds: { ...CREDS, accessKeyId: 'AKIDUNKNOWN' } })).toEqual({ status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(await post({ auth: null })).toEqual({ status: 400, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    expect((await post({ auth: 'AWS4-HMAC-SHA256 Credential=AKIDSIGV4TEST' })).type).toBe('IncompleteSignatureException');
  });

  it('a signature more than 15 minutes old, or from the future, is refused with the times in the message', async () => {
    const old = await post({ date: new Date(Date.now() - 16 * 60_000) });
    expect(old.type).toBe('InvalidSignatureException');
    expect(old.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await post({ date: new Date(Date.now() + 16 * 60_000) });
    expect(future.message).toMatch(/^Signature not yet current: /);
    // 14 minutes of clock skew is within AWS's tolerance.
    expect((await post({ date: new Date(Date.now() - 14 * 60_000) })).type).toBe('RepositoryNotFoundException');
    // The registry's clock decides: a signature made now, checked 20 minutes later, has expired.
    skewMs = 20 * 60_000;
    try {
      expect((await post()).message).toMatch(/^Signature expired/);
    } finally {
      skewMs = 0;
    }
  });
});

describe('--deny and --quota', () => {
  let strict: RunningRegistry;
  beforeAll(async () => { strict = await startRegistry({ deny: ['CreateRepository'], quota: 5, region: 'eu-west-1' }); });
  afterAll(() => strict.close());

  it('a denied operation gets AccessDeniedException in AWS\'s words, naming action and resource', async () => {
    const client = makeEcrClient({ endpoint: strict.endpoint, region: 'eu-west-1' });
    try {
      const e = await client.send(new CreateRepositoryCommand({ repositoryName: 'team/app' })).catch((x: Error) => x);
      expect((e as Error).name).toBe('AccessDeniedException');
      expect((e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
      expect((e as Error).message).toBe('User: arn:aws:iam::123456789012:user/ecr-conformance is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:eu-west-1:123456789012:repository/team/app because no identity-based policy allows the ecr:CreateRepository action');
      expect(strict.store.list(strict.store.accountId)).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('beyond the quota in one second: ThrottlingException, and answers again in the next', async () => {
    const answers: string[] = [];
    const client = makeEcrClient({ endpoint: strict.endpoint, region: 'eu-west-1' });
    const once = () => client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'r1', layerDigests: ['sha256:abc'] })).then(() => 'ok', (e: Error) => e.name);
    // Aligned to the start of a fresh window, so that all eight fall in one second.
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 8; i++) answers.push(await once());
    expect(answers).toEqual([...Array(5).fill('RepositoryNotFoundException'), 'ThrottlingException', 'ThrottlingException', 'ThrottlingException']);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await once()).toBe('RepositoryNotFoundException');
    client.destroy();
  });
});

describe('tags on CreateRepository', () => {
  it('are stored and listed by ListTagsForResource', async () => {
    const plain = await startRegistry();
    const client = makeEcrClient({ endpoint: plain.endpoint });
    try {
      const created = await client.send(new CreateRepositoryCommand({ repositoryName: 'tagged', tags: [{ Key: 'ecr-conformance:run', Value: 'abc' }] }));
      const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: created.repository!.repositoryArn! }));
      expect(listed.tags).toEqual([{ Key: 'ecr-conformance:run', Value: 'abc' }]);
      const missing = await client.send(new ListTagsForResourceCommand({ resourceArn: created.repository!.repositoryArn!.replace('tagged', 'absent') })).catch((e: Error) => e);
      expect((missing as Error).name).toBe('RepositoryNotFoundException');
    } finally {
      client.destroy();
      await plain.close();
    }
  });
});
