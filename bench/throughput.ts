// Benchmark (not a test): the suite's speed beside the bare cost of the same HTTP calls, all measured
// in this one run against the same embedded registry (in a thread of its own, as `run` starts it),
// with one thread and with as many threads as cores, printed as ratios; how soon the suite catches
// its bug-shaped mutants; then the time and peak memory of a large run of the built command line.
// Usage: npm run bench [-- --big-cases 100000 --big-workers N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistryThread } from '../src/registry/thread.ts';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry } from '../src/registry/server.ts';
import { run, type RunOptions } from '../src/run/runner.ts';
import { spawnWorker } from '../src/threads.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { createRepository } from '../src/target/seed.ts';
import type { LoadInput } from './load-worker.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONCURRENCY = 16;
const CORES = availableParallelism();
const BIG = arg('--big-cases', 100_000);
const BIG_WORKERS = arg('--big-workers', CORES);
const REPEAT = 2;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const best = async (fn: () => Promise<number>) => { let ms = Infinity; for (let i = 0; i < REPEAT; i++) ms = Math.min(ms, await fn()); return ms; };

const registry = await startRegistryThread({ options: {} });
await createRepository(makeEcrClient({ endpoint: registry.endpoint }), { repositoryName: 'bench' });
const target = (transport: 'sdk' | 'raw'): RunOptions['target'] => ({ endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport });

// The bodies a default run sends (this run also warms the code up). Its repositories are gone once it
// ends, so the ceilings below send every body to the 'bench' repository.
const sent: string[] = [];
const first = await run({ onExchange: (x) => { if (!x.action) sent.push(x.request.body); }, kind: 'embedded', seed: 1, runs: 150, target: target('sdk') });
const bodies = sent.map((b) => b.replace(/"repositoryName":"ecr-conformance-[^"]*"/, '"repositoryName":"bench"'));
// The ceilings send them four times over, so that each measurement lasts long enough to be steady.
const load = [bodies, bodies, bodies, bodies].flat();

/** The same bodies, split across `threads` threads, as bare SDK calls or raw keep-alive HTTP: ms from go to the last answer. */
async function ceiling(mode: 'sdk' | 'raw', threads: number): Promise<number> {
  const workers = Array.from({ length: threads }, (_, t) => spawnWorker(new URL('./load-worker.ts', import.meta.url), {
    endpoint: registry.endpoint, mode, width: Math.ceil(CONCURRENCY / threads), bodies: load.filter((_, i) => i % threads === t),
  } satisfies LoadInput));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const started = performance.now();
  await Promise.all(workers.map((w) => { const done = new Promise((resolve) => w.once('message', resolve)); w.postMessage('go'); return done; }));
  const ms = performance.now() - started;
  await Promise.all(workers.map((w) => w.terminate()));
  return ms;
}

// 1. The suite beside the same requests made bare with the same number of threads: a default run
// (150 cases per property) on one thread, and a run ten times that size on every core (a run that
// size is what threads are for: below 2,500 cases per core, the default is one thread).
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const rates = new Map<string, number>();
for (const [threads, runs] of [[1, 150], ...(CORES > 1 ? [[CORES, 1500]] : [])] as const) {
  for (const mode of ['sdk', 'raw'] as const) {
    const ms = await best(() => ceiling(mode, threads));
    rates.set(`${mode}/${threads}`, load.length / (ms / 1000));
    console.log(`the same ${mode === 'sdk' ? 'requests as bare SDK calls' : 'bodies as raw keep-alive HTTP'}, ${plural(threads, 'thread')}: ${load.length} in ${(ms / 1000).toFixed(2)} s → ${rates.get(`${mode}/${threads}`)!.toFixed(0)} requests/s`);
  }
  for (const transport of ['sdk', 'raw'] as const) {
    let result: Awaited<ReturnType<typeof run>> | undefined;
    const ms = await best(async () => {
      const t = performance.now();
      result = await run({ kind: 'embedded', seed: 1, runs, workers: threads, target: target(transport) });
      return performance.now() - t;
    });
    const r = result!;
    const perSecond = r.provenance.requests.used / (ms / 1000);
    const vs = (mode: 'sdk' | 'raw') => (perSecond / rates.get(`${mode}/${threads}`)!).toFixed(2);
    console.log(`${runs === 150 ? 'default run' : `run of ${runs} cases per property`}, ${transport} transport, ${plural(threads, 'worker')}: ${r.summary.cases} cases, ${r.provenance.requests.used} requests in ${(ms / 1000).toFixed(2)} s (setup and cleanup included) → ${(r.summary.cases / (ms / 1000)).toFixed(0)} cases/s, ${perSecond.toFixed(0)} requests/s; ${vs('sdk')} × bare SDK, ${vs('raw')} × raw HTTP (${r.summary.verdict})`);
  }
}
await registry.close();

// 2. How soon the suite catches the bugs it was built to catch: each bug-shaped mutant that must be
// NOT_CONFORMANT, at the default settings, and the requests the run had sent when a rule first broke.
const detections: { id: string; requests: number }[] = [];
for (const m of MUTANTS.filter((x) => x.kind === 'bug' && x.expect?.verdict === 'NOT_CONFORMANT')) {
  const mutant = await startRegistry(mutantOptions(m));
  const r = await run({ kind: 'embedded', seed: 1, runs: 150, shrink: false, target: { ...target('sdk'), endpoint: mutant.endpoint } });
  await mutant.close();
  const first = Math.min(...r.rules.filter((x) => x.firstDetection).map((x) => x.firstDetection!.requests));
  if (Number.isFinite(first)) detections.push({ id: m.id, requests: first });
  else console.log(`not detected: ${m.id} (${r.summary.verdict})`);
}
detections.sort((a, b) => a.requests - b.requests);
const median = detections[Math.floor((detections.length - 1) / 2)]!.requests;
const worst = detections[detections.length - 1]!;
console.log(`requests to first detection: median ${median}, max ${worst.requests} over ${detections.length} mutants (slowest: ${worst.id})`);

/**
 * Processor time so far of each thread of a process, in ms, from the kernel's counters (Linux:
 * /proc/PID/task/TID/stat, user + system in clock ticks of 1/100 s); empty where there are none.
 * The profiler cannot say this: its samples are wall-clock, and on busy cores threads wait.
 */
function threadTimes(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Runs a command to its end, sampling its threads' processor time (the last sample of a thread that ends is kept). */
function runSampled(args: string[], env: NodeJS.ProcessEnv): Promise<{ stderr: string; threads: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-64 * 1024); });
    const seen = new Map<string, number>();
    const sample = () => { for (const [tid, ms] of threadTimes(child.pid!)) seen.set(tid, Math.max(ms, seen.get(tid) ?? 0)); };
    const timer = setInterval(sample, 250);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      resolve({ stderr, threads: [...seen.values()].sort((a, b) => b - a) });
    });
  });
}

// 3. A large run as users run it: the built command line in a process of its own, its peak RSS the
// whole process's (every thread), as the kernel counted it, and where its processor time went.
if (BIG > 0) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cli = join(root, 'dist', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'ecr-bench-'));
  // Cases per unit of --runs, as the default run showed, sets --runs for about BIG cases.
  const runs = Math.ceil(BIG / (first.summary.cases / 150));
  const peak = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))";
  for (const transport of ['raw', 'sdk'] as const) {
    const started = performance.now();
    const child = await runSampled(['--import', peak, cli, 'run', '--runs', String(runs), '--seed', '2', '--no-shrink', '--workers', String(BIG_WORKERS), '--transport', transport, '--format', 'json', '--report-dir', dir],
      { ...process.env, ECR_CONFORMANCE_PROGRESS: 'off' });
    const seconds = (performance.now() - started) / 1000;
    const maxrss = Number(/maxrss (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as { summary: { cases: number; verdict: string } };
    console.log(`large run, ${transport} transport (built command line, ${plural(BIG_WORKERS, 'worker')}): ${report.summary.cases} cases in ${seconds.toFixed(0)} s, peak RSS ${maxrss.toFixed(0)} MiB (${report.summary.verdict})`);
    if (child.threads.length > 0) {
      const total = child.threads.reduce((a, b) => a + b, 0) / 1000;
      const busy = child.threads.filter((ms) => ms >= 500).map((ms) => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
      console.log(`  processor time ${total.toFixed(0)} s in ${seconds.toFixed(0)} s on ${plural(CORES, 'core')}; by thread (above 0.5 s): ${busy.join(', ')} s`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
