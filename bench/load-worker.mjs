// One thread of the bench's ceilings: sends its share of the bodies to the registry, `width` at a time,
// as bare SDK calls or as raw keep-alive HTTP, and says how long that took. Warm: a pass first, then the
// measured one when told to go. Cold: the measured pass at once. Plain JavaScript that loads nothing of
// the suite, so that a cold thread pays for loading the SDK and no more (workerData: LoadInput in
// throughput.ts).
import { request as httpRequest, Agent } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchCheckLayerAvailabilityCommand, ECRClient } from '@aws-sdk/client-ecr';

const { endpoint, bodies, mode, warm, width, amzTarget, credentials } = workerData;
const url = new URL(endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: width });
// Bare: the client an application makes, its default HTTP handler (keep-alive), none of the suite's
// deadline, size cap or recording; one attempt, as the suite's SDK transport makes (it retries itself).
// 'sdk-cached' also sets the SDK's cacheMiddleware option, as the suite's SDK transport does.
const client = new ECRClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...(mode === 'sdk-cached' ? { cacheMiddleware: true } : {}) });
const inputs = bodies.map((b) => {
  try {
    const j = JSON.parse(b);
    return j && typeof j === 'object' && !Array.isArray(j) ? j : undefined;
  } catch {
    return undefined;
  }
});
const raw = (body) => new Promise((resolve, reject) => {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget, 'content-length': String(Buffer.byteLength(body)) };
  const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent }, (res) => { res.resume(); res.on('end', () => resolve()); });
  req.on('error', reject);
  req.end(body);
});
// The SDK sends what it can express; a body it cannot (a wrong type, raw bytes) goes as an empty list.
const sdk = (i) => client.send(new BatchCheckLayerAvailabilityCommand(inputs[i] ?? { repositoryName: 'bench', layerDigests: [] })).then(() => undefined, () => undefined);

// When each answer of the measured pass came (ms on a clock every thread shares), so that the bench can
// also take the rate of the second half of all threads' requests, once they are warm.
const answered = [];

async function sendAll(timed) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < bodies.length) {
      const i = next++;
      await (mode === 'raw' ? raw(bodies[i]) : sdk(i));
      if (timed) answered.push(performance.timeOrigin + performance.now());
    }
  }));
}

const measured = async () => {
  const started = performance.now();
  await sendAll(true);
  parentPort.postMessage({ ms: performance.now() - started, answered });
  agent.destroy();
  client.destroy();
};
if (warm) {
  parentPort.once('message', () => void measured());
  // Once through first, so the measured pass runs warm code, as a long-lived thread does.
  await sendAll(false);
  parentPort.postMessage({ ready: true });
} else {
  await measured();
}
