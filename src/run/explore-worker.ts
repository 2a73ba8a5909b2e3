// One worker thread of a run (--workers): it explores its share of the plan — the cases it claims as it
// goes, from a counter every thread shares, so that all finish together; the lifecycle scenarios the
// first worker sends (one at a time: they share one scratch repository) — against the target, judges
// them, and hands back its tallies and its smallest failing cases, which the main thread joins as merge
// joins shards.
import { parentPort, workerData } from 'node:worker_threads';
import { properties, propertiesFor } from '../generate/properties.ts';
import { selectRules } from '../judge/catalogue.ts';
import type { Knowledge } from '../model.ts';
import { Target, type TargetOptions } from '../target/target.ts';
import { RoundGate } from './round-gate.ts';
import { explore, freshLayers, Mutex, sharedClaims, type RunOptions } from './runner.ts';

export interface WorkerInput {
  options: Omit<RunOptions, 'target' | 'signal' | 'ledger' | 'onProgress' | 'onExchange' | 'beforeCleanup' | 'replayCommand' | 'clock'>;
  target: TargetOptions;
  k: Knowledge;
  /** 0 for the first worker, which sends the lifecycle scenarios. */
  index: number;
  started: number;
  /** When a soak ends (Date.now): the same for every thread. */
  soakEnds?: number;
  /** The run's request count, in shared memory: every thread adds its requests. */
  requestCount: Int32Array;
  /** Claims on the shared cases of the round under way, in shared memory (see planCases). */
  claimed: Int32Array;
  /** The tags setup put on the repositories it created (against AWS), for the scenarios' CreateRepository. */
  creationTags?: { Key: string; Value: string }[];
}

const d = workerData as WorkerInput;
const controller = new AbortController();
// Soak rounds start when the main thread says every thread has finished the one before.
const rounds = new RoundGate();
parentPort!.on('message', (m: unknown) => {
  if (m === 'stop') controller.abort();
  if (typeof m === 'object' && m !== null && 'go' in m) rounds.release((m as { go: number }).go);
});
controller.signal.addEventListener('abort', () => rounds.open());
const target = new Target(d.target, controller.signal);
target.shareRequestCount(d.requestCount);
if (d.creationTags) target.creationTags = d.creationTags;
const entries = selectRules(d.options.rules);
const props = propertiesFor(properties(d.k), entries.map((e) => e.id));
let last = 0;
try {
  const out = await explore({ ...d.options, target: d.target, signal: controller.signal }, {
    target, k: d.k, entries, props, lifecycle: new Mutex(), fresh: freshLayers(), started: d.started, clock: Date.now,
    include: (_i, p) => p.exclusive !== true || d.index === 0,
    claims: sharedClaims(d.claimed),
    onRound: (round) => parentPort!.postMessage({ round }),
    beforeRound: (round) => rounds.wait(round),
    ...(d.soakEnds !== undefined ? { soakEnds: d.soakEnds } : {}),
  }, (cases, planned, failing) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    parentPort!.postMessage({ progress: { cases, failing, planned } });
  });
  parentPort!.postMessage({
    done: {
      part: out.acc.part(), rounds: out.rounds, budgetExhausted: out.budgetExhausted, timeExhausted: out.timeExhausted, planned: out.planned,
      cases: out.acc.cases, finishedMs: Date.now() - d.started,
      requests: { used: target.requestsUsed, throttled: target.throttled, transientErrors: target.transientErrors, recovered: target.recovered },
    },
  });
} finally {
  target.close();
}
