// Benchmark (not a test): the suite's speed beside the bare cost of the same HTTP calls, all
// measured in this one run against the same embedded registry, printed as ratios; then the peak
// memory of a large run. Usage: npm run bench [-- --big-cases 100000]
import { request as httpRequest, Agent } from 'node:http';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { startRegistryThread } from '../src/registry/thread.ts';
import { BatchCheckLayerAvailabilityCommand } from '@aws-sdk/client-ecr';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry } from '../src/registry/server.ts';
import { run } from '../src/run/runner.ts';
import { amzTarget } from '../src/spec/index.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { createRepository } from '../src/target/seed.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONCURRENCY = 16;
const BIG = arg('--big-cases', 100_000);
const BIG_WORKERS = arg('--big-workers', 1);

async function pool(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < n) await fn(next++); }));
}

const registry = await startRegistry();
await createRepository(makeEcrClient({ endpoint: registry.endpoint }), { repositoryName: 'bench' });

// 1. A default run (150 cases per property), through each transport; a first run warms up.
const suite = async (transport: 'sdk' | 'raw', sent: string[] = []) => {
  const t = performance.now();
  const r = await run({ onExchange: (x) => sent.push(x.request.body), kind: 'embedded', seed: 1, runs: 150, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport } });
  return { result: r, seconds: (performance.now() - t) / 1000, sent };
};
await suite('sdk');
const viaSdk = await suite('sdk');
const viaRaw = await suite('raw');
const sent = viaSdk.sent;
const requests = sent.length;
let started = performance.now();

// 2. The same requests as bare SDK calls (those the SDK can express; the rest as they were sent).
// The run's repositories are gone by now, so every call is answered from the 'bench' repository.
const client = makeEcrClient({ endpoint: registry.endpoint });
const bodies = sent.map((b) => b.replace(/"repositoryName":"ecr-conformance-[^"]*"/, '"repositoryName":"bench"'));
const inputs = bodies.map((b) => { try { return JSON.parse(b) as { repositoryName: string; layerDigests: string[] }; } catch { return undefined; } });
started = performance.now();
await pool(inputs.length, CONCURRENCY, (i) => client.send(new BatchCheckLayerAvailabilityCommand(inputs[i] ?? { repositoryName: 'bench', layerDigests: [] })).catch(() => undefined));
const sdkSeconds = (performance.now() - started) / 1000;

// 3. The same number of raw keep-alive HTTP requests.
const url = new URL(registry.endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
started = performance.now();
await pool(bodies.length, CONCURRENCY, (i) => new Promise<void>((resolve, reject) => {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget('BatchCheckLayerAvailability'), 'content-length': String(Buffer.byteLength(bodies[i]!)) };
  const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent }, (res) => { res.resume(); res.on('end', () => resolve()); });
  req.on('error', reject);
  req.end(bodies[i]);
}));
const rawSeconds = (performance.now() - started) / 1000;
agent.destroy();
client.destroy();

const rate = (n: number, s: number) => n / s;
const sdkRate = rate(requests, sdkSeconds);
const rawRate = rate(requests, rawSeconds);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
for (const [name, s] of [['sdk', viaSdk], ['raw', viaRaw]] as const) {
  const exchanges = s.sent.length;
  console.log(`default run, ${name} transport: ${s.result.summary.cases} cases, ${exchanges} exchanges in ${s.seconds.toFixed(2)} s (setup and cleanup included) → ${rate(s.result.summary.cases, s.seconds).toFixed(0)} cases/s, ${rate(exchanges, s.seconds).toFixed(0)} requests/s; ${(rate(exchanges, s.seconds) / sdkRate).toFixed(2)} × bare SDK, ${(rate(exchanges, s.seconds) / rawRate).toFixed(2)} × raw HTTP (${s.result.summary.verdict})`);
}
console.log(`the same requests as bare SDK calls: ${requests} in ${sdkSeconds.toFixed(2)} s → ${sdkRate.toFixed(0)} requests/s`);
console.log(`the same bodies as raw keep-alive HTTP: ${requests} in ${rawSeconds.toFixed(2)} s → ${rawRate.toFixed(0)} requests/s`);

// 3b. The same default run against the registry in a thread of its own (as run starts it), on one
// thread and split across as many worker threads as cores (--workers), beside raw keep-alive HTTP
// against that same threaded registry.
{
  const threaded = await startRegistryThread({ options: {} });
  const tu = new URL(threaded.endpoint);
  const tagent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rawOnce = (b: string) => new Promise<void>((resolve, reject) => {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget('BatchCheckLayerAvailability'), 'content-length': String(Buffer.byteLength(b)) };
    const req = httpRequest({ host: tu.hostname, port: tu.port, method: 'POST', path: '/', headers, agent: tagent }, (res) => { res.resume(); res.on('end', () => resolve()); });
    req.on('error', reject);
    req.end(b);
  });
  await createRepository(makeEcrClient({ endpoint: threaded.endpoint }), { repositoryName: 'bench' });
  started = performance.now();
  await pool(bodies.length, CONCURRENCY, (i) => rawOnce(bodies[i]!));
  const ceiling = rate(bodies.length, (performance.now() - started) / 1000);
  for (const [transport, workers] of [['sdk', 1], ['raw', 1], ['sdk', availableParallelism()], ['raw', availableParallelism()]] as const) {
    const runOnce = () => run({ kind: 'embedded', seed: 1, runs: 150, workers, target: { endpoint: threaded.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport } });
    await runOnce();
    const t = performance.now();
    const r = await runOnce();
    const s = (performance.now() - t) / 1000;
    console.log(`default run, ${transport} transport, ${workers} worker${workers === 1 ? '' : 's'}, registry in its own thread: ${r.summary.cases} cases, ${r.summary.exchanges} exchanges in ${s.toFixed(2)} s → ${rate(r.summary.cases, s).toFixed(0)} cases/s; ${(rate(r.summary.exchanges, s) / sdkRate).toFixed(2)} × bare SDK, ${(rate(r.summary.exchanges, s) / ceiling).toFixed(2)} × raw HTTP to the threaded registry (${ceiling.toFixed(0)} requests/s) (${r.summary.verdict})`);
  }
  tagent.destroy();
  await threaded.close();
}

// 4. How soon the suite catches the bugs it was built to catch: each bug-shaped mutant that must be
// NOT_CONFORMANT, at the default settings, and the requests the run had sent when a rule first broke.
const detections: { id: string; requests: number }[] = [];
for (const m of MUTANTS.filter((x) => x.kind === 'bug' && x.expect?.verdict === 'NOT_CONFORMANT')) {
  const target = await startRegistry(mutantOptions(m));
  const r = await run({ kind: 'embedded', seed: 1, runs: 150, shrink: false, target: { endpoint: target.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport: 'sdk' } });
  await target.close();
  const first = Math.min(...r.rules.filter((x) => x.firstDetection).map((x) => x.firstDetection!.requests));
  if (Number.isFinite(first)) detections.push({ id: m.id, requests: first });
  else console.log(`not detected: ${m.id} (${r.summary.verdict})`);
}
detections.sort((a, b) => a.requests - b.requests);
const median = detections[Math.floor((detections.length - 1) / 2)]!.requests;
const worst = detections[detections.length - 1]!;
console.log(`requests to first detection: median ${median}, max ${worst.requests} over ${detections.length} mutants (slowest: ${worst.id})`);

// 5. Peak memory of a large run.
if (BIG > 0) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  // Cases per unit of --runs, as the default run showed, sets --runs for about BIG cases.
  const runs = Math.ceil(BIG / (viaSdk.result.summary.cases / 150));
  started = performance.now();
  const big = await run({ kind: 'embedded', seed: 2, runs, shrink: false, workers: BIG_WORKERS, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport: 'sdk' } });
  clearInterval(sampler);
  console.log(`large run (${BIG_WORKERS} worker${BIG_WORKERS === 1 ? '' : 's'}): ${big.summary.cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${big.summary.verdict})`);
}
await registry.close();
