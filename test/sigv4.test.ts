// The raw transport's SigV4 signatures, checked by a loopback server that recomputes them the way
// AWS does. The SDK's own requests pass the same check, and a wrong secret fails it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../src/target/raw-transport.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Target } from '../src/target/target.ts';

const CREDS = { accessKeyId: 'AKIDSIGV4TEST', secretAccessKey: 'sigv4-test-secret' };


async function verify(req: IncomingMessage, body: string): Promise<boolean> {
  const auth = String(req.headers['authorization'] ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== CREDS.accessKeyId) return false;
  const headers: Record<string, string> = {};
  for (const name of m[5]!.split(';')) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({ service: m[4]!, region: m[3]!, credentials: CREDS, sha256: Sha256 });
  const signed = await signer.sign({ method: req.method!, protocol: 'http:', hostname: headers['host']!.split(':')[0]!, path: req.url!, headers, body, query: {} }, { signingDate });
  return String(signed.headers['authorization']).endsWith(`Signature=${m[6]}`);
}

let url = '';
let verdicts: boolean[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void verify(req, Buffer.concat(chunks).toString()).then((ok) => {
      verdicts.push(ok);
      const body = ok ? '{"layers":[],"failures":[]}' : '{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match"}';
      res.writeHead(ok ? 200 : 403, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(body);
    });
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('SigV4', () => {
  const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: ['sha256:abc'] } };
  for (const transport of ['raw', 'sdk'] as const) {
    it(`${transport} transport requests carry a signature the server can recompute`, async () => {
      verdicts = [];
      const target = new Target({ endpoint: url, region: 'eu-west-1', credentials: CREDS, timeoutMs: 2000, rps: 0, maxRequests: 0, concurrency: 1, transport });
      const x = await target.send('c', step);
      target.close();
      expect(verdicts).toEqual([true]);
      expect(x.response?.status).toBe(200);
    });
  }

  it('a request signed with another secret is refused by the same check', async () => {
    verdicts = [];
    const target = new Target({ endpoint: url, region: 'eu-west-1', credentials: { ...CREDS, secretAccessKey: 'wrong' }, timeoutMs: 2000, rps: 0, maxRequests: 0, concurrency: 1, transport: 'raw' });
    const x = await target.send('c', step);
    target.close();
    expect(verdicts).toEqual([false]);
    expect(x.response?.status).toBe(403);
  });
});
