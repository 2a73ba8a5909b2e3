// Differential runs: the same seeded cases sent to two targets — or replayed from a recording of one —
// each answer reduced to its kind (a success and the class of every digest in it, or which error),
// and every case where the two differ grouped, the first of each group shrunk to a minimal one. No
// oracle is needed: a mock maintainer with one recording of real ECR finds every place the mock
// differs, including where the documentation is silent.
import fc from 'fast-check';
import { LIFECYCLE_SCENARIOS, properties, type CaseBody } from '../generate/properties.ts';
import { readAnswer } from '../judge/view.ts';
import { actionOutcome, type Case, type Exchange, type Knowledge } from '../model.ts';
import type { Cassette } from '../sdk/cassette.ts';
import { BudgetExhausted, Target, type TargetOptions } from '../target/target.ts';
import { type Against, compressPath, freshLayers, parseCaseId, planCases, replayCase, sendCase, type Ledger } from './runner.ts';
import { cleanup, LOCAL_PART_BYTES, prepare, type Prepared } from './setup.ts';
import { nonce } from './seeds.ts';

export const COMPARE_SCHEMA = 'ecr-conformance/compare@1';

export interface Side {
  name: string;
  kind: 'embedded' | 'endpoint' | 'aws';
  target: TargetOptions;
}

export interface CompareOptions {
  a: Side;
  /** Another live target, or a recording (`record`) of one. */
  b: Side | { name: string; recording: Cassette };
  seed: number;
  runs: number;
  /** One case (property@seed[:path]) instead of exploring. */
  replay?: string;
  shrink?: boolean;
  shrinkTimeMs?: number;
  signal?: AbortSignal;
  replayCommand?: (caseId: string) => string;
  ledgers?: { a: Ledger; b: Ledger };
}

/** One exchange of a differing case, both answers side by side. */
export interface DifferenceStep {
  label: string;
  request: string;
  a: { kind: string; status?: number; body?: string };
  b: { kind: string; status?: number; body?: string };
  differs: boolean;
}

export interface Difference {
  /** How the answers differ (per digest, its class on each side; or the two kinds of answer): cases alike in this are one difference. */
  signature: string;
  /** Cases that showed it. */
  count: number;
  caseId: string;
  property: string;
  inputClasses: string[];
  shrunk: boolean;
  steps: DifferenceStep[];
  replay: string;
}

export interface CompareResult {
  schema: typeof COMPARE_SCHEMA;
  a: { name: string; description: string };
  b: { name: string; description: string };
  verdict: 'SAME' | 'DIFFERENT' | 'UNTESTABLE';
  seed: number;
  runId: string;
  startedAt: string;
  durationMs: number;
  cases: number;
  /** Cases compared answer for answer (both sides answered every step). */
  compared: number;
  same: number;
  differences: Difference[];
  notes: string[];
  leftovers: string[];
}

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => Boolean(x) && typeof x === 'object') : []);

/**
 * An answer reduced to what a client acts on: for a success, the class of every digest in it
 * (AVAILABLE, UNAVAILABLE, or failure and its code), order left aside; for an error, its status and
 * type. `digests: false` leaves the digests out (for grouping cases alike).
 */
export function reduceAnswer(x: Exchange, digests = true): string {
  if (x.action) return `${x.action.kind} ${actionOutcome(x.action)}`;
  const a = readAnswer(x);
  switch (a.kind) {
    case 'success': {
      const body = (a.json ?? {}) as { layers?: unknown; failures?: unknown };
      const classes = [
        ...list(body.layers).map((l) => [String(l['layerDigest']), String(l['layerAvailability'])] as const),
        ...list(body.failures).map((f) => [String(f['layerDigest']), `failure ${String(f['failureCode'])}`] as const),
      ];
      if (digests) return `success: ${classes.map(([d, c]) => `${d} ${c}`).sort().join(', ') || 'nothing'}`;
      // Which classes occur, not how often: cases of any size that differ alike are one difference.
      return `success: ${[...new Set(classes.map(([, c]) => c))].sort().join(', ') || 'nothing'}`;
    }
    case 'error':
    case 'denied':
      return `HTTP ${a.status} ${a.errorType ?? 'error without a type'}`;
    case 'not-implemented':
      // What the probe reads as "not implemented" may be a crash on this one request: say what came.
      return a.summary;
    case 'throttled':
    case 'unavailable':
      return a.kind;
    case 'garbage':
      return `HTTP ${a.status} unreadable`;
    default:
      return `fault ${x.fault?.kind ?? 'no answer'}`;
  }
}

/** Answers that say nothing about the target's behaviour: they are not compared. */
const unjudged = (kind: string) => kind === 'throttled' || kind === 'unavailable' || kind.startsWith('fault ');

/** A live side, prepared as a run prepares its target. */
interface Live {
  name: string;
  target: Target;
  prepared: Prepared;
  ledger: Ledger;
  fresh: (caseId: string) => Buffer;
}

async function prepareSide(s: Side, o: CompareOptions, runId: string, ledger: Ledger): Promise<Live> {
  const target = new Target(s.target, o.signal);
  try {
    return await setUp(s, o, runId, ledger, target);
  } catch (e) {
    // What it created before failing is removed here: the caller never got hold of this side.
    target.liftBudgetForCleanup();
    await cleanup(target, ledger.created, ledger.deleted).catch(() => undefined);
    target.close();
    throw e;
  }
}

/** AWS if either side is: both then wait as long for a repository to show or go, and store layers in ECR's parts. */
const againstOf = (o: CompareOptions): Against => (o.a.kind === 'aws' || ('kind' in o.b && o.b.kind === 'aws') ? 'aws' : 'emulator');

async function setUp(s: Side, o: CompareOptions, runId: string, ledger: Ledger, target: Target): Promise<Live> {
  // Every name under the shared run id (no 2-character names, which each target would pick for itself
  // from what it already holds), so that a case means the same repository on both sides.
  // Both sides store the same layers: the two-part one in ECR's smallest parts if either side is ECR.
  const to = againstOf(o);
  const prepared = await prepare(target, { seed: o.seed, uniqueNames: true, runId, prefixOnly: true, poolSize: 4, present: [], against: to, ...(to === 'aws' ? {} : { layerPartBytes: LOCAL_PART_BYTES }) }, ledger.created);
  return { name: s.name, target, prepared, ledger, fresh: freshLayers() };
}

/** The same case for side B: its own account where the case names A's own. */
function forB(kase: CaseBody, a: Knowledge, b: Knowledge): CaseBody {
  if (!a.accountId || !b.accountId || a.accountId === b.accountId) return kase;
  const swap = (v: unknown): unknown => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const body = v as Record<string, unknown>;
    return body['registryId'] === a.accountId ? { ...body, registryId: b.accountId } : body;
  };
  return { ...kase, steps: kase.steps.map((s) => ({ ...s, ...(s.body !== undefined ? { body: swap(s.body) } : {}), ...(s.rawBody !== undefined ? { rawBody: s.rawBody.split(`"${a.accountId}"`).join(`"${b.accountId}"`) } : {}) })) };
}

const excerpt = (x: Exchange) => ({ kind: reduceAnswer(x), ...(x.response ? { status: x.response.status, body: x.response.body.slice(0, 2000) } : {}) });

function steps(a: Exchange[], b: Exchange[]): DifferenceStep[] {
  return a.map((x, i) => {
    const y = b[i];
    const ka = reduceAnswer(x);
    const kb = y ? reduceAnswer(y) : 'not sent';
    return { label: x.label, request: x.action ? `${x.action.kind} ${x.action.repositoryName}` : x.request.body.slice(0, 2000), a: excerpt(x), b: y ? excerpt(y) : { kind: kb }, differs: ka !== kb };
  });
}

/** Each digest's classes in a success answer (a digest may be answered more than once). */
function classesByDigest(x: Exchange): Map<string, string[]> | undefined {
  const a = readAnswer(x);
  if (a.kind !== 'success') return undefined;
  const body = (a.json ?? {}) as { layers?: unknown; failures?: unknown };
  const out = new Map<string, string[]>();
  const add = (d: unknown, c: string) => out.set(String(d), [...(out.get(String(d)) ?? []), c]);
  for (const l of list(body.layers)) add(l['layerDigest'], String(l['layerAvailability']));
  for (const f of list(body.failures)) add(f['layerDigest'], `failure ${String(f['failureCode'])}`);
  return out;
}

/**
 * How two answers to the same cases differ, digests and sizes left aside: per digest, its class on
 * one side and on the other (AVAILABLE → available, UNAVAILABLE → left out), or the two kinds of
 * answer (HTTP 400 InvalidParameterException → success). Each way is one difference, whatever
 * property and however many cases showed it.
 */
export function differenceOf(a: Exchange[], b: Exchange[]): string[] {
  const ways = new Set<string>();
  a.forEach((x, i) => {
    const y = b[i];
    if (!y) { ways.add(`${x.label}: not sent to one side`); return; }
    if (reduceAnswer(x) === reduceAnswer(y)) return;
    const ca = classesByDigest(x);
    const cb = classesByDigest(y);
    if (ca && cb) {
      const distinct = (c: string[] | undefined) => (c ? [...new Set(c)].sort().join(' and ') : 'left out');
      for (const d of new Set([...ca.keys(), ...cb.keys()])) {
        const [p, q] = [distinct(ca.get(d)), distinct(cb.get(d))];
        if (p !== q) ways.add(`${p} → ${q}`);
        else if ((ca.get(d)?.length ?? 0) !== (cb.get(d)?.length ?? 0)) ways.add(`${p} answered ${ca.get(d)!.length > 1 ? 'once per request' : 'once'} → ${cb.get(d)!.length > 1 ? 'once per request' : 'once'}`);
      }
    } else ways.add(`${reduceAnswer(x, false)} → ${reduceAnswer(y, false)}`);
  });
  return [...ways].sort();
}

/** Same case, both sides: undefined when either could not answer (a fault, a throttle). */
function verdictOf(a: Exchange[], b: Exchange[]): 'same' | 'different' | undefined {
  const ka = a.map((x) => reduceAnswer(x));
  const kb = b.map((x) => reduceAnswer(x));
  if ([...ka, ...kb].some(unjudged) || ka.length !== kb.length) return undefined;
  return ka.every((k, i) => k === kb[i]) ? 'same' : 'different';
}

export async function compare(o: CompareOptions): Promise<CompareResult> {
  const started = Date.now();
  const notes: string[] = [];
  const groups = new Map<string, { count: number; first: { kase: Case; a: Exchange[]; b: Exchange[] } }>();
  let cases = 0;
  let compared = 0;
  let same = 0;
  const record = (kase: Case, a: Exchange[], b: Exchange[]) => {
    cases++;
    const v = verdictOf(a, b);
    if (v === undefined) return;
    compared++;
    if (v === 'same') { same++; return; }
    // A case that differs in several ways counts toward each.
    // Each way keeps its smallest case (fewest request bytes): the one shown, and shrunk further.
    const size = (x: Exchange[]) => x.reduce((n, e) => n + e.request.body.length, 0);
    for (const sig of differenceOf(a, b)) {
      const g = groups.get(sig);
      if (!g) groups.set(sig, { count: 1, first: { kase, a, b } });
      else {
        g.count++;
        if (size(a) < size(g.first.a)) g.first = { kase, a, b };
      }
    }
  };
  const bName = o.b.name;
  let runId: string;
  let leftovers: string[] = [];
  const ledgers = o.ledgers ?? { a: { created: [], deleted: new Set<string>() }, b: { created: [], deleted: new Set<string>() } };
  const lives: Live[] = [];
  let description = { a: o.a.name, b: bName };
  let untestable: string | undefined;
  const shrunk = new Map<string, { caseId: string; a: Exchange[]; b: Exchange[]; body: CaseBody }>();
  try {
    if ('recording' in o.b) {
      const rec = o.b.recording;
      if (rec.source.seed === undefined || rec.source.runId === undefined) {
        throw new RecordingError('the recording names no seed and run id (it was recorded before compare existed, or by hand): record it again with `ecr-conformance record`');
      }
      runId = rec.source.runId;
      const seed = rec.source.seed;
      const a = await prepareSide(o.a, { ...o, seed }, runId, ledgers.a);
      lives.push(a);
      description = { a: a.target.description, b: `recording of ${rec.source.target ?? rec.name}` };
      untestable = sideProblem(a);
      if (!untestable) await replayRecording(rec, a, record, notes, o.replay);
    } else {
      runId = nonce(o.seed, true);
      // Each side enters the list the moment it is set up: a second side that fails leaves the first cleaned up.
      const a = await prepareSide(o.a, o, runId, ledgers.a);
      lives.push(a);
      const b = await prepareSide(o.b, o, runId, ledgers.b);
      lives.push(b);
      description = { a: a.target.description, b: b.target.description };
      untestable = sideProblem(a) ?? sideProblem(b);
      if (!untestable) await explore(o, a, b, record, groups, shrunk);
    }
  } finally {
    for (const live of lives) {
      live.target.liftBudgetForCleanup();
      leftovers.push(...(await cleanup(live.target, live.ledger.created, live.ledger.deleted).catch((e: unknown) => live.ledger.created.map((n) => `${n} (${(e as Error).message})`))).map((l) => `${live.name}: ${l}`));
      live.target.close();
    }
  }
  if (untestable) notes.push(untestable);
  const differences: Difference[] = [...groups.entries()].map(([signature, g]) => {
    const s = shrunk.get(signature);
    const caseId = s?.caseId ?? g.first.kase.id;
    return {
      signature, count: g.count, caseId, property: g.first.kase.property, inputClasses: (s?.body ?? g.first.kase).inputClasses, shrunk: Boolean(s && s.caseId !== g.first.kase.id),
      steps: steps(s?.a ?? g.first.a, s?.b ?? g.first.b), replay: o.replayCommand ? o.replayCommand(caseId) : `ecr-conformance compare … --seed ${o.seed} --replay ${caseId}`,
    };
  }).sort((x, y) => y.count - x.count);
  if (cases > compared) notes.push(`${cases - compared} of ${cases} cases could not be compared: one side did not answer every step (a fault or a throttle)`);
  leftovers = leftovers.filter(Boolean);
  return {
    schema: COMPARE_SCHEMA,
    a: { name: o.a.name, description: description.a }, b: { name: bName, description: description.b },
    verdict: untestable || compared === 0 ? 'UNTESTABLE' : differences.length > 0 ? 'DIFFERENT' : 'SAME',
    seed: 'recording' in o.b ? o.b.recording.source.seed ?? o.seed : o.seed, runId, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started,
    cases, compared, same, differences, notes, leftovers,
  };
}

export class RecordingError extends Error {}

function sideProblem(s: Live): string | undefined {
  const c = s.prepared.capabilities;
  if (c.probeFault) return `${s.name} could not be reached: ${c.probeFault}`;
  return undefined;
}

async function explore(o: CompareOptions, a: Live, b: Live, record: (kase: Case, a: Exchange[], b: Exchange[]) => void,
  groups: Map<string, { count: number; first: { kase: Case; a: Exchange[]; b: Exchange[] } }>, shrunk: Map<string, { caseId: string; a: Exchange[]; b: Exchange[]; body: CaseBody }>): Promise<void> {
  const ka = a.prepared.knowledge;
  const kb = b.prepared.knowledge;
  const props = properties(ka);
  const to = againstOf(o);
  const both = async (id: string, body: CaseBody) => {
    const [xa, xb] = await Promise.all([sendCase(a.target, id, body, a.fresh, to), sendCase(b.target, id, forB(body, ka, kb), b.fresh, to)]);
    return { xa, xb };
  };
  const planned = o.replay ? [await replayCase(props, o.replay)] : [...planCases(props, o.seed, o.runs)].map((c) => c.kase);
  // One case at a time: lifecycle scenarios change the targets, and both sides must see the same history.
  for (const kase of planned) {
    if (o.signal?.aborted) return;
    try {
      const { xa, xb } = await both(kase.id, kase);
      record(kase, xa, xb);
    } catch (e) {
      if (e instanceof BudgetExhausted) return;
      throw e;
    }
  }
  if (o.shrink === false || o.replay) return;
  for (const [signature, g] of groups) {
    if (o.signal?.aborted) return;
    const p = props.find((x) => x.name === g.first.kase.property)!;
    const { seed } = parseCaseId(g.first.kase.id);
    let last: { a: Exchange[]; b: Exchange[]; body: CaseBody } | undefined;
    const result = await fc.check(fc.asyncProperty(p.arbitrary, async (body) => {
      const { xa, xb } = await both(g.first.kase.id, body);
      // Shrink toward a case that still differs in the same way.
      const differs = verdictOf(xa, xb) === 'different' && differenceOf(xa, xb).includes(signature);
      if (differs) last = { a: xa, b: xb, body };
      return !differs;
    }), { seed, numRuns: 1, interruptAfterTimeLimit: o.shrinkTimeMs ?? 20_000, markInterruptAsFailure: false }).catch((e: unknown) => {
      if (e instanceof BudgetExhausted) return undefined;
      throw e;
    });
    const path = result?.failed ? result.counterexamplePath ?? undefined : undefined;
    if (path && last) shrunk.set(signature, { caseId: `${p.name}@${seed}:${compressPath(path)}`, ...last });
  }
}

/** Sends every recorded request, byte for byte, to the live side, and compares the answers. */
async function replayRecording(rec: Cassette, a: Live, record: (kase: Case, a: Exchange[], b: Exchange[]) => void, notes: string[], only?: string): Promise<void> {
  const byCase = new Map<string, { label: string; body: string; response: { status: number; headers: Record<string, string>; body: string } }[]>();
  for (const i of rec.interactions) {
    const m = /^(.+) \(([^()]+)\)$/.exec(i.title);
    if (!m) continue;
    const entry = byCase.get(m[1]!) ?? [];
    entry.push({ label: m[2]!, body: i.request.body, response: i.response });
    byCase.set(m[1]!, entry);
  }
  const exclusive = new Set<string>(LIFECYCLE_SCENARIOS);
  let skipped = 0;
  let masked = 0;
  let short = 0;
  if (only !== undefined && !byCase.has(only)) throw new RecordingError(`case ${only} is not in the recording`);
  for (const [caseId, steps] of byCase) {
    if (only !== undefined && caseId !== only) continue;
    const property = caseId.split('@')[0]!;
    // Scenarios change the target between checks; a recording holds the checks, not the changes.
    if (exclusive.has(property)) { skipped++; continue; }
    // Masked account ids (record --mask-account-ids) erase the difference between own and foreign registry.
    if (rec.source.accountIdsMasked && steps.some((s) => s.body.includes('"registryId":"000000000000"'))) { masked++; continue; }
    // A 2-character repository is one the recorded target picked from what it held: not set up here.
    if (steps.some((s) => /"repositoryName":"[a-z0-9]{2}"/.test(s.body))) { short++; continue; }
    const live: Exchange[] = [];
    for (const s of steps) live.push(await a.target.send(caseId, { label: s.label, rawBody: s.body }));
    const recorded: Exchange[] = steps.map((s) => ({ caseId, label: s.label, request: { operation: 'BatchCheckLayerAvailability', headers: {}, body: s.body }, response: s.response, durationMs: 0 }));
    record({ id: caseId, property, inputClasses: [], expected: 'success', steps: steps.map((s) => ({ label: s.label, rawBody: s.body })) }, live, recorded);
  }
  if (skipped > 0) notes.push(`${skipped} recorded scenario cases (${LIFECYCLE_SCENARIOS.join(', ')}) are not replayed: the recording holds their checks, not the uploads and deletions between them`);
  if (masked > 0) notes.push(`${masked} recorded cases name registryId 000000000000, which --mask-account-ids made of the caller's and another account alike: not replayed`);
  if (short > 0) notes.push(`${short} recorded cases use a 2-character repository the recorded target chose for itself: not replayed`);
  notes.push('against a recording, cases are not shrunk: what was recorded is all there is to send');
}
