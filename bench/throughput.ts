// Benchmark (not a test): the suite's speed beside the bare cost of the same HTTP calls, all measured
// in this one run against the same embedded registry (in a thread of its own, as `run` starts it),
// with one thread and with as many threads as cores, printed as ratios; how soon the suite catches
// its bug-shaped mutants; then the time and peak memory of a large run of the built command line.
// Usage: npm run bench [-- --big-cases 100000 --big-workers N --big-node-flags "--single-threaded-gc"]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchCheckLayerAvailabilityCommand, type BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import type { Case, Exchange } from '../src/model.ts';
import type { RunOptions } from '../src/run/runner.ts';
import type { RunResult } from '../src/run/result.ts';

// The suite as users run it: the built package (`npm run bench` builds it first), so its threads load
// compiled JavaScript, not TypeScript through tsx. Typed by the sources, which need no build to check.
const built = <T>(path: string) => import(new URL(`../dist/${path}`, import.meta.url).href) as Promise<T>;
const { startRegistryThread } = await built<typeof import('../src/registry/thread.ts')>('registry/thread.js');
const { MUTANTS, mutantOptions } = await built<typeof import('../src/registry/mutants.ts')>('registry/mutants.js');
const { startRegistry } = await built<typeof import('../src/registry/server.ts')>('registry/server.js');
const { Accumulator, freshLayers, planCases, run, sendCase } = await built<typeof import('../src/run/runner.ts')>('run/runner.js');
const { cleanup, prepare } = await built<typeof import('../src/run/setup.ts')>('run/setup.js');
const { properties } = await built<typeof import('../src/generate/properties.ts')>('generate/properties.js');
const { selectRules } = await built<typeof import('../src/judge/catalogue.ts')>('judge/catalogue.js');
const { judgeViews } = await built<typeof import('../src/judge/judge.ts')>('judge/judge.js');
const { view } = await built<typeof import('../src/judge/view.ts')>('judge/view.js');
const { Target } = await built<typeof import('../src/target/target.ts')>('target/target.js');
const { SdkTransport } = await built<typeof import('../src/target/sdk-transport.ts')>('target/sdk-transport.js');
const { spawnWorker } = await built<typeof import('../src/threads.ts')>('threads.js');
const { DUMMY_CREDENTIALS, makeEcrClient } = await built<typeof import('../src/target/client.ts')>('target/client.js');
const { createRepository } = await built<typeof import('../src/target/seed.ts')>('target/seed.js');
const { amzTarget } = await built<typeof import('../src/spec/index.ts')>('spec/index.js');

/**
 * The bare cost of the same calls: the SDK as an application makes its client; the SDK with its
 * `cacheMiddleware` option on, as the suite's SDK transport makes it (so that the suite's own cost
 * shows apart from what the option saves); raw keep-alive HTTP.
 */
type Ceiling = 'sdk' | 'sdk-cached' | 'raw';
const CEILINGS: readonly Ceiling[] = ['sdk', 'sdk-cached', 'raw'];
const CEILING_NAMES: Record<Ceiling, { rows: string; short: string }> = {
  sdk: { rows: 'requests as bare SDK calls', short: 'bare SDK' },
  'sdk-cached': { rows: 'requests as bare SDK calls with cacheMiddleware', short: 'bare SDK with cacheMiddleware' },
  raw: { rows: 'bodies as raw keep-alive HTTP', short: 'raw HTTP' },
};

/** What a thread of load-worker.mjs is given. */
interface LoadInput {
  endpoint: string;
  bodies: string[];
  mode: Ceiling;
  warm: boolean;
  width: number;
  amzTarget: string;
  credentials: typeof DUMMY_CREDENTIALS;
}

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONCURRENCY = 16;
const CORES = availableParallelism();
const BIG = arg('--big-cases', 100_000);
const BIG_WORKERS = arg('--big-workers', CORES);
/** Node or V8 flags to make each large run with a second time, beside the run without them (space-separated). */
const BIG_NODE_FLAGS = (() => {
  const i = process.argv.indexOf('--big-node-flags');
  return i >= 0 ? (process.argv[i + 1] ?? '').split(/\s+/).filter(Boolean) : [];
})();
const REPEAT = 3;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const registry = await startRegistryThread({ options: {} });
await createRepository(makeEcrClient({ endpoint: registry.endpoint }), { repositoryName: 'bench' });
const target = (transport: 'sdk' | 'raw'): RunOptions['target'] => ({ endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 10_000, rps: 0, maxRequests: 0, concurrency: CONCURRENCY, transport });

/**
 * The bodies a run of `runs` cases per property sends (on one thread, as the same seed's plan is the
 * same whatever the threads). Its repositories are gone once it ends, so the ceilings send every body
 * to the 'bench' repository.
 */
async function bodiesOf(runs: number): Promise<{ bodies: string[]; result: RunResult }> {
  const sent: string[] = [];
  const result = await run({ onExchange: (x) => { if (!x.action) sent.push(x.request.body); }, kind: 'embedded', seed: 1, runs, target: target('sdk') });
  return { bodies: sent.map((b) => b.replace(/"repositoryName":"ecr-conformance-[^"]*"/, '"repositoryName":"bench"')), result };
}
// A default run (which also warms this thread's code up). Warm ceilings send its bodies four times
// over, so that each measurement lasts long enough to be steady; cold ones send exactly the run's
// bodies, since starting the threads is part of what they measure.
const { bodies, result: first } = await bodiesOf(150);
const loads = new Map([[150, [bodies, bodies, bodies, bodies].flat()]]);

/**
 * Requests a second over the second half of a pass's requests, from samples of (time in ms on a clock
 * every thread shares, requests answered so far): by then fresh threads have compiled their hot code,
 * so this is their warm pace. A run's samples are its progress reports while it explored; a ceiling's,
 * each answer's time.
 */
function secondHalfRate(samples: { at: number; requests: number }[]): number {
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const half = first.requests + (last.requests - first.requests) / 2;
  const i = samples.findIndex((x) => x.requests >= half);
  const a = samples[Math.max(0, i - 1)]!;
  const b = samples[i]!;
  const at = b.requests === a.requests ? b.at : a.at + ((half - a.requests) / (b.requests - a.requests)) * (b.at - a.at);
  return (last.requests - half) / ((last.at - at) / 1000);
}

/**
 * The same bodies, split across `threads` threads, as bare SDK calls or raw keep-alive HTTP. Warm: ms
 * from go to the last answer, after a pass that warmed the threads' code up (as the default run's
 * thread, the bench's own, is warm). Cold: ms from starting the threads, as a run starts its explorers.
 */
async function ceiling(load: string[], mode: Ceiling, threads: number, warm: boolean): Promise<{ ms: number; secondHalf: number }> {
  const spawned = performance.now();
  const workers = Array.from({ length: threads }, (_, t) => spawnWorker(new URL('./load-worker.mjs', import.meta.url), {
    endpoint: registry.endpoint, mode, warm, amzTarget: amzTarget('BatchCheckLayerAvailability'), credentials: DUMMY_CREDENTIALS, width: Math.ceil(CONCURRENCY / threads), bodies: load.filter((_, i) => i % threads === t),
  } satisfies LoadInput));
  const next = () => Promise.all(workers.map((w) => new Promise<{ answered?: number[] }>((resolve) => w.once('message', resolve))));
  let started = spawned;
  let reports: { answered?: number[] }[];
  if (warm) {
    await next();
    started = performance.now();
    const done = next();
    for (const w of workers) w.postMessage('go');
    reports = await done;
  } else {
    reports = await next();
  }
  const ms = performance.now() - started;
  await Promise.all(workers.map((w) => w.terminate()));
  const answered = reports.flatMap((r) => r.answered ?? []).sort((x, y) => x - y);
  return { ms, secondHalf: secondHalfRate(answered.map((at, i) => ({ at, requests: i + 1 }))) };
}

// 1. The suite beside the same requests made bare with the same number of threads: a default run
// (150 cases per property) on one thread, and a run ten times that size on every core (11,175 cases:
// on 2 cores, about where two threads break even with one through the SDK; see AUTO_CASES_PER_CORE
// in src/run/runner.ts for where --workers auto starts them). The one-thread
// run is on this thread, warm, so its ceilings are measured warm; a run on every core starts its
// threads, so those ceilings start theirs too. The measurements take turns, REPEAT times, and each
// keeps its best: this machine's speed drifts by a third within an hour, and taking turns lets every
// measurement see the same drift.
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
for (const [threads, runs] of [[1, 150], ...(CORES > 1 ? [[CORES, 1500]] : [])] as const) {
  const warm = threads === 1;
  if (!loads.has(runs)) loads.set(runs, (await bodiesOf(runs)).bodies);
  const load = loads.get(runs)!;
  const ceilingMs: Record<Ceiling, number> = { sdk: Infinity, 'sdk-cached': Infinity, raw: Infinity };
  const ceilingHalf: Record<Ceiling, number> = { sdk: 0, 'sdk-cached': 0, raw: 0 };
  const suite = { sdk: { ms: Infinity, half: 0, result: undefined as RunResult | undefined }, raw: { ms: Infinity, half: 0, result: undefined as RunResult | undefined } };
  for (let i = 0; i < REPEAT; i++) {
    for (const mode of CEILINGS) {
      const c = await ceiling(load, mode, threads, warm);
      ceilingMs[mode] = Math.min(ceilingMs[mode], c.ms);
      ceilingHalf[mode] = Math.max(ceilingHalf[mode], c.secondHalf);
    }
    for (const transport of ['sdk', 'raw'] as const) {
      const samples: { at: number; requests: number }[] = [];
      let exploring = true;
      const t = performance.now();
      const result = await run({
        kind: 'embedded', seed: 1, runs, workers: threads, target: target(transport),
        // The explore phase's progress, and the first report after it (its end).
        onProgress: (p) => {
          if (!exploring) return;
          if (p.phase === 'explore' || samples.length > 0) samples.push({ at: performance.timeOrigin + performance.now(), requests: p.requests });
          if (p.phase !== 'explore' && samples.length > 0) exploring = false;
        },
      });
      const ms = performance.now() - t;
      if (ms < suite[transport].ms) suite[transport] = { ...suite[transport], ms, result };
      suite[transport].half = Math.max(suite[transport].half, secondHalfRate(samples));
    }
  }
  const rate = (mode: Ceiling) => load.length / (ceilingMs[mode] / 1000);
  for (const mode of CEILINGS) {
    console.log(`the same ${CEILING_NAMES[mode].rows}, ${plural(threads, 'thread')} (${warm ? 'warm' : 'started for it, as the run starts its workers'}): ${load.length} in ${(ceilingMs[mode] / 1000).toFixed(2)} s → ${rate(mode).toFixed(0)} requests/s`);
  }
  for (const transport of ['sdk', 'raw'] as const) {
    const { ms, result } = suite[transport];
    const r = result!;
    const perSecond = r.provenance.requests.used / (ms / 1000);
    const vs = (mode: Ceiling) => `${(perSecond / rate(mode)).toFixed(2)} × ${CEILING_NAMES[mode].short}`;
    console.log(`${runs === 150 ? 'default run' : `run of ${runs} cases per property`}, ${transport} transport, ${plural(threads, 'worker')}: ${r.summary.cases} cases, ${r.provenance.requests.used} requests in ${(ms / 1000).toFixed(2)} s (setup and cleanup included) → ${(r.summary.cases / (ms / 1000)).toFixed(0)} cases/s, ${perSecond.toFixed(0)} requests/s; ${CEILINGS.map(vs).join(', ')} (${r.summary.verdict})`);
    // Each worker's share and when it finished: a thread done early leaves its core idle meanwhile.
    const shares = r.provenance.workers;
    if (shares) {
      const at = shares.map((w) => w.finishedMs);
      console.log(`  its workers: ${shares.map((w) => `${w.cases} cases, done at ${(w.finishedMs / 1000).toFixed(2)} s`).join('; ')} (${((Math.max(...at) - Math.min(...at)) / 1000).toFixed(2)} s apart)`);
    }
  }
  // Fresh threads start with cold code: their warm pace is that of the second half of their requests.
  if (!warm) {
    const half = (rate: number, mode: Ceiling) => `${(rate / ceilingHalf[mode]).toFixed(2)} × ${CEILING_NAMES[mode].short}`;
    console.log(`second half of the requests (warm by then), ${plural(threads, 'thread')}: ${CEILINGS.map((m) => `${CEILING_NAMES[m].short} ${ceilingHalf[m].toFixed(0)}`).join(', ')} requests/s; ${(['sdk', 'raw'] as const).map((t) => `${t} transport ${suite[t].half.toFixed(0)} requests/s → ${CEILINGS.map((m) => half(suite[t].half, m)).join(', ')}`).join('; ')}`);
  }
}
// 1b. Where one thread's time goes, warm, piece by piece: the same bodies as bare SDK calls and through
// the suite's SDK transport (its deadline, size cap and recording), 16 at a time, this thread the busy
// one; making the default plan's cases; judging them and folding them into tallies. Each best of REPEAT.
{
  const inputs = bodies.flatMap((b) => {
    try {
      const j = JSON.parse(b) as unknown;
      return j && typeof j === 'object' && !Array.isArray(j) ? [j as BatchCheckLayerAvailabilityCommandInput] : [];
    } catch {
      return [];
    }
  });
  const calls = [...inputs, ...inputs];
  const perCall = async (fn: (input: BatchCheckLayerAvailabilityCommandInput) => Promise<unknown>) => {
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < calls.length) await fn(calls[next++]!); }));
    return ((performance.now() - t) * 1000) / calls.length;
  };
  const bareClient = (cacheMiddleware: boolean) => new ECRClient({ endpoint: registry.endpoint, region: 'us-east-1', credentials: DUMMY_CREDENTIALS, maxAttempts: 1, cacheMiddleware });
  const bare = bareClient(false);
  const cached = bareClient(true);
  const transport = new SdkTransport({ endpoint: registry.endpoint, region: 'us-east-1', credentials: async () => DUMMY_CREDENTIALS, timeoutMs: 10_000, maxResponseBytes: 1 << 20, maxSockets: CONCURRENCY });
  // The cases of a default plan against a target set up as a run sets it up, and what they got back.
  const seeding = new Target(target('sdk'));
  const created: string[] = [];
  const { knowledge: k } = await prepare(seeding, { seed: 1, uniqueNames: false, prefixOnly: false, poolSize: 4, present: [] }, created);
  const props = properties(k);
  const entries = selectRules(undefined);
  const fresh = freshLayers();
  const sentCases: { kase: Case; exchanges: Exchange[] }[] = [];
  for (const { kase } of planCases(props, 1, 150)) sentCases.push({ kase, exchanges: await sendCase(seeding, kase.id, kase, fresh) });
  const best = { bare: Infinity, cached: Infinity, transport: Infinity, make: Infinity, judge: Infinity };
  for (let i = 0; i < REPEAT; i++) {
    best.bare = Math.min(best.bare, await perCall((input) => bare.send(new BatchCheckLayerAvailabilityCommand(input)).catch(() => undefined)));
    best.cached = Math.min(best.cached, await perCall((input) => cached.send(new BatchCheckLayerAvailabilityCommand(input)).catch(() => undefined)));
    best.transport = Math.min(best.transport, await perCall((input) => transport.send(input)));
    let t = performance.now();
    let made = 0;
    for (let r = 0; r < 10; r++) for (const _ of planCases(props, 1000 + r, 150)) made++;
    best.make = Math.min(best.make, ((performance.now() - t) * 1000) / made);
    t = performance.now();
    const acc = new Accumulator();
    sentCases.forEach(({ kase, exchanges }, index) => {
      const views = exchanges.map(view);
      acc.add({ index, kase, exchanges, views, findings: judgeViews(kase.id, views, k, entries) }, k, entries, 0);
    });
    best.judge = Math.min(best.judge, ((performance.now() - t) * 1000) / sentCases.length);
  }
  await cleanup(seeding, created);
  seeding.close();
  bare.destroy();
  cached.destroy();
  transport.close();
  const requestsPerCase = sentCases.reduce((n, c) => n + c.exchanges.filter((x) => !x.action).length, 0) / sentCases.length;
  console.log(`one warm thread, piece by piece: a call ${best.bare.toFixed(0)} µs bare, ${best.cached.toFixed(0)} µs bare with cacheMiddleware, ${best.transport.toFixed(0)} µs through the suite's SDK transport; a case (${requestsPerCase.toFixed(2)} requests) ${best.make.toFixed(0)} µs to make, ${best.judge.toFixed(0)} µs to judge and tally`);
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
// whole process's (every thread), as the kernel counted it, and where its processor time went. With
// --big-node-flags, each transport's large run is made a second time right after, under those node
// flags, and that line gives its time against the first's (e.g. --single-threaded-gc, to see how much
// of the helper threads' time is garbage collection that would otherwise fall on the explorers).
if (BIG > 0) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cli = join(root, 'dist', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'ecr-bench-'));
  // Cases per unit of --runs, as the default run showed, sets --runs for about BIG cases.
  const runs = Math.ceil(BIG / (first.summary.cases / 150));
  const peak = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))";
  for (const transport of ['raw', 'sdk'] as const) {
    let plain: number | undefined;
    for (const v8Flags of BIG_NODE_FLAGS.length > 0 ? [[], BIG_NODE_FLAGS] : [[]]) {
      const started = performance.now();
      const child = await runSampled([...v8Flags, '--import', peak, cli, 'run', '--runs', String(runs), '--seed', '2', '--no-shrink', '--workers', String(BIG_WORKERS), '--transport', transport, '--format', 'json', '--report-dir', dir],
        { ...process.env, ECR_CONFORMANCE_PROGRESS: 'off' });
      const seconds = (performance.now() - started) / 1000;
      const maxrss = Number(/maxrss (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
      const reportFile = join(dir, 'conformance.json');
      if (!existsSync(reportFile)) throw new Error(`the large run${v8Flags.length > 0 ? ` under node ${v8Flags.join(' ')}` : ''} wrote no report; it said:\n${child.stderr.slice(-2000)}`);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { summary: { cases: number; verdict: string } };
      rmSync(reportFile);
      const how = v8Flags.length > 0 ? `, node ${v8Flags.join(' ')}` : '';
      const against = plain !== undefined ? `; ${(seconds / plain).toFixed(2)} × the time without` : '';
      console.log(`large run, ${transport} transport (built command line, ${plural(BIG_WORKERS, 'worker')}${how}): ${report.summary.cases} cases in ${seconds.toFixed(0)} s, peak RSS ${maxrss.toFixed(0)} MiB (${report.summary.verdict})${against}`);
      plain ??= seconds;
      if (child.threads.length > 0) {
        const total = child.threads.reduce((a, b) => a + b, 0) / 1000;
        const busy = child.threads.filter((ms) => ms >= 500).map((ms) => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
        console.log(`  processor time ${total.toFixed(0)} s in ${seconds.toFixed(0)} s on ${plural(CORES, 'core')}; by thread (above 0.5 s): ${busy.join(', ')} s`);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
