// The runner: prepares the target, explores every property in parallel, judges, shrinks each
// broken rule's first counterexample in sequence, and returns the run result. It never exits.
import fc from 'fast-check';
import { selectRules, type CatalogueEntry } from '../judge/catalogue.ts';
import { FingerprintTally } from '../judge/fingerprint.ts';
import { FindingTally, judgeCase, judgeViews } from '../judge/judge.ts';
import { readAnswer, view, type View } from '../judge/view.ts';
import { properties, type CaseBody, type Property } from '../generate/properties.ts';
import type { Case, Exchange, Finding, Knowledge } from '../model.ts';
import { BudgetExhausted, Target, type TargetOptions } from '../target/target.ts';
import { UsageError } from '../errors.ts';
import { assembleResult } from './assemble.ts';
import type { Counterexample, RunReplayOptions, RunResult, RunTallies } from './result.ts';
import { caseSeed } from './seeds.ts';
import { cleanup, prepare, type Prepared } from './setup.ts';

export interface RunOptions {
  target: TargetOptions;
  kind: 'embedded' | 'endpoint' | 'aws';
  seed: number;
  /** Cases per property. */
  runs: number;
  rules?: string;
  repository?: string;
  present?: { digest: string; size?: number }[];
  accountId?: string;
  /** A case id (property@seed[:path]) to send alone instead of exploring. */
  replay?: string;
  /** Run only the cases whose global index is congruent to index-1 modulo count. */
  shard?: { index: number; count: number };
  /** Recorded in the report so that `replay` can rebuild the same target knowledge. */
  replayOptions?: RunReplayOptions;
  shrink?: boolean;
  /** Wall-time budget for the whole run, in ms (0 or absent: none). Past it no new case starts. */
  maxTimeMs?: number;
  /** Wall-time bound for shrinking one rule's counterexample. */
  shrinkTimeMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'setup' | 'explore' | 'shrink' | 'cleanup'; done: number; total: number; failing: number }) => void;
  /** Sees every exchange of the exploration as it completes (for logs and recordings). */
  onExchange?: (x: Exchange) => void;
  /** Builds the command that replays a case; the CLI knows its own flags. */
  replayCommand?: (caseId: string, ruleId: string) => string;
  clock?: () => number;
}

interface CaseRun {
  index: number;
  kase: Case;
  exchanges: Exchange[];
  findings: Finding[];
  views?: View[];
}

/** fast-check's shrink path with runs written as value*count: 0:0:0:1 → 0*3:1. */
export function compressPath(path: string): string {
  const parts = path.split(':');
  const out: string[] = [];
  for (let i = 0; i < parts.length;) {
    let j = i;
    while (j < parts.length && parts[j] === parts[i]) j++;
    out.push(j - i > 2 ? `${parts[i]}*${j - i}` : parts.slice(i, j).join(':'));
    i = j;
  }
  return out.join(':');
}

export function expandPath(path: string): string {
  return path.split(':').flatMap((p) => {
    const [value, times] = p.split('*');
    return times === undefined ? [value!] : Array<string>(Number(times)).fill(value!);
  }).join(':');
}

export function parseCaseId(id: string): { property: string; seed: number; path?: string } {
  const m = /^([a-z-]+)@(\d+)(?::([0-9:*]+))?$/.exec(id);
  if (!m) throw new UsageError(`'${id}' is not a case id (property@seed or property@seed:path)`, 'BAD_CASE_ID');
  return { property: m[1]!, seed: Number(m[2]), ...(m[3] !== undefined ? { path: expandPath(m[3]) } : {}) };
}

async function sendCase(target: Target, id: string, body: CaseBody): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for (const step of body.steps) out.push(await target.send(id, step));
  return out;
}

/** Runs `fn` over items pulled lazily from an iterator, `width` at a time, until done or told to stop. */
async function inParallel<T>(items: Iterator<T>, width: number, stop: () => boolean, fn: (item: T) => Promise<void>): Promise<void> {
  const worker = async () => {
    while (!stop()) {
      const next = items.next();
      if (next.done) return;
      await fn(next.value);
      // Planning is synchronous: yield so signals and I/O get their turn.
      await new Promise<void>((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
}

function skipReasons(prepared: Prepared, entries: CatalogueEntry[]): Record<string, string> {
  const k = prepared.knowledge;
  const reasons: Record<string, string> = {};
  const needsRepository = new Set(['shape', 'partition', 'classify', 'metamorphic', 'fingerprint']);
  const hasLayers = k.primary !== undefined && Object.keys(k.repositories[k.primary]?.layers ?? {}).length > 0;
  for (const e of entries) {
    if (!k.primary && needsRepository.has(e.family)) reasons[e.id] = 'no repository could be created or was named (--repository): nothing to check digests against';
    else if ((e.id === 'classify.present' || e.id === 'metamorphic.repository-isolation') && !hasLayers) reasons[e.id] = 'no layer could be stored and none was declared with --present: AVAILABLE cannot be tested';
    else if (e.id === 'metamorphic.repository-isolation' && !k.secondary) reasons[e.id] = 'a second repository is needed and could not be created';
    else if (e.id === 'metamorphic.registry-id' && !k.accountId) reasons[e.id] = 'the caller\'s account id is unknown: pass --account-id';
  }
  return reasons;
}

function outcomeOf(x: Exchange): string {
  const a = readAnswer(x);
  if (a.kind === 'success') return 'success';
  if (a.kind === 'fault') return `fault:${x.fault?.kind}`;
  return a.errorType ?? `HTTP ${a.status}`;
}

const count = (into: Record<string, number>, key: string) => { into[key] = (into[key] ?? 0) + 1; };

/** What a run keeps: tallies in constant memory, plus the smallest failing case of each rule. */
class Accumulator {
  readonly findings = new FindingTally();
  readonly fingerprint = new FingerprintTally();
  readonly coverage = { inputClasses: {} as Record<string, number>, expectedOutcomes: {} as Record<string, number>, observedOutcomes: {} as Record<string, number> };
  readonly faults: { index: number; caseId: string; summary: string }[] = [];
  /** Per broken rule, the smallest case that broke it (fewest request bytes, then earliest). */
  readonly smallest = new Map<string, CaseRun>();
  readonly perProperty: Record<string, number> = {};
  cases = 0;
  exchanges = 0;
  faultCount = 0;
  failing = 0;

  add(r: CaseRun, k: Knowledge, entries: CatalogueEntry[]): void {
    this.cases++;
    count(this.perProperty, r.kase.property);
    this.findings.add(r.findings, r.index);
    for (const c of r.kase.inputClasses) count(this.coverage.inputClasses, c);
    count(this.coverage.expectedOutcomes, r.kase.expected);
    for (const [i, x] of r.exchanges.entries()) {
      this.exchanges++;
      const v = r.views?.[i] ?? view(x);
      this.fingerprint.add(v, k, r.index);
      count(this.coverage.observedOutcomes, outcomeOf(x));
      if (v.answer.kind === 'fault' || v.answer.kind === 'garbage' || v.answer.kind === 'throttled') {
        this.faultCount++;
        this.faults.push({ index: r.index, caseId: x.caseId, summary: v.answer.summary });
        this.faults.sort((a, b) => a.index - b.index).splice(20);
      }
    }
    const breaks = new Set(entries.filter((e) => e.scope !== 'run' && r.findings.some((f) => f.ruleId === e.id && f.verdict === e.breaks)).map((e) => e.id));
    if (r.findings.some((f) => f.verdict === 'FAIL')) this.failing++;
    for (const id of breaks) {
      const held = this.smallest.get(id);
      if (!held || sizeOf(r) < sizeOf(held) || (sizeOf(r) === sizeOf(held) && r.index < held.index)) this.smallest.set(id, { ...r, views: [] });
    }
  }

  tallies(skipReasons: Record<string, string>): RunTallies {
    return {
      findings: this.findings.toJSON(), fingerprint: this.fingerprint.tally, perProperty: this.perProperty,
      ...this.coverage, faults: this.faults, faultCount: this.faultCount, cases: this.cases, exchanges: this.exchanges,
      smallest: Object.fromEntries([...this.smallest].map(([id, r]) => [id, { size: sizeOf(r), index: r.index }])), skipReasons,
    };
  }
}

const sizeOf = (c: CaseRun) => c.exchanges.reduce((n, x) => n + x.request.body.length, 0);

export async function run(o: RunOptions): Promise<RunResult> {
  const clock = o.clock ?? Date.now;
  const started = clock();
  const entries = selectRules(o.rules);
  const target = new Target(o.target, o.signal);
  const progress = o.onProgress ?? (() => {});
  const acc = new Accumulator();
  let prepared: Prepared | undefined;
  const counterexamples = new Map<string, Counterexample>();
  let budgetExhausted = false;
  let leftovers: string[] = [];
  let props: Property[] = [];
  try {
    progress({ phase: 'setup', done: 0, total: 1, failing: 0 });
    prepared = await prepare(target, {
      seed: o.seed, uniqueNames: o.kind !== 'embedded', poolSize: 3, present: o.present ?? [],
      ...(o.repository !== undefined ? { repository: o.repository } : {}),
      ...(o.accountId !== undefined ? { accountId: o.accountId } : {}),
    });
    const k = prepared.knowledge;
    if (prepared.capabilities.implemented && !prepared.capabilities.probeFault) {
      props = properties(k);
      const replayed = o.replay ? [await replayCase(props, o.replay)] : undefined;
      const total = replayed ? 1 : Math.ceil((props.length * o.runs) / (o.shard?.count ?? 1));
      const shard = o.shard;
      // A shard plans only its own cases; every case keeps its index in the whole run's plan.
      const cases = replayed
        ? replayed.map((kase) => ({ index: 0, kase })).values()
        : planCases(props, o.seed, o.runs, shard ? (i) => i % shard.count === shard.index - 1 : undefined);
      const stop = () => {
        if (!budgetExhausted && o.maxTimeMs && clock() - started > o.maxTimeMs) budgetExhausted = true;
        return budgetExhausted || Boolean(o.signal?.aborted);
      };
      await inParallel(cases, o.target.concurrency, stop, async ({ index: mine, kase }) => {
        try {
          const exchanges = await sendCase(target, kase.id, kase);
          if (o.onExchange) for (const x of exchanges) o.onExchange(x);
          const views = exchanges.map(view);
          acc.add({ index: mine, kase, exchanges, views, findings: judgeViews(kase.id, views, k, entries) }, k, entries);
        } catch (e) {
          if (e instanceof BudgetExhausted) budgetExhausted = true;
          else throw e;
        }
        progress({ phase: 'explore', done: acc.cases, total, failing: acc.failing });
      });
      if (o.shrink !== false && !o.replay && !budgetExhausted) {
        await shrinkAll(o, target, k, entries, props, acc.smallest, counterexamples, (done, all) => progress({ phase: 'shrink', done, total: all, failing: acc.failing }));
      }
    }
  } finally {
    progress({ phase: 'cleanup', done: 0, total: 1, failing: 0 });
    if (prepared) {
      try {
        target.liftBudgetForCleanup();
        leftovers = await cleanup(target, prepared.created);
      } catch (e) {
        leftovers = prepared.created.map((n) => `${n} (${(e as Error).message})`);
      }
    }
    target.close();
  }
  const replay = o.replayCommand ?? ((caseId: string, ruleId: string) => `ecr-conformance run --seed ${o.seed} --replay ${caseId} --rules ${ruleId}`);
  const unshrunk: Record<string, Counterexample> = {};
  for (const [id, r] of acc.smallest) {
    unshrunk[id] = { caseId: r.kase.id, property: r.kase.property, inputClasses: r.kase.inputClasses, shrinkSteps: 0, shrunk: false, exchanges: r.exchanges, replay: '' };
  }
  return assembleResult({
    provenance: {
      target: { kind: o.kind, description: target.description, region: o.target.region, transport: o.target.transport },
      seed: o.seed, runs: o.runs, rules: o.rules ?? '*',
      startedAt: new Date(started).toISOString(), durationMs: Math.round(clock() - started),
      requests: { used: target.requestsUsed, budget: o.target.maxRequests, throttled: target.throttled, rps: o.target.rps },
      interrupted: Boolean(o.signal?.aborted), budgetExhausted,
      options: o.replayOptions ?? {},
      ...(o.shard ? { shard: o.shard } : {}),
    },
    capabilities: prepared!.capabilities,
    properties: props.map((p) => ({ name: p.name, about: p.about })),
    tallies: acc.tallies(skipReasons(prepared!, entries)),
    counterexamples: { ...unshrunk, ...Object.fromEntries(counterexamples) },
    leftovers,
    replay,
  });
}

/**
 * The cases a run explores, made one at a time: `runs` per property, each from its own derived seed,
 * with its index in the whole plan. Cases `include` rejects are not even generated.
 */
export function* planCases(props: Property[], seed: number, runs: number, include?: (index: number) => boolean): Generator<{ index: number; kase: Case }> {
  let index = 0;
  for (const p of props) {
    for (let i = 0; i < runs; i++, index++) {
      if (include && !include(index)) continue;
      const s = caseSeed(seed, p.name, i);
      const body = fc.sample(p.arbitrary, { seed: s, numRuns: 1 })[0]!;
      yield { index, kase: { id: `${p.name}@${s}`, property: p.name, ...body } };
    }
  }
}

export const plan = (props: Property[], seed: number, runs: number): Case[] => [...planCases(props, seed, runs)].map((c) => c.kase);

async function replayCase(props: Property[], id: string): Promise<Case> {
  const { property, seed, path } = parseCaseId(id);
  const p = props.find((x) => x.name === property);
  if (!p) throw new UsageError(`case ${id}: this target has no property '${property}' (it may need a capability the target lacks)`, 'BAD_CASE_ID');
  if (path === undefined) return { id, property, ...fc.sample(p.arbitrary, { seed, numRuns: 1 })[0]! };
  let captured: CaseBody | undefined;
  await fc.check(fc.asyncProperty(p.arbitrary, async (v) => { captured = v; return false; }), { seed, path, endOnFailure: true });
  if (!captured) throw new UsageError(`case ${id}: the path does not lead to a case`, 'BAD_CASE_ID');
  return { id, property, ...captured };
}

async function shrinkAll(o: RunOptions, target: Target, k: Knowledge, entries: CatalogueEntry[], props: Property[], smallest: Map<string, CaseRun>,
  out: Map<string, Counterexample>, progress: (done: number, total: number) => void): Promise<void> {
  const broken = entries.filter((e) => e.rule.scope !== 'run' && smallest.has(e.id));
  let done = 0;
  for (const entry of broken) {
    if (o.signal?.aborted) return;
    progress(done++, broken.length);
    // Shrink the smallest failing case: fixed-size lists (exactly 100 digests) cannot shrink.
    const first = smallest.get(entry.id)!;
    const p = props.find((x) => x.name === first.kase.property)!;
    const { seed } = parseCaseId(first.kase.id);
    let last: { body: CaseBody; exchanges: Exchange[] } = { body: first.kase, exchanges: first.exchanges };
    let steps = 0;
    const result = await fc.check(fc.asyncProperty(p.arbitrary, async (body) => {
      steps++;
      const exchanges = await sendCase(target, first.kase.id, body);
      const isBroken = judgeCase(first.kase.id, exchanges, k, [entry]).some((f) => f.verdict === entry.breaks);
      if (isBroken) last = { body, exchanges };
      return !isBroken;
    }), { seed, numRuns: 1, interruptAfterTimeLimit: o.shrinkTimeMs ?? 20_000, markInterruptAsFailure: false }).catch((e: unknown) => {
      if (e instanceof BudgetExhausted) return undefined;
      throw e;
    });
    const path = result?.failed ? result.counterexamplePath ?? undefined : undefined;
    const caseId = path ? `${p.name}@${seed}:${compressPath(path)}` : first.kase.id;
    out.set(entry.id, {
      caseId, property: p.name, inputClasses: last.body.inputClasses, shrinkSteps: Math.max(0, steps - 1), shrunk: Boolean(path && path.includes(':')),
      exchanges: last.exchanges.map((x) => ({ ...x, caseId })),
      replay: o.replayCommand ? o.replayCommand(caseId, entry.id) : `ecr-conformance run --seed ${o.seed} --replay ${caseId} --rules ${entry.id}`,
    });
  }
  progress(done, broken.length);
}

