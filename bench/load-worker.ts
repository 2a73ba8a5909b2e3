// One thread of the bench's ceilings: sends its share of the bodies to the registry, `width` at a time,
// as bare SDK calls or as raw keep-alive HTTP, once told to go; says how long that took.
import { request as httpRequest, Agent } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchCheckLayerAvailabilityCommand, ECRClient } from '@aws-sdk/client-ecr';
import { amzTarget } from '../src/spec/index.ts';
import { DUMMY_CREDENTIALS } from '../src/target/client.ts';

export interface LoadInput {
  endpoint: string;
  bodies: string[];
  mode: 'sdk' | 'raw';
  width: number;
}

const { endpoint, bodies, mode, width } = workerData as LoadInput;
const url = new URL(endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: width });
// Bare: the client an application makes, its default HTTP handler (keep-alive), none of the suite's
// deadline, size cap or recording; one attempt, as the suite's SDK transport makes (it retries itself).
const client = new ECRClient({ endpoint, region: 'us-east-1', credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
const inputs = bodies.map((b) => {
  try {
    const j = JSON.parse(b) as unknown;
    return j && typeof j === 'object' && !Array.isArray(j) ? (j as { repositoryName: string; layerDigests: string[] }) : undefined;
  } catch {
    return undefined;
  }
});
const raw = (body: string) => new Promise<void>((resolve, reject) => {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget('BatchCheckLayerAvailability'), 'content-length': String(Buffer.byteLength(body)) };
  const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent }, (res) => { res.resume(); res.on('end', () => resolve()); });
  req.on('error', reject);
  req.end(body);
});
// The SDK sends what it can express; a body it cannot (a wrong type, raw bytes) goes as an empty list.
const sdk = (i: number) => client.send(new BatchCheckLayerAvailabilityCommand(inputs[i] ?? { repositoryName: 'bench', layerDigests: [] })).then(() => undefined, () => undefined);

async function sendAll(): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < bodies.length) {
      const i = next++;
      await (mode === 'sdk' ? sdk(i) : raw(bodies[i]!));
    }
  }));
}

parentPort!.once('message', async () => {
  const started = performance.now();
  await sendAll();
  parentPort!.postMessage({ ms: performance.now() - started });
  agent.destroy();
  client.destroy();
});
// Once through first, so the measured pass runs warm code, as the suite's long-lived threads do.
await sendAll();
parentPort!.postMessage({ ready: true });
