// The judge: applies rules to exchanges and folds findings into one verdict per rule. Pure.
// A rule PASSes only on evidence: enough checks (spec/rules.json says how many and of what), a check
// in every coverage bucket it names, a check that held over each of its facets, and every capability
// it needs. Anything short of that is SKIPPED with the exact reason.
import type { Capability } from '../spec/index.ts';
import type { Exchange, Finding, Knowledge, Verdict } from '../model.ts';
import type { CatalogueEntry } from './catalogue.ts';
import { knowledgeAlong } from './contract.ts';
import { bucketsOf } from './coverage.ts';
import { facetKey, type Outcome } from './rule.ts';
import type { Tally } from './fingerprint.ts';
import { view, type View } from './view.ts';

export { facetKey };

/** A finding, with the coverage buckets of what it checked (only those its rule asks for) and the time its exchanges took. */
export type JudgedFinding = Finding & { buckets?: string[]; ms?: number };

function toFinding(entry: CatalogueEntry, o: Outcome, caseId: string | undefined, buckets: string[] | undefined, ms: number | undefined): JudgedFinding {
  const finding: JudgedFinding = { ruleId: entry.id, verdict: o.held ? 'PASS' : entry.breaks, message: o.message };
  if (caseId !== undefined) finding.caseId = caseId;
  if (o.held && o.facets) buckets = [...(buckets ?? []), ...o.facets.map(facetKey)];
  if (buckets && buckets.length > 0) finding.buckets = buckets;
  if (ms !== undefined) finding.ms = ms;
  return finding;
}

const ruleFailed = (entry: CatalogueEntry, caseId: string | undefined, e: unknown): JudgedFinding => {
  const f: JudgedFinding = { ruleId: entry.id, verdict: 'ERROR', message: `the rule itself failed (a bug in ecr-conformance): ${(e as Error).message}` };
  if (caseId !== undefined) f.caseId = caseId;
  return f;
};

/** The buckets of `all` that the entry asks for; undefined when it asks for none. */
function wanted(entry: CatalogueEntry, all: string[]): string[] | undefined {
  const asked = entry.buckets;
  if (!asked) return undefined;
  let out: string[] | undefined;
  for (const b of all) if (asked.includes(b)) (out ??= []).push(b);
  return out;
}

/** Exchange- and case-scope findings for the exchanges of one case. */
export function judgeCase(caseId: string, exchanges: Exchange[], k: Knowledge, entries: CatalogueEntry[]): JudgedFinding[] {
  return judgeViews(caseId, exchanges.map(view), k, entries);
}

/** A rule's outcomes for one exchange or case; a rule that throws is an ERROR finding (added to `out`) and no outcomes. No closure: this runs per rule per exchange. */
function checked<T>(entry: CatalogueEntry, caseId: string, out: JudgedFinding[], rule: { check(subject: T, k: Knowledge): Outcome[] }, subject: T, k: Knowledge): Outcome[] {
  try {
    return rule.check(subject, k);
  } catch (e) {
    out.push(ruleFailed(entry, caseId, e));
    return [];
  }
}

// The hottest loop of a run (every rule, every exchange): written to allocate little beyond the findings.
export function judgeViews(caseId: string, views: View[], k: Knowledge, entries: CatalogueEntry[]): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const requests: View[] = [];
  // What the target holds at each request: its own uploads included, in a scenario that made some.
  const along = knowledgeAlong(views, k);
  const known: Knowledge[] | undefined = along ? [] : undefined;
  for (let i = 0; i < views.length; i++) {
    if (views[i]!.exchange.action) continue;
    requests.push(views[i]!);
    known?.push(along![i]!);
  }
  let caseMs: number | undefined;
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope === 'exchange') {
      for (let i = 0; i < requests.length; i++) {
        const v = requests[i]!;
        const kv = known ? known[i]! : k;
        const outcomes = checked(entry, caseId, out, rule, v, kv);
        if (outcomes.length === 0) continue;
        const buckets = wanted(entry, bucketsOf(v, kv));
        for (const o of outcomes) out.push(toFinding(entry, o, caseId, buckets, v.exchange.durationMs));
      }
    } else if (rule.scope === 'case') {
      const outcomes = checked(entry, caseId, out, rule, views, k);
      if (outcomes.length === 0) continue;
      let buckets: string[] | undefined;
      if (entry.buckets) {
        const union = new Set<string>();
        for (let i = 0; i < requests.length; i++) for (const b of wanted(entry, bucketsOf(requests[i]!, known ? known[i]! : k)) ?? []) union.add(b);
        buckets = [...union];
      }
      caseMs ??= views.reduce((n, v) => n + v.exchange.durationMs, 0);
      for (const o of outcomes) out.push(toFinding(entry, o, caseId, buckets, caseMs));
    }
  }
  return out;
}

/** Run-scope findings over the run's fingerprint tally. */
export function judgeRun(t: Tally, k: Knowledge, entries: CatalogueEntry[]): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope !== 'run') continue;
    try {
      for (const o of rule.check(t, k)) out.push(toFinding(entry, o, o.caseId, undefined, undefined));
    } catch (e) {
      out.push(ruleFailed(entry, undefined, e));
    }
  }
  return out;
}

export interface RuleTally {
  /** Checks that held, and checks that broke (FAIL or DIVERGENT). */
  passed: number;
  broken: number;
  /** Checks per coverage bucket the rule asks for, and checks that held per facet (`facet:<id>`). */
  buckets: Record<string, number>;
  /** The passing finding of the earliest case: reports stay the same whatever order cases finish in. */
  firstPass?: { message: string; index: number };
  /** The breaking and the erroring finding of the earliest case. */
  firstBroken?: { finding: Finding; index: number };
  firstError?: { finding: Finding; index: number };
  /** Earliest breaking cases. */
  examples: { caseId: string; index: number }[];
  /** The fewest requests the run had sent when a breaking finding was judged. */
  firstDetectionRequests?: number;
  /** How long the exchanges this rule checked took, together (an exchange counts for every rule that checked it). */
  ms?: number;
}

const emptyTally = (): RuleTally => ({ passed: 0, broken: 0, buckets: {}, examples: [] });

/** Folds findings case by case in constant memory; the result does not depend on arrival order. */
export class FindingTally {
  private readonly rules = new Map<string, RuleTally>();

  /** A plain object that a report can carry and `merge` can fold again. */
  toJSON(): Record<string, RuleTally> {
    return Object.fromEntries(this.rules);
  }

  static from(json: Record<string, RuleTally>): FindingTally {
    const t = new FindingTally();
    for (const [id, r] of Object.entries(json)) t.rules.set(id, { ...emptyTally(), ...structuredClone(r) });
    return t;
  }

  /** Folds another tally in, as if its cases had been added here (shards of one run). */
  merge(other: FindingTally): void {
    for (const [id, o] of other.rules) {
      const t = this.rules.get(id);
      if (!t) { this.rules.set(id, structuredClone(o)); continue; }
      t.passed += o.passed;
      t.broken += o.broken;
      if (o.ms !== undefined) t.ms = (t.ms ?? 0) + o.ms;
      for (const [b, n] of Object.entries(o.buckets)) t.buckets[b] = (t.buckets[b] ?? 0) + n;
      if (o.firstPass && (!t.firstPass || o.firstPass.index < t.firstPass.index)) t.firstPass = o.firstPass;
      if (o.firstError && (!t.firstError || o.firstError.index < t.firstError.index)) t.firstError = o.firstError;
      if (o.firstBroken && (!t.firstBroken || o.firstBroken.index < t.firstBroken.index || (o.firstBroken.index === t.firstBroken.index && o.firstBroken.finding.verdict === 'FAIL'))) t.firstBroken = o.firstBroken;
      if (o.firstDetectionRequests !== undefined) t.firstDetectionRequests = Math.min(t.firstDetectionRequests ?? Infinity, o.firstDetectionRequests);
      t.examples = [...t.examples, ...o.examples.filter((e) => !t.examples.some((x) => x.caseId === e.caseId))].sort((a, b) => a.index - b.index).slice(0, 5);
    }
  }

  /** Drops what run-scope rules said, so they can be judged again over a merged fingerprint. */
  without(ruleIds: string[]): FindingTally {
    const t = FindingTally.from(this.toJSON());
    for (const id of ruleIds) t.rules.delete(id);
    return t;
  }

  /** `requests`: how many requests the run had sent when these findings were judged. */
  add(findings: JudgedFinding[], index: number, requests?: number): void {
    for (const f of findings) {
      let t = this.rules.get(f.ruleId);
      if (!t) this.rules.set(f.ruleId, (t = emptyTally()));
      if (f.verdict === 'ERROR') {
        if (!t.firstError || index < t.firstError.index) t.firstError = { finding: strip(f), index };
        continue;
      }
      for (const b of f.buckets ?? []) t.buckets[b] = (t.buckets[b] ?? 0) + 1;
      if (f.ms !== undefined) t.ms = Math.round(((t.ms ?? 0) + f.ms) * 1000) / 1000;
      if (f.verdict === 'PASS') {
        t.passed++;
        if (!t.firstPass || index < t.firstPass.index) t.firstPass = { message: f.message, index };
      } else {
        t.broken++;
        if (requests !== undefined) t.firstDetectionRequests = Math.min(t.firstDetectionRequests ?? Infinity, requests);
        if (!t.firstBroken || index < t.firstBroken.index || (index === t.firstBroken.index && f.verdict === 'FAIL')) t.firstBroken = { finding: strip(f), index };
        if (f.caseId !== undefined && !t.examples.some((e) => e.caseId === f.caseId)) {
          t.examples.push({ caseId: f.caseId, index });
          t.examples.sort((a, b) => a.index - b.index).splice(5);
        }
      }
    }
  }

  get(ruleId: string): RuleTally {
    return this.rules.get(ruleId) ?? emptyTally();
  }
}

const strip = (f: JudgedFinding): Finding => {
  const { buckets: _, ms: __, ...rest } = f;
  return rest;
};

export interface RuleVerdict {
  ruleId: string;
  verdict: Verdict;
  passed: number;
  broken: number;
  /** The first breaking finding, or the reason for SKIPPED/NOT_IMPLEMENTED/ERROR. */
  message: string;
  caseId?: string;
  examples: string[];
  /** Checks the rule had, and needs. */
  checks: { had: number; needs: number };
}

export interface VerdictContext {
  /** The target does not implement the operation: every rule gets NOT_IMPLEMENTED with this evidence. */
  notImplemented?: string;
  /** The target could not be tested at all: every rule gets ERROR with this evidence. */
  untestable?: string;
  /** Capabilities the target lacks, each with why. */
  missing: Partial<Record<Capability, string>>;
  /** Capabilities setup could not verify (the target's own answers disagreed), each with the setup finding. */
  unverified: Partial<Record<Capability, string>>;
  /** Buckets that cannot be sent to this target, and facets (`facet:<id>`) it cannot be checked for, each with why: not required. */
  notApplicable: Record<string, string>;
  /** How many requests of each bucket were sent and answered in the run. */
  coverage: Record<string, { sent: number; answered: number }>;
  /** Exchanges that ended in a transport fault, a throttle that outlasted the retries, or a refusal of the caller. */
  faults: number;
  /** The first such fault, for messages. */
  firstFault?: string;
  /** The first scenario action the target refused (an upload, a deletion), for messages. */
  firstRefused?: string;
  /** Successes that arrived whole but were not JSON: wire.json fails them, no other rule can read them. */
  notJson?: number;
  /** A replay of one case: a rule needs one check of that case, no more, and no bucket. */
  replay?: boolean;
}

/** One verdict per rule: FAIL > ERROR > DIVERGENT > PASS, where PASS needs evidence, else SKIPPED. */
export function verdicts(entries: CatalogueEntry[], tally: FindingTally, ctx: VerdictContext): RuleVerdict[] {
  return entries.map((entry) => {
    const t = tally.get(entry.id);
    const checks = { had: t.passed + t.broken, needs: ctx.replay ? 1 : entry.checks.minimum };
    const base = { ruleId: entry.id, passed: t.passed, broken: t.broken, examples: t.examples.map((e) => e.caseId), checks };
    const skip = (message: string) => ({ ...base, verdict: 'SKIPPED' as const, message });
    if (ctx.notImplemented) return { ...base, verdict: 'NOT_IMPLEMENTED' as const, message: ctx.notImplemented };
    if (ctx.untestable) return { ...base, verdict: 'ERROR' as const, message: ctx.untestable };
    const lacking = (entry.needs ?? []).find((c) => ctx.missing[c] !== undefined);
    if (lacking) return skip(`needs ${lacking}: ${ctx.missing[lacking]}`);
    const b = t.firstBroken?.finding;
    const withCase = (f: Finding) => (f.caseId !== undefined ? { caseId: f.caseId } : {});
    if (b && b.verdict === 'FAIL') {
      const doubt = (entry.needs ?? []).find((c) => ctx.unverified[c] !== undefined);
      if (doubt) return { ...skip(`setup could not verify ${doubt}: ${ctx.unverified[doubt]}; so this may come from the setup, not from BatchCheckLayerAvailability: ${b.message}`), ...withCase(b) };
      return { ...base, verdict: 'FAIL' as const, message: b.message, ...withCase(b) };
    }
    if (t.firstError) return { ...base, verdict: 'ERROR' as const, message: t.firstError.finding.message, ...withCase(t.firstError.finding) };
    if (b) return { ...base, verdict: b.verdict, message: b.message, ...withCase(b) };
    const faults = `${ctx.faults > 0 ? `; ${ctx.faults} exchange(s) could not be judged (first: ${ctx.firstFault ?? 'a fault'})` : ''}${ctx.notJson ? `; ${ctx.notJson} success answer(s) were not JSON (wire.json), so no other rule could read them` : ''}`;
    if (checks.had === 0 && ctx.faults > 0) return { ...base, verdict: 'ERROR' as const, message: `no check: ${ctx.faults} exchange(s) ended in faults (first: ${ctx.firstFault ?? 'a fault'})` };
    if (checks.had < checks.needs) return skip(`${checks.had} of the ${checks.needs} checks it needs (${entry.checks.what})${faults}`);
    for (const bucket of ctx.replay ? [] : entry.buckets ?? []) {
      if (ctx.notApplicable[bucket] !== undefined || (t.buckets[bucket] ?? 0) > 0) continue;
      const c = ctx.coverage[bucket];
      const seen = !c || c.sent === 0 ? 'never sent' : c.answered === 0 ? `sent ${c.sent} time(s), never answered` : `answered ${c.answered} time(s), none a check of this rule`;
      return skip(`no check with ${bucket} (${seen})${faults}`);
    }
    const waived: string[] = [];
    for (const facet of ctx.replay ? [] : entry.facets ?? []) {
      if ((t.buckets[facetKey(facet.id)] ?? 0) > 0) continue;
      const notHere = ctx.notApplicable[facetKey(facet.id)];
      if (notHere !== undefined) {
        waived.push(`${facet.what}: ${notHere}`);
        continue;
      }
      const why = facet.needs && ctx.missing[facet.needs] !== undefined ? `: needs ${facet.needs}: ${ctx.missing[facet.needs]}`
        : ctx.firstRefused ? ` (the target refused a scenario action, first: ${ctx.firstRefused})` : '';
      return skip(`${checks.had} check(s) held, none of them about ${facet.what}${why}${faults}`);
    }
    const doubt = (entry.needs ?? []).find((c) => ctx.unverified[c] !== undefined);
    const note = `${doubt ? ` (setup could not verify ${doubt}, yet every check held)` : ''}${waived.length > 0 ? ` (not applicable to this run: ${waived.join('; ')})` : ''}`;
    return { ...base, verdict: 'PASS' as const, message: `${t.firstPass?.message ?? ''}${note}` };
  });
}
