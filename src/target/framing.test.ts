// Answers whose framing and bytes disagree, from a loopback socket server (nock cannot write past a
// Content-Length): both transports judge the answer as framed, and the connection's breakage stays
// with the connection.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Target, type TargetOptions } from './target.ts';

const BODY = '{"layers":[],"failures":[]}';
let server: Server;
let endpoint = '';

beforeAll(async () => {
  // Every request gets an answer whose Content-Length is 5 bytes short of what follows it: the
  // client reads the declared bytes as the answer, and the rest breaks the connection.
  server = createServer((socket) => {
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      for (let end = seen.indexOf('\r\n\r\n'); end >= 0; end = seen.indexOf('\r\n\r\n')) {
        const length = Number(/content-length: *(\d+)/i.exec(seen.slice(0, end))?.[1] ?? 0);
        if (seen.length < end + 4 + length) return;
        seen = seen.slice(end + 4 + length);
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: r\r\ncontent-length: ${BODY.length - 5}\r\n\r\n${BODY}`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (transport: 'sdk' | 'raw'): TargetOptions => ({ endpoint, region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 0, concurrency: 1, transport });

describe('bytes past the end of a complete answer', () => {
  for (const transport of ['raw', 'sdk'] as const) {
    it(`${transport}: the answer is what its Content-Length framed, not a fault; the next call gets a connection of its own`, async () => {
      const target = new Target(options(transport));
      try {
        for (const n of [1, 2]) {
          const x = await target.send(`c${n}`, { label: 'only', body: { repositoryName: 'repo', layerDigests: [`sha256:${'a'.repeat(64)}`] } });
          expect(x.fault, `call ${n}`).toBeUndefined();
          expect(x.response?.body).toBe(BODY.slice(0, -5));
        }
      } finally {
        target.close();
      }
    });
  }
});
