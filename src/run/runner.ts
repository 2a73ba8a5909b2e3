// The runner: prepares the target, explores every property in parallel, judges, shrinks each
// broken rule's smallest counterexample in sequence, and returns the run result. It never exits.
import fc from 'fast-check';
import { availableParallelism } from 'node:os';
import { selectRules, type CatalogueEntry } from '../judge/catalogue.ts';
import { analyseRequest, knowledgeAlong } from '../judge/contract.ts';
import { bucketsOf } from '../judge/coverage.ts';
import { FingerprintTally } from '../judge/fingerprint.ts';
import { FindingTally, judgeCase, judgeViews, type JudgedFinding } from '../judge/judge.ts';
import { noAnswer, readAnswer, view, type View } from '../judge/view.ts';
import { casesOf, properties, propertiesFor, type CaseBody, type Property } from '../generate/properties.ts';
import { FRESH_CLAIMED, FRESH_CROSSED, FRESH_LAYER, FRESH_NAMED, FRESH_PARTS_CROSSED, FRESH_SENT, FRESH_STALE, freshTogether, MAX_TOGETHER, UPLOADS, type Case, type Exchange, type Knowledge, type Step } from '../model.ts';
import { TransportFault } from '../target/bounded-handler.ts';
import { BudgetExhausted, sleep, Target, type TargetOptions } from '../target/target.ts';
import { type Against, completeStarted, createAgain, deletedRepositoryAnswer, deleteRepository, lookAgain, repositoryWaits, sha256Digest, putImageUnuploaded, uploadCrossed, uploadLayer, uploadPartsCrossed, uploadMismatched, uploadParts, uploadTogether } from '../target/seed.ts';
import { UsageError } from '../errors.ts';
import { operationSpec } from '../spec/index.ts';
import { assembleResult } from './assemble.ts';
import { type Counterexample, DENIED_INVALID, NOT_JSON_SUCCESS, type RunReplayOptions, type RunResult, type RunTallies } from './result.ts';
import { caseSeed, soakSeed } from './seeds.ts';
import { GENERATOR } from '../generate/version.ts';
import { RoundGate } from './round-gate.ts';
import { sibling, spawnWorker } from '../threads.ts';
import type { WorkerInput } from './explore-worker.ts';
import { cleanup, faultedSetup, LOCAL_PART_BYTES, prepare, type Prepared } from './setup.ts';

export interface RunOptions {
  target: TargetOptions;
  /** The run id in repository names (default: drawn); `record` stores it so that `compare` can set another target up the same way. */
  runId?: string;
  /** What the reports call the target (e.g. "moto 5.2.4.dev"); default: its description. */
  name?: string;
  kind: 'embedded' | 'endpoint' | 'aws';
  seed: number;
  /** Cases per property, scaled by each property's weight. */
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
  /**
   * Soak: after the first round (the seed's plan, always whole), keep exploring fresh rounds — each
   * with a seed of its own, derived from the run's — until this many ms have passed since exploration
   * began. Reaching it is the plan, not a cut: it never makes a run INCOMPLETE.
   */
  durationMs?: number;
  /**
   * Worker threads exploring the plan together (default 1): each sends its share of the cases, the
   * first also the lifecycle scenarios, and the shares are joined as merge joins shards, so the
   * result is the same whatever the number. Not with a request budget or a rate limit (they are one
   * process's), a replay, or onExchange (exchanges stay in their thread). 'auto': every core when the
   * plan is large enough to repay starting the threads (a soak, or AUTO_CASES_PER_CORE), else one.
   */
  workers?: number | 'auto';
  /** Wall-time bound for shrinking one rule's counterexample. */
  shrinkTimeMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Sees every exchange of the exploration as it completes (for logs and recordings). */
  onExchange?: (x: Exchange) => void;
  /** Builds the command that replays a case; the CLI knows its own flags. */
  replayCommand?: (caseId: string, ruleId: string) => string;
  clock?: () => number;
  /** Every repository the run may have made (entered before its CreateRepository goes out), and those removed: what a second Ctrl-C names. */
  ledger?: Ledger;
  /** Sees the result before cleanup, so reports exist even if cleanup hangs or the process is killed. */
  beforeCleanup?: (r: RunResult) => void;
}

export interface Ledger {
  /** Every repository the run may have made: entered before its CreateRepository goes out, taken out only on a refusal. */
  created: string[];
  deleted: Set<string>;
}

export interface Progress {
  phase: 'setup' | 'explore' | 'shrink' | 'cleanup';
  done: number;
  total: number;
  failing: number;
  requests: number;
  budget: number;
  elapsedMs: number;
}

export interface AccumulatorPart {
  tallies: RunTallies;
  smallest: [string, CaseRun][];
  failing: number;
}

export interface CaseRun {
  index: number;
  kase: Case;
  exchanges: Exchange[];
  findings: JudgedFinding[];
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
  const m = /^([a-z][a-z0-9-]*)@(\d+)(?::([0-9:*]+))?$/.exec(id);
  if (!m) throw new UsageError(`'${id}' is not a case id (property@seed or property@seed:path)`, 'BAD_CASE_ID');
  return { property: m[1]!, seed: Number(m[2]), ...(m[3] !== undefined ? { path: expandPath(m[3]) } : {}) };
}

/** One lock per target for the scenarios that change the lifecycle repository. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise((r) => (release = r));
    await before;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * Layers nobody has uploaded before: the digest of one stands for FRESH_LAYER in a case's requests.
 * The content is a function of the case, of `label` and of how often the case ran under it, so a run
 * is reproducible and every execution (a shrink replays a case many times) uploads a layer new to the
 * repository. The counts live as long as the function: a soak makes one per later round, labelled
 * with the round, so that its counts go with the round instead of piling up all night.
 */
export function freshLayers(label?: string): (caseId: string) => Buffer {
  const runs = new Map<string, number>();
  const of = label === undefined ? '' : `, ${label}`;
  return (caseId) => {
    const n = (runs.get(caseId) ?? 0) + 1;
    runs.set(caseId, n);
    return Buffer.from(`ecr-conformance fresh layer for ${caseId}${of}, execution ${n}\n`);
  };
}

/**
 * The layers of a case's upload actions, all made from its fresh layer: `layer` is uploaded and
 * completed (upload) or only sent in parts (upload-unfinished); upload-mismatched sends `sent` and
 * completes it under the digest of `claimed`, which is never sent; put-image-unuploaded uploads
 * `config` and puts a manifest naming it and `named`, which is never sent; upload-crossed sends
 * `crossed` to one repository and completes it through another; upload-parts-crossed sends
 * `partsCrossed` through one repository to an upload of another, and completes it there;
 * upload-started sends `stale` to an upload that complete-started completes later in the case.
 */
function freshUploads(fresh: Buffer) {
  const plus = (line: string) => Buffer.concat([fresh, Buffer.from(`${line}\n`)]);
  return {
    layer: fresh, sent: plus('sent under another digest'), claimed: plus('claimed, never sent'), config: plus('the config of an image'), named: plus('named in a manifest, never sent'),
    crossed: plus('sent to one repository, completed through another'),
    partsCrossed: plus('sent through one repository to an upload of another'),
    stale: plus('sent to an upload completed after its repository was deleted and created again'),
    /** The layers an upload sends together: the fresh layer first. */
    together: (n: number) => [fresh, ...Array.from({ length: n - 1 }, (_, i) => plus(`uploaded together with others, ${i + 2}`))],
  };
}

/** The digests that stand in for the case's placeholders. */
function freshDigests(fresh: Buffer): Map<string, string> {
  const u = freshUploads(fresh);
  const together = u.together(MAX_TOGETHER).slice(1).map((bytes, i): [string, string] => [freshTogether(i + 2), sha256Digest(bytes)]);
  return new Map([[FRESH_LAYER, sha256Digest(u.layer)], [FRESH_SENT, sha256Digest(u.sent)], [FRESH_CLAIMED, sha256Digest(u.claimed)], [FRESH_NAMED, sha256Digest(u.named)], [FRESH_CROSSED, sha256Digest(u.crossed)], [FRESH_PARTS_CROSSED, sha256Digest(u.partsCrossed)], [FRESH_STALE, sha256Digest(u.stale)], ...together]);
}

const resolveFresh = (step: Step, digests: Map<string, string>): Step => {
  const b = step.body as { layerDigests?: unknown } | undefined;
  if (!b || !Array.isArray(b.layerDigests) || !b.layerDigests.some((d) => digests.has(d as string))) return step;
  return { ...step, body: { ...b, layerDigests: b.layerDigests.map((d) => digests.get(d as string) ?? d) } };
};

/** Runs an action of a scenario through the target's seeding client (and its gate), as exchanges: one, or one per layer uploaded together. */
/** What a case's actions hand on to later ones: the upload upload-started left open. */
interface CaseState { started?: string }

async function act(target: Target, caseId: string, step: Step, fresh: Buffer, against: Against, state: CaseState): Promise<Exchange[]> {
  const a = step.action!;
  if (a.kind === 'upload' && (a.together ?? 1) > 1) return actTogether(target, caseId, step, freshUploads(fresh).together(a.together!));
  const started = performance.now();
  const exchange: Exchange = { caseId, label: step.label, request: { operation: a.kind, headers: {}, body: JSON.stringify({ repositoryName: a.repositoryName, ...(a.from !== undefined ? { from: a.from } : {}) }) }, durationMs: 0 };
  // The digests an upload action is about, whether or not the target takes it.
  const digests = UPLOADS.includes(a.kind) ? freshDigests(fresh) : undefined;
  const about = a.kind === 'upload-mismatched' ? { digest: digests!.get(FRESH_SENT)!, claimed: digests!.get(FRESH_CLAIMED)! }
    : a.kind === 'put-image-unuploaded' ? { digest: digests!.get(FRESH_NAMED)! }
      : a.kind === 'upload-crossed' ? { digest: digests!.get(FRESH_CROSSED)!, ...(a.from !== undefined ? { from: a.from } : {}) }
      : a.kind === 'upload-parts-crossed' ? { digest: digests!.get(FRESH_PARTS_CROSSED)!, ...(a.from !== undefined ? { from: a.from } : {}) }
      : a.kind === 'upload-started' || a.kind === 'complete-started' ? { digest: sha256Digest(freshUploads(fresh).stale) }
      : digests ? { digest: digests.get(FRESH_LAYER)! } : {};
  // An action whose last call ECR refuses: whether this target took it, and what the calls before it answered wrongly.
  const acceptedOrNot = (r: { value: { completed: boolean; answer: string }; disagreements: string[] }, size: number): NonNullable<Exchange['action']> => ({
    kind: a.kind, repositoryName: a.repositoryName, ok: r.disagreements.length === 0, detail: r.disagreements[0] ?? r.value.answer,
    ...about, size, completed: r.value.completed,
  });
  try {
    if (a.kind === 'upload') {
      const r = await uploadLayer(target.client, { repositoryName: a.repositoryName }, fresh);
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: r.disagreements.length === 0, detail: r.disagreements[0] ?? 'CompleteLayerUpload accepted it', digest: r.value, size: fresh.length };
    } else if (a.kind === 'upload-unfinished') {
      const r = await uploadParts(target.client, { repositoryName: a.repositoryName }, fresh);
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: r.disagreements.length === 0, detail: r.disagreements[0] ?? 'UploadLayerPart accepted every part; the upload is never completed', ...about, size: fresh.length };
    } else if (a.kind === 'upload-mismatched') {
      const sent = freshUploads(fresh).sent;
      exchange.action = acceptedOrNot(await uploadMismatched(target.client, { repositoryName: a.repositoryName }, sent, about.claimed!), sent.length);
    } else if (a.kind === 'put-image-unuploaded') {
      const { config, named } = freshUploads(fresh);
      exchange.action = acceptedOrNot(await putImageUnuploaded(target.client, { repositoryName: a.repositoryName }, config, { digest: about.digest!, size: named.length }), named.length);
    } else if (a.kind === 'upload-crossed') {
      const { crossed } = freshUploads(fresh);
      exchange.action = acceptedOrNot(await uploadCrossed(target.client, { repositoryName: a.from! }, { repositoryName: a.repositoryName }, crossed), crossed.length);
    } else if (a.kind === 'upload-parts-crossed') {
      const { partsCrossed } = freshUploads(fresh);
      exchange.action = acceptedOrNot(await uploadPartsCrossed(target.client, { repositoryName: a.from! }, { repositoryName: a.repositoryName }, partsCrossed), partsCrossed.length);
    } else if (a.kind === 'upload-started') {
      const { stale } = freshUploads(fresh);
      const r = await uploadParts(target.client, { repositoryName: a.repositoryName }, stale);
      state.started = r.value;
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: r.disagreements.length === 0, detail: r.disagreements[0] ?? 'UploadLayerPart accepted every part; the upload is left open', ...about, size: stale.length };
    } else if (a.kind === 'complete-started') {
      const { stale } = freshUploads(fresh);
      if (state.started === undefined) throw new Error('no upload was started earlier in the case');
      const r = await completeStarted(target.client, { repositoryName: a.repositoryName }, state.started, stale);
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: true, detail: r.answer, ...about, size: stale.length, completed: r.completed };
    } else if (a.kind === 'delete-repository') {
      await deleteRepository(target.client, { repositoryName: a.repositoryName });
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: true, detail: 'DeleteRepository accepted it' };
    } else if (a.kind === 'check-deleted') {
      const missing = operationSpec().errors.missingRepository.value;
      const digest = fresh ? sha256Digest(fresh) : `sha256:${'0'.repeat(64)}`;
      const waits = repositoryWaits(against, target.settleMs);
      const answered = await deletedRepositoryAnswer(target.client, { repositoryName: a.repositoryName }, digest, missing, waits, (ms) => sleep(ms, target.signal));
      exchange.action = answered === undefined
        ? { kind: a.kind, repositoryName: a.repositoryName, ok: true, detail: `${missing}, as for any repository that does not exist` }
        : { kind: a.kind, repositoryName: a.repositoryName, ok: false, detail: `still answered after ${waits.reduce((n, ms) => n + ms, 0) / 1000} s: ${answered}`, answered };
    } else {
      const detail = await createAgain(target.client, { repositoryName: a.repositoryName }, target.creationTags);
      exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: true, detail };
    }
  } catch (e) {
    if (e instanceof BudgetExhausted) throw e;
    exchange.action = { kind: a.kind, repositoryName: a.repositoryName, ok: false, detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300), ...about };
  }
  exchange.durationMs = performance.now() - started;
  return [exchange];
}

/** Uploads layers together (uploadTogether): one exchange per layer, each accepted or refused on its own. */
async function actTogether(target: Target, caseId: string, step: Step, blobs: Buffer[]): Promise<Exchange[]> {
  const a = step.action!;
  const started = performance.now();
  // Settled one by one: each layer's upload is accepted or refused on its own, and none throws.
  const results = await uploadTogether(target.client, { repositoryName: a.repositoryName }, blobs);
  const budget = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof BudgetExhausted);
  if (budget) throw budget.reason;
  const durationMs = performance.now() - started;
  return results.map((r, i) => {
    const record = { kind: a.kind, repositoryName: a.repositoryName, digest: sha256Digest(blobs[i]!), size: blobs[i]!.length, together: blobs.length };
    const action = r.status === 'fulfilled'
      ? { ...record, ok: r.value.disagreements.length === 0, detail: r.value.disagreements[0] ?? `CompleteLayerUpload accepted it, uploaded together with ${blobs.length - 1} other layer(s)` }
      : { ...record, ok: false, detail: `${(r.reason as Error).name}: ${(r.reason as Error).message}`.slice(0, 300) };
    const label = i === 0 ? step.label : `${step.label}-${i + 1}`;
    return { caseId, label, request: { operation: a.kind, headers: {}, body: JSON.stringify({ repositoryName: a.repositoryName, together: blobs.length }) }, action, durationMs };
  });
}

export type { Against };
export const against = (kind: RunOptions['kind']): Against => (kind === 'aws' ? 'aws' : 'emulator');

/** Per target: the repositories a scenario deleted and no one could create again, each with why. */
const lostRepositories = new WeakMap<Target, Map<string, string>>();

/** Creates again, with the seeding client's retries, a repository a scenario deleted: undefined once it is there (already, or now), else why not. */
async function restore(target: Target, name: string): Promise<string | undefined> {
  try {
    await createAgain(target.client, { repositoryName: name }, target.creationTags);
    return undefined;
  } catch (e) {
    if (e instanceof BudgetExhausted) throw e;
    if ((e as Error).name === 'RepositoryAlreadyExistsException') return undefined;
    return `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300);
  }
}

/**
 * A case sent step by step. A repository the case deleted and did not create again (its CreateRepository
 * failed) is created again after it, so that the scenarios after it find the repository they are about;
 * while that fails too, a case that names it is not sent, and says why in an action that failed.
 */
export async function sendCase(target: Target, id: string, body: CaseBody, freshLayer: (caseId: string) => Buffer, to: Against = 'emulator'): Promise<Exchange[]> {
  const lost = lostRepositories.get(target);
  if (lost && lost.size > 0) {
    for (const step of body.steps) {
      const name = step.action?.repositoryName ?? (step.body as { repositoryName?: unknown } | undefined)?.repositoryName;
      if (typeof name !== 'string' || !lost.has(name)) continue;
      const why = await restore(target, name);
      if (why === undefined) {
        lost.delete(name);
        continue;
      }
      const action = { kind: 'create-repository' as const, repositoryName: name, ok: false, detail: `an earlier scenario deleted it and it could not be created again: ${why}` };
      return [{ caseId: id, label: 'restore', request: { operation: action.kind, headers: {}, body: JSON.stringify({ repositoryName: name }) }, action, durationMs: 0 }];
    }
  }
  const out = await sendSteps(target, id, body, freshLayer, to);
  for (const [i, x] of out.entries()) {
    // A deletion that failed may have happened all the same (its answer lost): the repository is made sure of too.
    if (x.action?.kind !== 'delete-repository') continue;
    const name = x.action.repositoryName;
    if (out.slice(i + 1).some((y) => y.action?.kind === 'create-repository' && y.action.ok && y.action.repositoryName === name)) continue;
    const why = await restore(target, name);
    if (why !== undefined) {
      if (!lostRepositories.has(target)) lostRepositories.set(target, new Map());
      lostRepositories.get(target)!.set(name, why);
    }
  }
  return out;
}

async function sendSteps(target: Target, id: string, body: CaseBody, freshLayer: (caseId: string) => Buffer, to: Against): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const fresh = body.steps.some((s) => s.action !== undefined && UPLOADS.includes(s.action.kind)) ? freshLayer(id) : undefined;
  const digests = fresh ? freshDigests(fresh) : undefined;
  // A repository the case has just created, until a check in it has found it.
  let created: string | undefined;
  const state: CaseState = {};
  for (const step of body.steps) {
    if (step.action) {
      const xs = await act(target, id, step, fresh!, to, state);
      created = step.action.kind === 'create-repository' && xs[0]!.action?.ok ? step.action.repositoryName : undefined;
      out.push(...xs);
      continue;
    }
    const sent = digests ? resolveFresh(step, digests) : step;
    const name = (sent.body as { repositoryName?: unknown } | undefined)?.repositoryName;
    out.push(created !== undefined && name === created ? await onceCreated(target, id, sent, to) : await target.send(id, sent));
    created = undefined;
  }
  return out;
}

/**
 * Sends a check in a repository just created. CreateRepository returns before ECR shows the repository
 * (spec: repositoryConsistency), so while the answer is RepositoryNotFoundException the check is asked
 * again after each pause; the last answer is the one judged.
 */
async function onceCreated(target: Target, id: string, step: Step, to: Against): Promise<Exchange> {
  const missing = operationSpec().errors.missingRepository.value;
  return lookAgain(repositoryWaits(to, target.settleMs), (ms) => sleep(ms, target.signal), () => target.send(id, step), (x) => readAnswer(x).errorType === missing);
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

const count = (into: Record<string, number>, key: string) => { into[key] = (into[key] ?? 0) + 1; };

const byIdOf = new WeakMap<CatalogueEntry[], Map<string, CatalogueEntry>>();
/** The run's rules by id (made once per list of rules). */
function entryById(entries: CatalogueEntry[]): Map<string, CatalogueEntry> {
  let m = byIdOf.get(entries);
  if (!m) byIdOf.set(entries, (m = new Map(entries.map((e) => [e.id, e]))));
  return m;
}

/** What a run keeps: tallies in constant memory, plus the smallest failing case of each rule. */
export class Accumulator {
  readonly findings = new FindingTally();
  readonly fingerprint = new FingerprintTally();
  readonly coverage = { inputClasses: {} as Record<string, number>, expectedOutcomes: {} as Record<string, number>, observedOutcomes: {} as Record<string, number> };
  /** Per coverage bucket: requests sent, and answered (success or error). */
  readonly buckets: Record<string, { sent: number; answered: number }> = {};
  readonly faults: { index: number; caseId: string; summary: string }[] = [];
  readonly faultKinds: Record<string, number> = {};
  /** Scenario actions the target refused (an upload, a delete, a create), first few. */
  readonly refusedActions: { index: number; caseId: string; summary: string }[] = [];
  /** Per broken rule, the smallest case that broke it (fewest request bytes, then earliest). */
  readonly smallest = new Map<string, CaseRun>();
  readonly perProperty: Record<string, number> = {};
  cases = 0;
  exchanges = 0;
  faultCount = 0;
  failing = 0;

  add(r: CaseRun, k: Knowledge, entries: CatalogueEntry[], requests: number): void {
    this.cases++;
    count(this.perProperty, r.kase.property);
    this.findings.add(r.findings, r.index, requests);
    for (const c of r.kase.inputClasses) count(this.coverage.inputClasses, c);
    count(this.coverage.expectedOutcomes, r.kase.expected);
    const views = r.views ?? r.exchanges.map(view);
    this.fingerprint.addCase(views, r.index);
    const along = knowledgeAlong(views, k);
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      const kv = along ? along[i]! : k;
      const x = v.exchange;
      if (x.action) {
        if (!x.action.ok) {
          this.refusedActions.push({ index: r.index, caseId: x.caseId, summary: v.answer.summary });
          this.refusedActions.sort((a, b) => a.index - b.index).splice(10);
        }
        continue;
      }
      this.exchanges++;
      this.fingerprint.add(v, kv, r.index);
      count(this.coverage.observedOutcomes, outcomeOf(v));
      const answered = v.answer.kind === 'success' || v.answer.kind === 'error' || v.answer.kind === 'not-implemented';
      for (const b of bucketsOf(v, kv)) {
        const c = (this.buckets[b] ??= { sent: 0, answered: 0 });
        c.sent++;
        if (answered) c.answered++;
      }
      // An answer about another account's registry is the expected one there: not a fault. A success
      // that is not JSON is not one either: it came whole, and wire.json judges it.
      const expectedDenial = v.answer.kind === 'denied' && v.sent.registryId !== undefined && v.sent.registryId !== k.accountId;
      if (noAnswer(v.answer.kind) || (v.answer.kind === 'denied' && !expectedDenial)) {
        this.faultCount++;
        count(this.faultKinds, v.answer.kind === 'fault' ? (x.fault?.kind ?? 'too-deep') : v.answer.kind === 'denied' ? deniedKind(v) : v.answer.kind);
        this.faults.push({ index: r.index, caseId: x.caseId, summary: v.answer.summary });
        this.faults.sort((a, b) => a.index - b.index).splice(20);
      }
    }
    const breaks = new Set<string>();
    for (const f of r.findings) {
      if (f.verdict === 'PASS' || breaks.has(f.ruleId)) continue;
      const e = entryById(entries).get(f.ruleId);
      if (e && e.scope !== 'run' && f.verdict === e.breaks) breaks.add(e.id);
    }
    if (r.findings.some((f) => f.verdict === 'FAIL')) this.failing++;
    for (const id of breaks) {
      const held = this.smallest.get(id);
      if (!held || sizeOf(r) < sizeOf(held) || (sizeOf(r) === sizeOf(held) && r.index < held.index)) this.smallest.set(id, { ...r, views: [] });
    }
  }

  /** What a worker thread hands back: everything needed to join it into another accumulator. */
  part(): AccumulatorPart {
    return { tallies: this.tallies(), smallest: [...this.smallest].map(([id, r]) => [id, { ...r, views: [] }]), failing: this.failing };
  }

  /** Joins another explorer's share of the same run (as merge joins shards): the result does not depend on who sent which case. */
  absorb(p: AccumulatorPart): void {
    const t = p.tallies;
    const sum = (into: Record<string, number>, from: Record<string, number>) => { for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n; };
    this.findings.merge(FindingTally.from(t.findings));
    this.fingerprint.merge(t.fingerprint);
    sum(this.perProperty, t.perProperty);
    sum(this.coverage.inputClasses, t.inputClasses);
    sum(this.coverage.expectedOutcomes, t.expectedOutcomes);
    sum(this.coverage.observedOutcomes, t.observedOutcomes);
    sum(this.faultKinds, t.faultKinds);
    for (const [b, c] of Object.entries(t.buckets)) {
      const into = (this.buckets[b] ??= { sent: 0, answered: 0 });
      into.sent += c.sent;
      into.answered += c.answered;
    }
    this.faults.push(...t.faults);
    this.faults.sort((a, b) => a.index - b.index).splice(20);
    this.refusedActions.push(...t.refusedActions);
    this.refusedActions.sort((a, b) => a.index - b.index).splice(10);
    this.faultCount += t.faultCount;
    this.cases += t.cases;
    this.exchanges += t.exchanges;
    this.failing += p.failing;
    for (const [id, r] of p.smallest) {
      const held = this.smallest.get(id);
      if (!held || sizeOf(r) < sizeOf(held) || (sizeOf(r) === sizeOf(held) && r.index < held.index)) this.smallest.set(id, r);
    }
  }

  tallies(): RunTallies {
    return {
      findings: this.findings.toJSON(), fingerprint: this.fingerprint.tally, perProperty: this.perProperty,
      ...this.coverage, buckets: this.buckets, faults: this.faults, faultKinds: this.faultKinds, faultCount: this.faultCount,
      refusedActions: this.refusedActions, cases: this.cases, exchanges: this.exchanges,
      smallest: Object.fromEntries([...this.smallest].map(([id, r]) => [id, { size: sizeOf(r), index: r.index }])),
    };
  }
}

function outcomeOf(v: View): string {
  const a = v.answer;
  if (a.kind === 'success') return 'success';
  if (a.kind === 'garbage') return NOT_JSON_SUCCESS;
  if (a.kind === 'fault') return `fault:${v.exchange.fault?.kind ?? 'too-deep'}`;
  return a.errorType ?? `HTTP ${a.status}`;
}

const sizeOf = (c: CaseRun) => c.exchanges.reduce((n, x) => n + x.request.body.length, 0);

export async function run(o: RunOptions): Promise<RunResult> {
  const clock = o.clock ?? Date.now;
  const started = clock();
  const entries = selectRules(o.rules);
  const target = new Target({ ...o.target, ...(o.maxTimeMs ? { deadline: started + o.maxTimeMs } : {}) }, o.signal);
  const report = (p: Omit<Progress, 'requests' | 'budget' | 'elapsedMs'>) => o.onProgress?.({ ...p, requests: target.runRequests, budget: o.target.maxRequests, elapsedMs: clock() - started });
  let acc = new Accumulator();
  let prepared: Prepared | undefined;
  const counterexamples = new Map<string, Counterexample>();
  let budgetExhausted = false;
  let timeExhausted = false;
  let planned = 0;
  const rounds: { seed: number; cases: number }[] = [];
  let workers: ExploreOutcome['workers'];
  let leftovers: string[] = [];
  let props: Property[] = [];
  const lifecycle = new Mutex();
  const fresh = freshLayers();
  const ledger = o.ledger ?? { created: [], deleted: new Set<string>() };
  let failure: unknown;
  try {
    report({ phase: 'setup', done: 0, total: 1, failing: 0 });
    try {
      prepared = await prepare(target, {
        seed: o.seed, uniqueNames: o.kind !== 'embedded', prefixOnly: o.kind === 'aws', poolSize: 4, present: o.present ?? [], against: against(o.kind),
        ...(o.kind !== 'aws' ? { layerPartBytes: LOCAL_PART_BYTES } : {}),
        ...(o.repository !== undefined ? { repository: o.repository } : {}),
        ...(o.accountId !== undefined ? { accountId: o.accountId } : {}),
        ...(o.runId !== undefined ? { runId: o.runId } : {}),
      }, ledger.created);
    } catch (e) {
      if (!(e instanceof TransportFault)) throw e;
      prepared = faultedSetup(e, ledger.created);
    }
    const k = prepared.knowledge;
    if (prepared.capabilities.implemented && !prepared.capabilities.probeFault && !o.signal?.aborted) {
      props = propertiesFor(properties(k), entries.map((e) => e.id));
      const replayed = o.replay ? [await replayCase(props, o.replay)] : undefined;
      const shard = o.shard;
      const outcome = await exploreAll(o, { target, k, entries, props, lifecycle, fresh, started, clock, ...(replayed ? { replayed } : {}) },
        (done, total, failing) => report({ phase: 'explore', done, total, failing }));
      ({ budgetExhausted, timeExhausted, planned, workers } = outcome);
      rounds.push(...outcome.rounds);
      acc = outcome.acc;
      if (o.shrink !== false && !o.replay && !budgetExhausted && !timeExhausted && !o.signal?.aborted) {
        // Shrinking uploads fresh layers of its own: never one an explorer (in whichever thread) uploaded already.
        await shrinkAll(o, target, k, entries, props, acc.smallest, counterexamples, lifecycle, freshLayers('shrinking'), (done, all) => report({ phase: 'shrink', done, total: all, failing: acc.failing }));
      }
    }
  } catch (e) {
    failure = e;
  }
  const replay = o.replayCommand ?? ((caseId: string, ruleId: string) => `ecr-conformance run --seed ${o.seed} --generator ${GENERATOR} --replay ${caseId} --rules ${ruleId}`);
  const assemble = () => {
    const unshrunk: Record<string, Counterexample> = {};
    for (const [id, r] of acc.smallest) {
      const message = r.findings.find((f) => f.ruleId === id && f.verdict !== 'PASS' && f.verdict !== 'ERROR')?.message;
      unshrunk[id] = { caseId: r.kase.id, property: r.kase.property, inputClasses: r.kase.inputClasses, shrinkSteps: 0, shrunk: false, exchanges: r.exchanges, replay: '', ...(message ? { message } : {}) };
    }
    return assembleResult({
      provenance: {
        target: { kind: o.kind, description: target.description, region: o.target.region, transport: o.target.transport, ...(o.name !== undefined ? { name: o.name } : {}), ...(o.target.settleMs !== undefined ? { settleMs: o.target.settleMs } : {}) },
        seed: o.seed, runs: o.runs, rules: o.rules ?? '*',
        startedAt: new Date(started).toISOString(), durationMs: Math.round(clock() - started),
        requests: { used: target.requestsUsed, budget: o.target.maxRequests, throttled: target.throttled, rps: o.target.rps, transientErrors: target.transientErrors, recovered: target.recovered, ...(target.slowestRate !== undefined ? { slowestRps: Math.round(target.slowestRate * 10) / 10 } : {}) },
        interrupted: Boolean(o.signal?.aborted), budgetExhausted, timeExhausted, planned,
        ...(workers ? { workers } : {}),
        ...(o.replay ? { replayOf: o.replay } : {}),
        options: o.replayOptions ?? {},
        ...(o.shard ? { shard: o.shard } : {}),
        ...(o.maxTimeMs ? { maxTimeMs: o.maxTimeMs } : {}),
        ...(o.durationMs ? { soak: { durationMs: o.durationMs, rounds } } : {}),
      },
      capabilities: prepared!.capabilities,
      properties: props.map((p) => ({ name: p.name, about: p.about })),
      tallies: acc.tallies(),
      counterexamples: { ...unshrunk, ...Object.fromEntries(counterexamples) },
      leftovers,
      replay,
    });
  };
  try {
    const pending = ledger.created.filter((n) => !ledger.deleted.has(n));
    if (!failure && prepared && o.beforeCleanup) {
      leftovers = pending.map((n) => `${n} (not removed yet: this report was written before cleanup)`);
      o.beforeCleanup(assemble());
    }
  } catch (e) {
    failure = e;
  }
  report({ phase: 'cleanup', done: 0, total: 1, failing: 0 });
  target.liftBudgetForCleanup();
  leftovers = await cleanup(target, ledger.created, ledger.deleted).catch((e: unknown) => ledger.created.filter((n) => !ledger.deleted.has(n)).map((n) => `${n} (${(e as Error).message})`));
  target.close();
  if (failure) throw failure;
  return assemble();
}

/**
 * Below this many cases per core, one thread is faster than one per core. A worker thread starts with
 * its code cold: loading it takes ~0.2 s, and V8 then spends ~2 s of processor time compiling the hot
 * code again (on the same cores). Measured on 2 cores, a run's whole time, one thread against two: the
 * SDK transport breaks even at about 12,000 cases (22,000: two 7 % faster; 100,000: a fifth), the raw
 * transport, whose requests cost a third as much, at about 45,000 (22,000: one 8 % faster; 100,000:
 * two a fifth faster).
 */
export const AUTO_CASES_PER_CORE = { sdk: 6_000, raw: 25_000 } as const;

/** How many threads --workers auto starts: every core for a soak or a plan large enough to repay them, else one. */
export function autoWorkers(cases: number, cores: number, transport: 'sdk' | 'raw', soak: boolean): number {
  return soak || cases >= AUTO_CASES_PER_CORE[transport] * cores ? cores : 1;
}

/** Explores on this thread, or splits the plan across worker threads and joins what they found. */
async function exploreAll(o: RunOptions, c: ExploreContext, progress: (done: number, total: number, failing: number) => void): Promise<ExploreOutcome> {
  const wholePlan = c.props.reduce((sum, p) => sum + casesOf(p, o.runs), 0);
  const cores = availableParallelism();
  const n = o.workers === 'auto' ? autoWorkers(wholePlan, cores, o.target.transport, Boolean(o.durationMs)) : o.workers ?? 1;
  if (n <= 1 || c.replayed || o.onExchange || o.target.maxRequests > 0 || o.target.rps > 0) return explore(o, c, progress);
  const { signal: _s, ledger: _l, onProgress: _p, onExchange: _e, beforeCleanup: _b, replayCommand: _r, clock: _c, target: _t, ...options } = o;
  const workerTarget: TargetOptions = { ...o.target, concurrency: Math.max(1, Math.ceil(o.target.concurrency / n)), ...(o.maxTimeMs ? { deadline: c.started + o.maxTimeMs } : {}) };
  const seen = Array.from({ length: n }, () => ({ cases: 0, failing: 0, planned: 0 }));
  const tell = () => progress(seen.reduce((a, x) => a + x.cases, 0), Math.max(...seen.map((x) => x.planned)), seen.reduce((a, x) => a + x.failing, 0));
  // A soak's rounds are whole across threads: each thread sends its share of a round, and none starts the
  // next before every thread has finished this one (or ended), so that the first, which also sends the
  // lifecycle scenarios one at a time, is not left rounds behind. One deadline for all of them.
  // finished[i] is worker i's last finished round; Infinity once it ended.
  const finished = Array.from({ length: n }, () => -1);
  const rounds = new RoundGate();
  // The cases the threads share out as they go (all but the lifecycle scenarios): one counter in shared
  // memory, of the round under way, so that no thread waits idle at the end for a slower one.
  const claimed = new Int32Array(new SharedArrayBuffer(4));
  const release = () => {
    const next = Math.min(...finished) + 1;
    if (!rounds.release(next)) return;
    // Every thread has finished the round before (or ended): nobody claims until told to go.
    Atomics.store(claimed, 0, 0);
    for (const w of workers) w.postMessage({ go: next });
  };
  const soakEnds = o.durationMs ? c.clock() + o.durationMs : undefined;
  // Every thread counts its requests into one shared number, so that progress and "the run had sent N
  // requests when this broke" (firstDetection) count the whole run's, setup included, not one thread's.
  const requestCount = new Int32Array(new SharedArrayBuffer(4));
  requestCount[0] = c.target.requestsUsed;
  c.target.shareRequestCount(requestCount);
  // This thread only starts the explorers and joins what they found: left idle, V8 shrinks its heap,
  // which setup grew (its young generation alone to 32 MiB), and which no resource limit caps.
  const creationTags = c.target.creationTags;
  const workers = Array.from({ length: n }, (_, index) => spawnWorker(sibling(import.meta.url, 'explore-worker'), {
    options, target: workerTarget, k: c.k, index, started: c.started, requestCount, claimed, ...(soakEnds !== undefined ? { soakEnds } : {}), ...(creationTags ? { creationTags } : {}),
  } satisfies WorkerInput));
  const stop = () => { for (const w of workers) w.postMessage('stop'); };
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    const shares = workers.map((w, i) => new Promise<WorkerDone>((resolve, reject) => {
      const end = () => { finished[i] = Infinity; release(); };
      w.on('message', (m: { progress?: { cases: number; failing: number; planned: number }; round?: number; done?: WorkerDone }) => {
        if (m.round !== undefined) { finished[i] = m.round; release(); }
        if (m.progress) {
          seen[i] = m.progress;
          tell();
        }
        if (m.done) { end(); resolve(m.done); }
      });
      w.on('error', (e) => { end(); reject(e); });
      w.on('exit', (code) => { end(); reject(new Error(`explorer thread ${i + 1} ended (exit ${code}) before handing back its share`)); });
    }));
    const done = await Promise.all(shares);
    c.target.shareRequestCount(undefined);
    const out: ExploreOutcome = { acc: new Accumulator(), rounds: [], budgetExhausted: false, timeExhausted: false, planned: 0, workers: done.map((d) => ({ cases: d.cases, requests: d.requests.used, finishedMs: d.finishedMs })) };
    for (const d of done) {
      out.acc.absorb(d.part);
      d.rounds.forEach((r, i) => {
        const into = out.rounds[i] ?? (out.rounds[i] = { seed: r.seed, cases: 0 });
        into.cases += r.cases;
      });
      out.budgetExhausted ||= d.budgetExhausted;
      out.timeExhausted ||= d.timeExhausted;
      out.planned = Math.max(out.planned, d.planned);
      c.target.absorbCounts(d.requests);
    }
    return out;
  } finally {
    c.target.shareRequestCount(undefined);
    o.signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

interface WorkerDone {
  part: AccumulatorPart;
  /** Cases this thread sent, and when it finished (ms since the run began). */
  cases: number;
  finishedMs: number;
  rounds: { seed: number; cases: number }[];
  budgetExhausted: boolean;
  timeExhausted: boolean;
  planned: number;
  requests: { used: number; throttled: number; transientErrors: number; recovered: number };
}

/** What one explorer (the run itself, or one of its worker threads) needs. */
export interface ExploreContext {
  target: Target;
  k: Knowledge;
  entries: CatalogueEntry[];
  props: Property[];
  lifecycle: Mutex;
  /** The first round's fresh layers; later rounds of a soak make their own, and shrinking its own. */
  fresh: (caseId: string) => Buffer;
  started: number;
  clock: () => number;
  replayed?: Case[];
  /** Which of the plan's cases this explorer sends (its share); default all (or the --shard's). */
  include?: (index: number, p: Property) => boolean;
  /** Claims on the shared cases, with the other explorers of the run (see planCases). */
  claims?: Claims;
  /** Told when a round of a soak is over. */
  onRound?: (round: number) => void;
  /** Waited for before a soak's next round (with --workers: until every thread has finished the one before). */
  beforeRound?: (round: number) => Promise<void>;
  /** When the soak ends (by `clock`); default: --duration after exploring began. */
  soakEnds?: number;
}

export interface ExploreOutcome {
  acc: Accumulator;
  rounds: { seed: number; cases: number }[];
  budgetExhausted: boolean;
  timeExhausted: boolean;
  planned: number;
  /** With worker threads: each one's share (provenance.workers). */
  workers?: { cases: number; requests: number; finishedMs: number }[];
}

/**
 * Sends the plan's cases (this explorer's share of them), judging each as it comes back; with a soak
 * duration, round after round. Rounds follow one another in the plan's indexes, so a case's index is
 * the same whoever sends it.
 */
export async function explore(o: RunOptions, c: ExploreContext, progress: (done: number, total: number, failing: number) => void = () => {}): Promise<ExploreOutcome> {
  const { target, k, entries, props, clock } = c;
  const acc = new Accumulator();
  const rounds: { seed: number; cases: number }[] = [];
  let budgetExhausted = false;
  let timeExhausted = false;
  let planned = 0;
  const shard = o.shard;
  const wholePlan = props.reduce((n, p) => n + casesOf(p, o.runs), 0);
  const perRound = c.replayed ? 1 : Math.ceil(wholePlan / (shard?.count ?? 1));
  const stop = () => {
    if (!timeExhausted && o.maxTimeMs && clock() - c.started > o.maxTimeMs) timeExhausted = true;
    return budgetExhausted || timeExhausted || Boolean(o.signal?.aborted);
  };
  const exploring = clock();
  const soakOver = () => !o.durationMs || clock() >= (c.soakEnds ?? exploring + o.durationMs);
  const mine = (i: number, p: Property) => (!shard || i % shard.count === shard.index - 1) && (!c.include || c.include(i, p));
  for (let round = 0; ; round++) {
    if (round > 0 && c.beforeRound) {
      await c.beforeRound(round);
      if (stop() || soakOver()) break;
    }
    const seed = round === 0 ? o.seed : soakSeed(o.seed, round);
    const offset = round * wholePlan;
    const cases = c.replayed
      ? c.replayed.map((kase) => ({ index: 0, kase, exclusive: props.find((p) => p.name === kase.property)?.exclusive === true })).values()
      : planCases(props, seed, o.runs, mine, c.claims);
    planned += perRound;
    // A later round of a soak counts its fresh layers under a label of its own, anew each round, so the
    // counts go with the round instead of piling up overnight (and shrinking has a label of its own).
    const fresh = round === 0 ? c.fresh : freshLayers(`round ${round}`);
    const before = acc.cases;
    await inParallel(cases, o.target.concurrency, () => stop() || (round > 0 && soakOver()), async ({ index, kase, exclusive }) => {
      try {
        const to = against(o.kind);
        const exchanges = exclusive ? await c.lifecycle.run(() => sendCase(target, kase.id, kase, fresh, to)) : await sendCase(target, kase.id, kase, fresh, to);
        if (o.signal?.aborted) return;
        if (o.onExchange) for (const x of exchanges) o.onExchange(x);
        const views = exchanges.map(view);
        acc.add({ index: offset + index, kase, exchanges, views, findings: judgeViews(kase.id, views, k, entries) }, k, entries, target.runRequests);
      } catch (e) {
        if (e instanceof BudgetExhausted) budgetExhausted = true;
        else if (!(e instanceof TransportFault && e.kind === 'interrupted')) throw e;
      }
      progress(acc.cases, planned, acc.failing);
    });
    rounds.push({ seed, cases: acc.cases - before });
    c.onRound?.(round);
    if (c.replayed || !o.durationMs || stop() || soakOver()) break;
  }
  return { acc, rounds, budgetExhausted, timeExhausted, planned };
}

/**
 * Hands out the plan's shared cases (every one but the lifecycle scenarios) to whichever explorer asks
 * first: `next()` is the next unclaimed position in the list of them, the same list in every explorer.
 * Across threads, one counter in shared memory (`sharedClaims`).
 */
export interface Claims {
  next(): number;
}

/** Claims from a counter in shared memory that every explorer thread of a run (or of one soak round) adds to. */
export const sharedClaims = (counter: Int32Array): Claims => ({ next: () => Atomics.add(counter, 0, 1) });

/**
 * The cases a run explores, made one at a time, each from its own derived seed, with its index in the
 * whole plan. Properties are interleaved in proportion to their case counts, the first case of each
 * at the very start, so a run cut short by a budget has sampled every property, evenly. Cases
 * `include` rejects are not even generated. Of those it accepts, the exclusive ones (the lifecycle
 * scenarios) are this explorer's; the rest it sends as it claims them, each after its own exclusive
 * cases that come before it in the plan. Explorers sharing `claims` thus finish together however
 * unevenly their cases cost; without, an explorer claims every case in turn, in the plan's order.
 */
/** A permission error, and whether the request it answered breaks a documented constraint (assemble reads the suffix). */
const deniedKind = (v: View) => `denied (${v.answer.errorType}${analyseRequest(v.sent).violations.length > 0 ? DENIED_INVALID : ''})`;

export function* planCases(props: Property[], seed: number, runs: number, include?: (index: number, p: Property) => boolean, claims?: Claims): Generator<{ index: number; kase: Case; exclusive: boolean }> {
  const slots: { key: number; p: number; i: number }[] = [];
  props.forEach((p, pi) => {
    const n = casesOf(p, runs);
    for (let i = 0; i < n; i++) slots.push({ key: i / n, p: pi, i });
  });
  slots.sort((a, b) => a.key - b.key || a.p - b.p);
  const make = (index: number) => {
    const slot = slots[index]!;
    const p = props[slot.p]!;
    const s = caseSeed(seed, p.name, slot.i);
    const body = fc.sample(p.arbitrary, { seed: s, numRuns: 1 })[0]!;
    return { index, kase: { id: `${p.name}@${s}`, property: p.name, ...body }, exclusive: p.exclusive === true };
  };
  // Alone, an explorer claims every shared case in turn: then this is the plan's order.
  let alone = 0;
  const claimed = claims ?? { next: () => alone++ };
  const own: number[] = [];
  const shared: number[] = [];
  for (let index = 0; index < slots.length; index++) {
    const p = props[slots[index]!.p]!;
    if (include && !include(index, p)) continue;
    (p.exclusive === true ? own : shared).push(index);
  }
  let o = 0;
  for (;;) {
    const k = claimed.next();
    const index = k < shared.length ? shared[k]! : Infinity;
    while (o < own.length && own[o]! < index) yield make(own[o++]!);
    if (index === Infinity) return;
    yield make(index);
  }
}

export const plan = (props: Property[], seed: number, runs: number): Case[] => [...planCases(props, seed, runs)].map((c) => c.kase);

export async function replayCase(props: Property[], id: string): Promise<Case> {
  const { property, seed, path } = parseCaseId(id);
  const p = props.find((x) => x.name === property);
  if (!p) throw new UsageError(`case ${id}: this target has no property '${property}' (it may need a capability the target lacks, or --rules leaves it out)`, 'BAD_CASE_ID');
  if (path === undefined) return { id, property, ...fc.sample(p.arbitrary, { seed, numRuns: 1 })[0]! };
  let captured: CaseBody | undefined;
  try {
    await fc.check(fc.asyncProperty(p.arbitrary, async (v) => { captured = v; return false; }), { seed, path, endOnFailure: true });
  } catch (e) {
    throw new UsageError(`case ${id}: the path does not lead to a case (${(e as Error).message.split('\n')[0]})`, 'BAD_CASE_ID');
  }
  if (!captured) throw new UsageError(`case ${id}: the path does not lead to a case`, 'BAD_CASE_ID');
  return { id, property, ...captured };
}

async function shrinkAll(o: RunOptions, target: Target, k: Knowledge, entries: CatalogueEntry[], props: Property[], smallest: Map<string, CaseRun>,
  out: Map<string, Counterexample>, lifecycle: Mutex, fresh: (caseId: string) => Buffer, progress: (done: number, total: number) => void): Promise<void> {
  const broken = entries.filter((e) => e.rule.scope !== 'run' && smallest.has(e.id));
  let done = 0;
  for (const entry of broken) {
    if (o.signal?.aborted) return;
    progress(done++, broken.length);
    // Shrink the smallest failing case: fixed-size lists (exactly 100 digests) cannot shrink.
    const first = smallest.get(entry.id)!;
    const p = props.find((x) => x.name === first.kase.property)!;
    const { seed } = parseCaseId(first.kase.id);
    const firstMessage = first.findings.find((f) => f.ruleId === entry.id && f.verdict === entry.breaks)?.message ?? '';
    let last: { body: CaseBody; exchanges: Exchange[]; message: string } = { body: first.kase, exchanges: first.exchanges, message: firstMessage };
    let steps = 0;
    const to = against(o.kind);
    const send = (body: CaseBody) => (p.exclusive ? lifecycle.run(() => sendCase(target, first.kase.id, body, fresh, to)) : sendCase(target, first.kase.id, body, fresh, to));
    const result = await fc.check(fc.asyncProperty(p.arbitrary, async (body) => {
      steps++;
      const exchanges = await send(body);
      const breaking = judgeCase(first.kase.id, exchanges, k, [entry]).find((f) => f.verdict === entry.breaks);
      if (breaking) last = { body, exchanges, message: breaking.message };
      return !breaking;
    }), { seed, numRuns: 1, interruptAfterTimeLimit: o.shrinkTimeMs ?? 20_000, markInterruptAsFailure: false }).catch((e: unknown) => {
      if (e instanceof BudgetExhausted) return undefined;
      throw e;
    });
    const path = result?.failed ? result.counterexamplePath ?? undefined : undefined;
    // The case id must name the case whose exchanges and message are reported; without a path that is the original.
    const caseId = path ? `${p.name}@${seed}:${compressPath(path)}` : first.kase.id;
    const shown = path ? last : { body: first.kase, exchanges: first.exchanges, message: firstMessage };
    out.set(entry.id, {
      caseId, property: p.name, inputClasses: shown.body.inputClasses, shrinkSteps: Math.max(0, steps - 1), shrunk: Boolean(path && path.includes(':')),
      exchanges: shown.exchanges.map((x) => ({ ...x, caseId })),
      message: shown.message,
      replay: o.replayCommand ? o.replayCommand(caseId, entry.id) : `ecr-conformance run --seed ${o.seed} --replay ${caseId} --rules ${entry.id}`,
    });
  }
  progress(done, broken.length);
}
