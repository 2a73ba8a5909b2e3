// A server that answers one request per connection and resets any later one on it, said nowhere: the
// race of a kept-alive connection closed as the next request goes out, made certain. A reset is retried
// on a connection of its own, so every request gets its answer, through either transport.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Target } from './target.ts';

let server: Server;
let endpoint = '';
const answered = new WeakSet<object>();
beforeAll(async () => {
  server = createServer((req, res) => {
    if (answered.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    answered.add(req.socket);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end('{"layers":[],"failures":[]}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a connection reset', () => {
  for (const transport of ['sdk', 'raw'] as const) {
    it(`is retried on a connection of its own (${transport} transport): no stale kept-alive one resets the retry too`, async () => {
      const target = new Target({ endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport });
      const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: [`sha256:${'d'.repeat(64)}`] } };
      // Rounds of eight at once: after the first, every kept-alive connection has answered already.
      for (let round = 0; round < 4; round++) {
        const xs = await Promise.all(Array.from({ length: 8 }, () => target.send('c', step)));
        for (const x of xs) expect(x.fault, `round ${round}`).toBeUndefined();
      }
      target.close();
      expect(target.transientErrors).toBeGreaterThan(0);
      expect(target.recovered).toBe(target.transientErrors);
    });
  }
});
