// Replays cassette interactions through one SDK version: a loopback server answers each call with the
// recorded bytes, and the server sees exactly what the SDK serialized. No network beyond loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CassetteInteraction } from './cassette.ts';
import type { SdkModule } from './install.ts';

export interface ReplayResult {
  id: string;
  /** What the SDK sent. */
  request: { body: string; target: string; contentType: string };
  outcome: 'output' | 'error';
  /** The parsed output without $metadata. */
  output?: Record<string, unknown>;
  errorName?: string;
  errorClass?: string;
  fault?: string;
  status?: number;
  requestId?: string;
  message?: string;
}

export async function replayThrough(sdk: SdkModule, interactions: CassetteInteraction[]): Promise<ReplayResult[]> {
  let current: CassetteInteraction | undefined;
  let seen: ReplayResult['request'] = { body: '', target: '', contentType: '' };
  const server = createServer((req, res) => {
    // Decoded once, whole: a character split across two chunks would not survive decoding each alone.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen = { body, target: String(req.headers['x-amz-target'] ?? ''), contentType: String(req.headers['content-type'] ?? '') };
      const r = current!.response;
      res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) }).end(r.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const client = new sdk.ECRClient({
    region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIASDKMATRIX0000000', secretAccessKey: 'sdk-matrix-dummy' },
  });
  const out: ReplayResult[] = [];
  try {
    for (const i of interactions) {
      if (!i.input) continue;
      current = i;
      seen = { body: '', target: '', contentType: '' };
      try {
        const { $metadata, ...output } = await client.send(new sdk.BatchCheckLayerAvailabilityCommand(i.input)) as { $metadata: { httpStatusCode?: number; requestId?: string } };
        out.push({ id: i.id, request: seen, outcome: 'output', output, ...($metadata.httpStatusCode !== undefined ? { status: $metadata.httpStatusCode } : {}), ...($metadata.requestId !== undefined ? { requestId: $metadata.requestId } : {}) });
      } catch (e) {
        const err = e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
        out.push({
          id: i.id, request: seen, outcome: 'error', errorName: err.name, errorClass: err.constructor?.name ?? 'Error', message: err.message,
          ...(err.$fault !== undefined ? { fault: err.$fault } : {}),
          ...(err.$metadata?.httpStatusCode !== undefined ? { status: err.$metadata.httpStatusCode } : {}),
          ...(err.$metadata?.requestId !== undefined ? { requestId: err.$metadata.requestId } : {}),
        });
      }
    }
  } finally {
    client.destroy();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
  return out;
}
