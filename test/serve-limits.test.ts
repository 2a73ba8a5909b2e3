// The embedded registry other projects run in CI keeps its memory bounded whatever clients do: a limit
// per layer and for all uploads in progress (ECR's LimitExceededException), abandoned uploads expire,
// slow clients are cut off, in-flight bodies are capped, and deleting repositories releases memory.
import { connect } from 'node:net';
import { CreateRepositoryCommand, DeleteRepositoryCommand, InitiateLayerUploadCommand, UploadLayerPartCommand } from '@aws-sdk/client-ecr';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { uploadLayer } from '../src/target/seed.ts';

const registries: RunningRegistry[] = [];
afterAll(async () => Promise.all(registries.map((r) => r.close())));
const KiB = 1024;

async function registry(limits: Parameters<typeof startRegistry>[0] = {}) {
  const r = await startRegistry(limits);
  registries.push(r);
  const client = makeEcrClient({ endpoint: r.endpoint });
  await client.send(new CreateRepositoryCommand({ repositoryName: 'repo' }));
  return { r, client };
}

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

describe('serve keeps its resources bounded', () => {
  it('refuses a layer over the per-layer limit with LimitExceededException, and holds none of it', async () => {
    const { r, client } = await registry({ limits: { maxLayerBytes: 64 * KiB } });
    const e = await errorOf(uploadLayer(client, { repositoryName: 'repo' }, Buffer.alloc(65 * KiB, 1)));
    expect(e?.name).toBe('LimitExceededException');
    expect(e?.message).toMatch(/maximum layer size of 65536 bytes/);
    expect((await uploadLayer(client, { repositoryName: 'repo' }, Buffer.alloc(64 * KiB, 1))).disagreements).toEqual([]);
    expect(r.store.heldBytes).toBe(0);
  });

  it('refuses uploads in progress beyond the store limit, and takes them again once others complete', async () => {
    const { r, client } = await registry({ limits: { maxStoreBytes: 100 * KiB } });
    const started = await client.send(new InitiateLayerUploadCommand({ repositoryName: 'repo' }));
    await client.send(new UploadLayerPartCommand({ repositoryName: 'repo', uploadId: started.uploadId!, partFirstByte: 0, partLastByte: 80 * KiB - 1, layerPartBlob: Buffer.alloc(80 * KiB) }));
    expect(r.store.heldBytes).toBe(80 * KiB);
    const e = await errorOf(uploadLayer(client, { repositoryName: 'repo' }, Buffer.alloc(30 * KiB, 2)));
    expect(e?.name).toBe('LimitExceededException');
    await client.send(new DeleteRepositoryCommand({ repositoryName: 'repo', force: true }));
    expect(r.store.heldBytes).toBe(0);
    await client.send(new CreateRepositoryCommand({ repositoryName: 'repo' }));
    expect((await uploadLayer(client, { repositoryName: 'repo' }, Buffer.alloc(30 * KiB, 2))).disagreements).toEqual([]);
  });

  it('drops abandoned uploads after their time to live, releasing their bytes', async () => {
    let now = 1_000_000;
    const { r, client } = await registry({ now: () => now, limits: { uploadTtlMs: 60_000 } });
    const started = await client.send(new InitiateLayerUploadCommand({ repositoryName: 'repo' }));
    await client.send(new UploadLayerPartCommand({ repositoryName: 'repo', uploadId: started.uploadId!, partFirstByte: 0, partLastByte: 9_999, layerPartBlob: Buffer.alloc(10_000) }));
    expect(r.store.heldBytes).toBe(10_000);
    now += 61_000;
    const e = await errorOf(client.send(new UploadLayerPartCommand({ repositoryName: 'repo', uploadId: started.uploadId!, partFirstByte: 10_000, partLastByte: 10_009, layerPartBlob: Buffer.alloc(10) })));
    expect(e?.name).toBe('UploadNotFoundException');
    expect(r.store.heldBytes).toBe(0);
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const { r } = await registry({ limits: { requestTimeoutMs: 1_000 } });
    const url = new URL(r.endpoint);
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonEC2ContainerRegistry_V20150921.BatchCheckLayerAvailability\r\nContent-Length: 1000\r\n\r\n{"rep');
      });
      socket.on('data', () => {});
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => {});
    });
    expect(closed).toBeLessThan(5_000);
  });

  it('answers 503 ServiceUnavailable when request bodies in flight would pass their cap', async () => {
    const { r } = await registry({ limits: { maxInflightBodyBytes: 256 * KiB } });
    const url = new URL(r.endpoint);
    const post = (bytes: number, hold: boolean) => new Promise<number>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.UploadLayerPart', 'content-length': String(bytes + 10) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.write(Buffer.alloc(bytes, 0x20));
      if (!hold) req.end(Buffer.alloc(10, 0x20));
    });
    const first = post(200 * KiB, true);
    await new Promise((res) => setTimeout(res, 200));
    expect(await post(200 * KiB, true)).toBe(503);
    void first;
  });
});
