// The runner: prepares the target, explores every property in parallel, judges, shrinks each
// broken rule's first counterexample in sequence, and returns the run result. It never exits.
import fc from 'fast-check';
import { catalogue, selectRules, type CatalogueEntry } from '../judge/catalogue.ts';
import { fingerprint } from '../judge/fingerprint.ts';
import { judgeCase, judgeRun, verdicts } from '../judge/judge.ts';
import { readAnswer, view, type View } from '../judge/view.ts';
import { properties, type CaseBody, type Property } from '../generate/properties.ts';
import type { Case, Exchange, Finding, Knowledge, Verdict } from '../model.ts';
import { specChecksum } from '../spec/index.ts';
import { BudgetExhausted, Target, type TargetOptions } from '../target/target.ts';
import { UsageError } from '../errors.ts';
import { RESULT_SCHEMA, type Counterexample, type RuleResult, type RunResult, type RunVerdict } from './result.ts';
import { caseSeed } from './seeds.ts';
import { cleanup, prepare, type Prepared } from './setup.ts';
import { versions } from './versions.ts';

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
  shrink?: boolean;
  /** Wall-time bound for shrinking one rule's counterexample. */
  shrinkTimeMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'setup' | 'explore' | 'shrink' | 'cleanup'; done: number; total: number; failing: number }) => void;
  /** Builds the command that replays a case; the CLI knows its own flags. */
  replayCommand?: (caseId: string, ruleId: string) => string;
  clock?: () => number;
}

interface CaseRun {
  index: number;
  kase: Case;
  exchanges: Exchange[];
  findings: Finding[];
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

async function inParallel<T>(items: T[], width: number, signal: AbortSignal | undefined, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
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

export async function run(o: RunOptions): Promise<RunResult> {
  const clock = o.clock ?? Date.now;
  const started = clock();
  const entries = selectRules(o.rules);
  const target = new Target(o.target, o.signal);
  const progress = o.onProgress ?? (() => {});
  let prepared: Prepared | undefined;
  const runs: CaseRun[] = [];
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
      const cases = o.replay ? [await replayCase(props, o.replay)] : plan(props, o.seed, o.runs);
      let done = 0;
      let failing = 0;
      await inParallel(cases.map((kase, index) => ({ kase, index })), o.target.concurrency, o.signal, async ({ kase, index }) => {
        if (budgetExhausted) return;
        try {
          const exchanges = await sendCase(target, kase.id, kase);
          const findings = judgeCase(kase.id, exchanges, k, entries);
          if (findings.some((f) => f.verdict === 'FAIL')) failing++;
          runs.push({ index, kase, exchanges, findings });
        } catch (e) {
          if (e instanceof BudgetExhausted) budgetExhausted = true;
          else throw e;
        }
        progress({ phase: 'explore', done: ++done, total: cases.length, failing });
      });
      runs.sort((a, b) => a.index - b.index);
      if (o.shrink !== false && !o.replay && !budgetExhausted) {
        await shrinkAll(o, target, k, entries, props, runs, counterexamples, (done, total) => progress({ phase: 'shrink', done, total, failing }));
      }
    }
  } finally {
    progress({ phase: 'cleanup', done: 0, total: 1, failing: 0 });
    if (prepared) {
      try {
        leftovers = await cleanup(target, prepared.created);
      } catch (e) {
        leftovers = prepared.created.map((n) => `${n} (${(e as Error).message})`);
      }
    }
    target.close();
  }
  return assemble(o, started, clock() - started, target, prepared!, entries, props, runs, counterexamples, budgetExhausted, leftovers);
}

/** The cases a run explores: `runs` per property, each from its own derived seed. */
export function plan(props: Property[], seed: number, runs: number): Case[] {
  const out: Case[] = [];
  for (const p of props) {
    for (let i = 0; i < runs; i++) {
      const s = caseSeed(seed, p.name, i);
      const body = fc.sample(p.arbitrary, { seed: s, numRuns: 1 })[0]!;
      out.push({ id: `${p.name}@${s}`, property: p.name, ...body });
    }
  }
  return out;
}

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

async function shrinkAll(o: RunOptions, target: Target, k: Knowledge, entries: CatalogueEntry[], props: Property[], runs: CaseRun[],
  out: Map<string, Counterexample>, progress: (done: number, total: number) => void): Promise<void> {
  const broken = entries.filter((e) => e.rule.scope !== 'run' && runs.some((r) => r.findings.some((f) => f.ruleId === e.id && f.verdict === e.breaks)));
  let done = 0;
  for (const entry of broken) {
    if (o.signal?.aborted) return;
    progress(done++, broken.length);
    // Shrink the smallest failing case: fixed-size lists (exactly 100 digests) cannot shrink.
    const size = (r: CaseRun) => r.exchanges.reduce((n, x) => n + x.request.body.length, 0);
    const first = runs.filter((r) => r.findings.some((f) => f.ruleId === entry.id && f.verdict === entry.breaks)).sort((a, b) => size(a) - size(b) || a.index - b.index)[0]!;
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

function assemble(o: RunOptions, startedAt: number, durationMs: number, target: Target, prepared: Prepared, entries: CatalogueEntry[], props: Property[],
  runs: CaseRun[], counterexamples: Map<string, Counterexample>, budgetExhausted: boolean, leftovers: string[]): RunResult {
  const k = prepared.knowledge;
  const views: View[] = runs.flatMap((r) => r.exchanges.map(view));
  const findings = [...runs.flatMap((r) => r.findings), ...judgeRun(views, k, entries)];
  const faults = runs.flatMap((r) => r.exchanges).filter((x) => { const kind = readAnswer(x).kind; return kind === 'fault' || kind === 'garbage' || kind === 'throttled'; });
  const cap = prepared.capabilities;
  const ctx = {
    skipReasons: skipReasons(prepared, entries),
    faults: faults.length + (cap.probeFault ? 1 : 0),
    ...(cap.implemented ? {} : { notImplemented: cap.notImplementedEvidence ?? 'not implemented' }),
    ...(cap.probeFault ? { untestable: cap.probeFault } : {}),
  };
  const folded = verdicts(entries, findings, ctx);
  const byId = new Map(catalogue().map((e) => [e.id, e]));
  const rules: RuleResult[] = folded.map((v) => {
    const e = byId.get(v.ruleId)!;
    const r: RuleResult = { id: e.id, family: e.family, statement: e.statement, evidence: e.evidence, source: e.source, verdict: v.verdict, passed: v.passed, broken: v.broken, message: v.message };
    const cx = counterexamples.get(e.id);
    if (cx) r.counterexample = cx;
    else if ((v.verdict === 'FAIL' || v.verdict === 'DIVERGENT') && v.caseId) {
      const runOf = runs.find((x) => x.kase.id === v.caseId);
      if (runOf) r.counterexample = { caseId: runOf.kase.id, property: runOf.kase.property, inputClasses: runOf.kase.inputClasses, shrinkSteps: 0, shrunk: false, exchanges: runOf.exchanges,
        replay: o.replayCommand ? o.replayCommand(runOf.kase.id, e.id) : `ecr-conformance run --seed ${o.seed} --replay ${runOf.kase.id} --rules ${e.id}` };
    }
    const examples = [...new Set(findings.filter((f) => f.ruleId === e.id && f.verdict === e.breaks && f.caseId).map((f) => f.caseId!))].slice(0, 5);
    if (examples.length > 0) r.examples = examples;
    return r;
  });
  const counts = { PASS: 0, FAIL: 0, DIVERGENT: 0, NOT_IMPLEMENTED: 0, SKIPPED: 0, ERROR: 0 } as Record<Verdict, number>;
  for (const r of rules) counts[r.verdict]++;
  const verdict: RunVerdict = !prepared.capabilities.implemented ? 'NOT_IMPLEMENTED' : counts.FAIL > 0 ? 'NOT_CONFORMANT' : counts.ERROR > 0 || ctx.faults > 0 ? 'UNTESTABLE' : 'CONFORMANT';
  const coverage: RunResult['coverage'] = { inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, properties: props.map((p) => ({ name: p.name, about: p.about, cases: runs.filter((r) => r.kase.property === p.name).length })) };
  for (const r of runs) {
    for (const c of r.kase.inputClasses) count(coverage.inputClasses, c);
    count(coverage.expectedOutcomes, r.kase.expected);
    for (const x of r.exchanges) count(coverage.observedOutcomes, outcomeOf(x));
  }
  const v = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: v.suite },
      sdk: { package: '@aws-sdk/client-ecr', version: v.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      target: { kind: o.kind, description: target.description, region: o.target.region, transport: o.target.transport },
      seed: o.seed,
      runs: o.runs,
      rules: o.rules ?? '*',
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Math.round(durationMs),
      requests: { used: target.requestsUsed, budget: o.target.maxRequests, throttled: target.throttled, rps: o.target.rps },
      interrupted: Boolean(o.signal?.aborted),
      budgetExhausted,
    },
    summary: { verdict, counts, cases: runs.length, exchanges: views.length, faults: ctx.faults },
    capabilities: prepared.capabilities,
    rules,
    fingerprint: fingerprint(views, k),
    coverage,
    faults: [...(cap.probeFault ? [{ caseId: 'probe', summary: cap.probeFault }] : []), ...faults.slice(0, 20).map((x) => ({ caseId: x.caseId, summary: readAnswer(x).summary }))],
    leftovers,
  };
}
