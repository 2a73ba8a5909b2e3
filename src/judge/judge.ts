// The judge: applies rules to exchanges and folds findings into one verdict per rule. Pure.
import type { Exchange, Finding, Knowledge, Verdict } from '../model.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { Outcome } from './rule.ts';
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
  const views = exchanges.map(view);
  const out: Finding[] = [];
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope === 'exchange') for (const v of views) out.push(...safely(entry, caseId, () => rule.check(v, k)));
    else if (rule.scope === 'case') out.push(...safely(entry, caseId, () => rule.check(views, k)));
  }
  return out;
}

/** Run-scope findings over every exchange of the run. */
export function judgeRun(views: View[], k: Knowledge, entries: CatalogueEntry[]): Finding[] {
  const out: Finding[] = [];
  for (const entry of entries) {
    const rule = entry.rule;
    if (rule.scope === 'run') out.push(...safely(entry, undefined, () => rule.check(views, k)));
  }
  return out;
}

export interface RuleVerdict {
  ruleId: string;
  verdict: Verdict;
  /** Counts of finding verdicts behind it. */
  passed: number;
  broken: number;
  /** The first breaking finding, or the reason for SKIPPED/NOT_IMPLEMENTED/ERROR. */
  message: string;
  caseId?: string;
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

/** Folds findings into one verdict per rule: FAIL > ERROR > DIVERGENT > PASS > SKIPPED. */
export function verdicts(entries: CatalogueEntry[], findings: Finding[], ctx: VerdictContext): RuleVerdict[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  return entries.map((entry) => {
    const fs = byRule.get(entry.id) ?? [];
    const passed = fs.filter((f) => f.verdict === 'PASS').length;
    const brokenFindings = fs.filter((f) => f.verdict === 'FAIL' || f.verdict === 'DIVERGENT');
    const base = { ruleId: entry.id, passed, broken: brokenFindings.length };
    if (ctx.notImplemented) return { ...base, verdict: 'NOT_IMPLEMENTED' as const, message: ctx.notImplemented };
    if (ctx.untestable) return { ...base, verdict: 'ERROR' as const, message: ctx.untestable };
    const firstOf = (v: Verdict) => fs.find((f) => f.verdict === v);
    for (const v of ['FAIL', 'ERROR', 'DIVERGENT'] as const) {
      const f = firstOf(v);
      if (f) return { ...base, verdict: v, message: f.message, ...(f.caseId !== undefined ? { caseId: f.caseId } : {}) };
    }
    if (passed > 0) return { ...base, verdict: 'PASS' as const, message: fs[0]!.message };
    if (ctx.skipReasons[entry.id]) return { ...base, verdict: 'SKIPPED' as const, message: ctx.skipReasons[entry.id]! };
    if (ctx.faults > 0) return { ...base, verdict: 'ERROR' as const, message: `no case could be judged: ${ctx.faults} exchange(s) ended in a transport fault` };
    return { ...base, verdict: 'SKIPPED' as const, message: 'no case in this run applied to the rule' };
  });
}
