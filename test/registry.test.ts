// The embedded reference registry, exercised through the real @aws-sdk/client-ecr on loopback.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  InvalidParameterException,
  RepositoryNotFoundException,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { operationSpec, amzTarget } from '../src/spec/index.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { createRepository, putManifest, sha256Digest, uploadLayer } from '../src/target/seed.ts';

const example = operationSpec().examples[0]!;
const ABSENT = `sha256:${'0'.repeat(64)}`;
const REPO = 'conformance/registry-test';

let registry: RunningRegistry;
let client: ECRClient;

beforeAll(async () => {
  registry = await startRegistry({ preloadExample: true });
  client = makeEcrClient({ endpoint: registry.endpoint });
});
afterAll(async () => {
  client.destroy();
  await registry.close();
});
beforeEach(() => registry.reset());

const check = (layerDigests: string[], extra: Record<string, string> = {}) =>
  client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: REPO, layerDigests, ...extra }));

/** POSTs raw bytes and returns status, headers and body text (or the socket error). */
function rawPost(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string } | { error: string }> {
  const url = new URL(registry.endpoint);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

const bclaHeaders = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget('BatchCheckLayerAvailability') };

describe('the seed page example', () => {
  it('is answered verbatim from the preloaded example, key order included', async () => {
    const res = await rawPost(JSON.stringify(example.request), bclaHeaders);
    expect('status' in res && res.status).toBe(200);
    if (!('status' in res)) return;
    expect(res.text).toBe(JSON.stringify(example.response));
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const out = await client.send(new BatchCheckLayerAvailabilityCommand(example.request));
    expect({ layers: out.layers, failures: out.failures }).toEqual(example.response);
  });

  it('is reproduced by a real upload, a manifest and a check', async () => {
    await createRepository(client, { repositoryName: REPO });
    const config = randomBytes(2777);
    const layer = randomBytes(70_000);
    const configDigest = (await uploadLayer(client, { repositoryName: REPO }, config)).value;
    const layerDigest = (await uploadLayer(client, { repositoryName: REPO }, layer)).value;
    expect(configDigest).toBe(sha256Digest(config));
    const before = await check([configDigest]);
    expect(before.layers?.[0]).toMatchObject({ layerDigest: configDigest, layerAvailability: 'AVAILABLE', layerSize: 2777 });
    const configType = (example.response['layers'] as { mediaType: string }[])[0]!.mediaType;
    await putManifest(client, { repositoryName: REPO },
      { digest: configDigest, size: 2777, mediaType: configType },
      [{ digest: layerDigest, size: layer.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }], 'v1');
    const out = await check([configDigest]);
    expect({ layers: out.layers, failures: out.failures }).toEqual({
      layers: [{ layerDigest: configDigest, layerAvailability: 'AVAILABLE', layerSize: 2777, mediaType: configType }],
      failures: [],
    });
  });
});

describe('validation answers with typed SDK exceptions', () => {
  beforeEach(async () => createRepository(client, { repositoryName: REPO }));
  const limits = operationSpec().input;
  const maxItems = limits.layerDigests.maxItems.value;
  const maxLen = limits.layerDigests.items.maxLength.value;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an empty list', { layerDigests: [] }, /layerDigests.*greater than or equal to 1/],
    [`${maxItems + 1} digests`, { layerDigests: Array.from({ length: maxItems + 1 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`) }, /less than or equal to 100/],
    [`a ${maxLen + 1}-character digest`, { layerDigests: ['x'.repeat(maxLen + 1)] }, /less than or equal to 1000/],
    ['a 1-character repository name', { repositoryName: 'a' }, /repositoryName.*greater than or equal to 2/],
    ['a 257-character repository name', { repositoryName: 'a'.repeat(257) }, /repositoryName.*less than or equal to 256/],
    ['an uppercase repository name', { repositoryName: 'MyRepo' }, /repositoryName.*regular expression/],
    ['a repository name with a..b', { repositoryName: 'a..b' }, /repositoryName.*regular expression/],
    ['a repository name ending in a separator', { repositoryName: 'ab-' }, /repositoryName.*regular expression/],
    ['a letter registry id', { registryId: 'abc' }, /registryId.*\[0-9\]\{12\}/],
    ['an 11-digit registry id', { registryId: '12345678901' }, /registryId/],
  ];
  it.each(cases)('%s → 400 InvalidParameterException', async (_name, override, message) => {
    const input = { repositoryName: REPO, layerDigests: [ABSENT], ...override } as { repositoryName: string; layerDigests: string[] };
    const err = await client.send(new BatchCheckLayerAvailabilityCommand(input)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect((err as InvalidParameterException).$metadata.httpStatusCode).toBe(400);
    expect((err as InvalidParameterException).message).toMatch(message);
  });

  it('accepts the boundaries: 100 digests, a 1000-character digest, a 256-character name, a__b', async () => {
    await expect(check(Array.from({ length: maxItems }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`))).resolves.toBeDefined();
    await expect(check(['x'.repeat(maxLen)])).resolves.toBeDefined();
    for (const name of ['a'.repeat(256), 'a__b', 'a--b']) {
      await createRepository(client, { repositoryName: name });
      await expect(client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: name, layerDigests: [ABSENT] }))).resolves.toBeDefined();
    }
  });

  it('a missing repository → 400 RepositoryNotFoundException naming repository and registry', async () => {
    const err = await client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'no-such-repo', layerDigests: ['not-a-digest'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
    expect((err as RepositoryNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((err as Error).message).toBe("The repository with name 'no-such-repo' does not exist in the registry with id '123456789012'");
  });
});

describe('per-digest answers', () => {
  it('splits present, absent, malformed, empty and duplicate digests', async () => {
    await createRepository(client, { repositoryName: REPO });
    const present = (await uploadLayer(client, { repositoryName: REPO }, Buffer.from('hello layer'))).value;
    const out = await check([present, ABSENT, 'not-a-digest', '', 'sha256:', present]);
    expect(out.layers).toEqual([
      { layerDigest: present, layerAvailability: 'AVAILABLE', layerSize: 11, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
      { layerDigest: ABSENT, layerAvailability: 'UNAVAILABLE' },
      { layerDigest: present, layerAvailability: 'AVAILABLE', layerSize: 11, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
    ]);
    expect(out.failures?.map((f) => [f.layerDigest, f.failureCode])).toEqual([
      ['not-a-digest', 'InvalidLayerDigest'],
      ['', 'MissingLayerDigest'],
      ['sha256:', 'InvalidLayerDigest'],
    ]);
    for (const f of out.failures ?? []) expect(f.failureReason).toBeTruthy();
  });

  it('a layer stored in one repository is not available in another', async () => {
    await createRepository(client, { repositoryName: REPO });
    await createRepository(client, { repositoryName: `${REPO}-other` });
    const present = (await uploadLayer(client, { repositoryName: REPO }, Buffer.from('isolated'))).value;
    const out = await client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: `${REPO}-other`, layerDigests: [present] }));
    expect(out.layers?.[0]?.layerAvailability).toBe('UNAVAILABLE');
  });

  it('rejects an upload whose bytes do not match the claimed digest', async () => {
    await createRepository(client, { repositoryName: REPO });
    const { uploadId } = await client.send(new InitiateLayerUploadCommand({ repositoryName: REPO }));
    await client.send(new UploadLayerPartCommand({ repositoryName: REPO, uploadId, partFirstByte: 0, partLastByte: 2, layerPartBlob: Buffer.from('abc') }));
    const err = await client.send(new CompleteLayerUploadCommand({ repositoryName: REPO, uploadId, layerDigests: [ABSENT] })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidLayerException');
    expect((await check([ABSENT])).layers?.[0]?.layerAvailability).toBe('UNAVAILABLE');
  });

  it('answers 200 concurrent requests without a wrong answer', async () => {
    await createRepository(client, { repositoryName: REPO });
    const present = (await uploadLayer(client, { repositoryName: REPO }, Buffer.from('concurrent'))).value;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => {
      const absent = `sha256:${i.toString(16).padStart(64, 'a')}`;
      const list = i % 2 === 0 ? [present, absent] : [absent, present];
      return check(list).then((out) => ({ out, absent }));
    }));
    for (const { out, absent } of results) {
      const byDigest = new Map(out.layers?.map((l) => [l.layerDigest, l.layerAvailability]));
      expect(byDigest.get(present)).toBe('AVAILABLE');
      expect(byDigest.get(absent)).toBe('UNAVAILABLE');
      expect(out.layers).toHaveLength(2);
    }
  });
});

describe('behaviour options emulate other registries', () => {
  it('absent as MissingLayerDigest, duplicates collapsed, grey rejected, empty lists omitted', async () => {
    const other = await startRegistry({ behaviour: { absent: 'missing-failure', duplicates: 'collapse', grey: 'invalid-failure', emptyLists: 'omitted' } });
    const c = makeEcrClient({ endpoint: other.endpoint });
    try {
      await createRepository(c, { repositoryName: REPO });
      const out = await c.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: REPO, layerDigests: [ABSENT, ABSENT, `sha256:${'A'.repeat(64)}`] }));
      expect(out.layers).toBeUndefined();
      expect(out.failures?.map((f) => f.failureCode)).toEqual(['MissingLayerDigest', 'InvalidLayerDigest']);
    } finally {
      c.destroy();
      await other.close();
    }
  });

  it('the 2015 repository-name model rejects a__b', async () => {
    const other = await startRegistry({ behaviour: { repositoryNameModel: '2015-12-21' } });
    const c = makeEcrClient({ endpoint: other.endpoint });
    try {
      await expect(createRepository(c, { repositoryName: 'a__b' })).rejects.toBeInstanceOf(InvalidParameterException);
    } finally {
      c.destroy();
      await other.close();
    }
  });
});

describe('hostile input', () => {
  const stillServing = async () => expect((await rawPost(JSON.stringify(example.request), bclaHeaders) as { status: number }).status).toBe(200);

  it.each([
    ['truncated JSON', '{"repositoryName":"cluster-autoscaler","layerDig', bclaHeaders, 'SerializationException'],
    ['a JSON array body', '[1,2]', bclaHeaders, 'SerializationException'],
    ['a wrong content type', JSON.stringify(example.request), { ...bclaHeaders, 'content-type': 'text/plain' }, 'SerializationException'],
    ['an unknown target', '{}', { ...bclaHeaders, 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.FlyToTheMoon' }, 'UnknownOperationException'],
    ['no target', '{}', { 'content-type': 'application/x-amz-json-1.1' }, 'UnknownOperationException'],
    ['a wrongly typed member', '{"repositoryName":"cluster-autoscaler","layerDigests":"sha256:abc"}', bclaHeaders, 'SerializationException'],
    ['an empty body', '', bclaHeaders, 'InvalidParameterException'],
  ])('%s gets a clear 4xx error', async (_name, body, headers, type) => {
    const res = await rawPost(body, headers as Record<string, string>);
    expect('status' in res).toBe(true);
    if (!('status' in res)) return;
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.parse(res.text)).toMatchObject({ __type: type, message: expect.any(String) });
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
    await stillServing();
  });

  it('a 50 MB body gets 413 or a closed socket', async () => {
    const res = await rawPost(Buffer.alloc(50 * 1024 * 1024, 0x61), bclaHeaders);
    if ('status' in res) expect(res.status).toBe(413);
    else expect(res.error).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    await stillServing();
  });

  it('a connection dropped mid-request does not hurt the server', async () => {
    const url = new URL(registry.endpoint);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: ${amzTarget('BatchCheckLayerAvailability')}\r\nContent-Length: 1000\r\n\r\n{"repositoryName":`);
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
    });
    await stillServing();
  });
});
