// The judge: applies rules to exchanges and folds findings into one verdict per rule. Pure.
import type { Exchange, Finding, Knowledge, Verdict } from '../model.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { Outcome } from './rule.ts';
import type { Tally } from './fingerprint.ts';
import { view, type View } from './view.ts';

function toFinding(entry: CatalogueEntry, o: Outcome, caseId: string | undefined): Finding {
  const finding: Finding = { ruleId: entry.id, verdict: o.held ? 'PASS' : entry.breaks, message: o.message };
  if (caseId !== undefined) finding.caseId = caseId;
  return finding;
}

function safely(entry: CatalogueEntry, caseId: string | undefined, run: () => (Outcome & { caseId?: string })[]): Finding[] {
  try {
    return run().map((o) => toFinding(entry, o, o.caseId ?? caseId));
  } catch (e) {
    const f: Finding = { ruleId: entry.id, verdict: 'ERROR', message: `the rule itself failed (a bug in ecr-conformance): ${(e as Error).message}` };
    if (caseId !== undefined) f.caseId = caseId;
    return [f];
  }
}

/** Exchange- and case-scope findings for the exchanges of one case. */
export function judgeCase(caseId: string, exchanges: Exchange[], k: Knowledge, entries: CatalogueEntry[]): Finding[] {
  return judgeViews(caseId, exchanges.map(view), k, entries);
}

export function judgeViews(caseId: string, views: View[], k: Knowledge, entries: CatalogueEntry[]): Finding[] {
  const out: Finding[] = [];
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope === 'exchange') for (const v of views) out.push(...safely(entry, caseId, () => rule.check(v, k)));
    else if (rule.scope === 'case') out.push(...safely(entry, caseId, () => rule.check(views, k)));
  }
  return out;
}

/** Run-scope findings over the run's fingerprint tally. */
export function judgeRun(t: Tally, k: Knowledge, entries: CatalogueEntry[]): Finding[] {
  const out: Finding[] = [];
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope === 'run') out.push(...safely(entry, undefined, () => rule.check(t, k)));
  }
  return out;
}

export interface RuleTally {
  passed: number;
  broken: number;
  /** The passing finding of the earliest case: reports stay the same whatever order cases finish in. */
  firstPass?: { message: string; index: number };
  /** The breaking and the erroring finding of the earliest case. */
  firstBroken?: { finding: Finding; index: number };
  firstError?: { finding: Finding; index: number };
  /** Earliest breaking cases. */
  examples: { caseId: string; index: number }[];
}

/** Folds findings case by case in constant memory; the result does not depend on arrival order. */
export class FindingTally {
  private readonly rules = new Map<string, RuleTally>();

  /** A plain object that a report can carry and `merge` can fold again. */
  toJSON(): Record<string, RuleTally> {
    return Object.fromEntries(this.rules);
  }

  static from(json: Record<string, RuleTally>): FindingTally {
    const t = new FindingTally();
    for (const [id, r] of Object.entries(json)) t.rules.set(id, structuredClone(r));
    return t;
  }

  /** Folds another tally in, as if its cases had been added here (shards of one run). */
  merge(other: FindingTally): void {
    for (const [id, o] of other.rules) {
      const t = this.rules.get(id);
      if (!t) { this.rules.set(id, structuredClone(o)); continue; }
      t.passed += o.passed;
      t.broken += o.broken;
      if (o.firstPass && (!t.firstPass || o.firstPass.index < t.firstPass.index)) t.firstPass = o.firstPass;
      if (o.firstError && (!t.firstError || o.firstError.index < t.firstError.index)) t.firstError = o.firstError;
      if (o.firstBroken && (!t.firstBroken || o.firstBroken.index < t.firstBroken.index || (o.firstBroken.index === t.firstBroken.index && o.firstBroken.finding.verdict === 'FAIL'))) t.firstBroken = o.firstBroken;
      t.examples = [...t.examples, ...o.examples.filter((e) => !t.examples.some((x) => x.caseId === e.caseId))].sort((a, b) => a.index - b.index).slice(0, 5);
    }
  }

  /** Drops what run-scope rules said, so they can be judged again over a merged fingerprint. */
  without(ruleIds: string[]): FindingTally {
    const t = FindingTally.from(this.toJSON());
    for (const id of ruleIds) t.rules.delete(id);
    return t;
  }

  add(findings: Finding[], index: number): void {
    for (const f of findings) {
      let t = this.rules.get(f.ruleId);
      if (!t) this.rules.set(f.ruleId, (t = { passed: 0, broken: 0, examples: [] }));
      if (f.verdict === 'PASS') {
        t.passed++;
        if (!t.firstPass || index < t.firstPass.index) t.firstPass = { message: f.message, index };
      } else if (f.verdict === 'ERROR') {
        if (!t.firstError || index < t.firstError.index) t.firstError = { finding: f, index };
      } else {
        t.broken++;
        if (!t.firstBroken || index < t.firstBroken.index || (index === t.firstBroken.index && f.verdict === 'FAIL')) t.firstBroken = { finding: f, index };
        if (f.caseId !== undefined && !t.examples.some((e) => e.caseId === f.caseId)) {
          t.examples.push({ caseId: f.caseId, index });
          t.examples.sort((a, b) => a.index - b.index).splice(5);
        }
      }
    }
  }

  get(ruleId: string): RuleTally {
    return this.rules.get(ruleId) ?? { passed: 0, broken: 0, examples: [] };
  }
}

export interface RuleVerdict {
  ruleId: string;
  verdict: Verdict;
  passed: number;
  broken: number;
  /** The first breaking finding, or the reason for SKIPPED/NOT_IMPLEMENTED/ERROR. */
  message: string;
  caseId?: string;
  examples: string[];
}

export interface VerdictContext {
  /** The target does not implement the operation: every rule gets NOT_IMPLEMENTED with this evidence. */
  notImplemented?: string;
  /** The target could not be tested at all: every rule gets ERROR with this evidence. */
  untestable?: string;
  /** Why a rule may have had nothing to judge, by rule id (missing capabilities). */
  skipReasons: Record<string, string>;
  /** Exchanges that ended in a transport fault or a non-JSON 200. */
  faults: number;
}

/** One verdict per rule: FAIL > ERROR > DIVERGENT > PASS > SKIPPED. */
export function verdicts(entries: CatalogueEntry[], tally: FindingTally, ctx: VerdictContext): RuleVerdict[] {
  return entries.map((entry) => {
    const t = tally.get(entry.id);
    const base = { ruleId: entry.id, passed: t.passed, broken: t.broken, examples: t.examples.map((e) => e.caseId) };
    if (ctx.notImplemented) return { ...base, verdict: 'NOT_IMPLEMENTED' as const, message: ctx.notImplemented };
    if (ctx.untestable) return { ...base, verdict: 'ERROR' as const, message: ctx.untestable };
    const b = t.firstBroken?.finding;
    const withCase = (f: Finding) => (f.caseId !== undefined ? { caseId: f.caseId } : {});
    if (b && b.verdict === 'FAIL') return { ...base, verdict: 'FAIL' as const, message: b.message, ...withCase(b) };
    if (t.firstError) return { ...base, verdict: 'ERROR' as const, message: t.firstError.finding.message, ...withCase(t.firstError.finding) };
    if (b) return { ...base, verdict: b.verdict, message: b.message, ...withCase(b) };
    if (t.passed > 0) return { ...base, verdict: 'PASS' as const, message: t.firstPass?.message ?? '' };
    if (ctx.skipReasons[entry.id]) return { ...base, verdict: 'SKIPPED' as const, message: ctx.skipReasons[entry.id]! };
    if (ctx.faults > 0) return { ...base, verdict: 'ERROR' as const, message: `no case could be judged: ${ctx.faults} exchange(s) ended in a transport fault` };
    return { ...base, verdict: 'SKIPPED' as const, message: 'no case in this run applied to the rule' };
  });
}
