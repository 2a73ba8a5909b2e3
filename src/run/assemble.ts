// Turns a run's tallies into the result document. Shared by `run` and by `merge`, so a merged set of
// shards and the unsharded run with the same seed come out the same. The run's verdict is decided
// here, once, from the rules' verdicts and what kept evidence away.
import { catalogue, selectRules } from '../judge/catalogue.ts';
import { dimensions } from '../judge/coverage.ts';
import { fingerprint } from '../judge/fingerprint.ts';
import { facetKey, FindingTally, judgeRun, verdicts } from '../judge/judge.ts';
import type { Verdict } from '../model.ts';
import { specChecksum } from '../spec/index.ts';
import { DENIED_INVALID, NOT_JSON_SUCCESS, RESULT_SCHEMA, type Counterexample, type RuleResult, type RunResult, type RunTallies, type RunVerdict } from './result.ts';
import type { Capabilities } from './setup.ts';
import { GENERATOR } from '../generate/version.ts';
import { versions } from './versions.ts';

export interface AssembleInput {
  provenance: Omit<RunResult['provenance'], 'suite' | 'sdk' | 'node' | 'spec'>;
  capabilities: Capabilities;
  properties: { name: string; about: string }[];
  tallies: RunTallies;
  counterexamples: Record<string, Counterexample>;
  leftovers: string[];
  replay: (caseId: string, ruleId: string) => string;
}

export const emptyCounts = (): Record<Verdict, number> => ({ PASS: 0, FAIL: 0, DIVERGENT: 0, NOT_IMPLEMENTED: 0, SKIPPED: 0, ERROR: 0 });

/** The one verdict logic for every command: run, merge, check, replay, verify. */
export function decideVerdict(i: { implemented: boolean; counts: Record<Verdict, number>; untestable: boolean; causes: string[] }): RunVerdict {
  if (!i.implemented) return 'NOT_IMPLEMENTED';
  if (i.counts.FAIL > 0) return 'NOT_CONFORMANT';
  if (i.untestable) return 'UNTESTABLE';
  if (i.causes.length > 0) return 'INCOMPLETE';
  return 'CONFORMANT';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function assembleResult(i: AssembleInput): RunResult {
  const entries = selectRules(i.provenance.rules === '*' ? undefined : i.provenance.rules);
  const runScope = entries.filter((e) => e.scope === 'run').map((e) => e.id);
  const findings = FindingTally.from(i.tallies.findings).without(runScope);
  findings.add(judgeRun(i.tallies.fingerprint, { otherAccountId: '', repositories: {}, missingRepositories: [] }, entries), Number.MAX_SAFE_INTEGER);
  const cap = i.capabilities;
  const t = i.tallies;
  const p = i.provenance;
  const faultKinds = Object.entries(t.faultKinds ?? {}).map(([kind, n]) => `${kind} ×${n}`).join(', ');
  const ctx = {
    missing: cap.missing ?? {},
    unverified: cap.unverified ?? {},
    notApplicable: cap.notApplicable ?? {},
    coverage: t.buckets ?? {},
    faults: t.faultCount + (cap.probeFault ? 1 : 0),
    ...(t.faults[0] ? { firstFault: t.faults[0].summary } : {}),
    ...(t.refusedActions?.[0] ? { firstRefused: t.refusedActions[0].summary } : {}),
    ...(t.observedOutcomes[NOT_JSON_SUCCESS] ? { notJson: t.observedOutcomes[NOT_JSON_SUCCESS] } : {}),
    ...(cap.implemented ? {} : { notImplemented: cap.notImplementedEvidence ?? 'not implemented' }),
    ...(cap.probeFault ? { untestable: cap.probeFault } : {}),
    ...(p.replayOf ? { replay: true } : {}),
  };
  const byId = new Map(catalogue().map((e) => [e.id, e]));
  const rules: RuleResult[] = verdicts(entries, findings, ctx).map((v) => {
    const e = byId.get(v.ruleId)!;
    const r: RuleResult = { id: e.id, family: e.family, statement: e.statement, evidence: e.evidence, source: e.source, verdict: v.verdict, passed: v.passed, broken: v.broken, message: v.message, checks: v.checks };
    if (e.facets) {
      const held = findings.get(e.id).buckets;
      r.facets = e.facets.map((f) => {
        const notHere = ctx.notApplicable[facetKey(f.id)];
        return { id: f.id, what: f.what, held: held[facetKey(f.id)] ?? 0, ...(notHere !== undefined ? { notApplicable: notHere } : {}) };
      });
    }
    const cx = i.counterexamples[e.id];
    if (cx && (v.verdict === 'FAIL' || v.verdict === 'DIVERGENT')) {
      r.counterexample = { ...cx, replay: i.replay(cx.caseId, e.id) };
      // The message describes the case the replay command sends.
      if (cx.message) r.message = cx.message;
    }
    if (v.examples.length > 0 && (v.verdict === 'FAIL' || v.verdict === 'DIVERGENT')) r.examples = v.examples;
    const ms = findings.get(e.id).ms;
    if (ms !== undefined) r.ms = Math.round(ms);
    const first = findings.get(e.id).firstDetectionRequests;
    if (first !== undefined && (v.verdict === 'FAIL' || v.verdict === 'DIVERGENT')) r.firstDetection = { requests: first };
    return r;
  });
  const counts = emptyCounts();
  for (const r of rules) counts[r.verdict]++;

  const short = rules.filter((r) => r.verdict === 'SKIPPED' || r.verdict === 'ERROR');
  const causes: string[] = [];
  const notes: string[] = [];
  const ran = `${t.cases} of ${p.planned ?? t.cases} planned cases`;
  if (p.interrupted) causes.push(`interrupted: ${ran} ran`);
  const cut = p.budgetExhausted ? `the request budget (--max-requests ${p.requests.budget}) stopped exploration after ${ran}` : p.timeExhausted ? `the time budget (--max-time ${Math.round((p.maxTimeMs ?? 0) / 1000)} s) stopped exploration after ${ran}` : undefined;
  const affected = (capability: string) => short.some((r) => byId.get(r.id)!.needs?.includes(capability as never));
  /** One line per reason, naming every capability it took away. */
  const grouped = (what: string, m: Partial<Record<string, string>>) => {
    const byReason = new Map<string, string[]>();
    for (const [c, why] of Object.entries(m)) if (why !== undefined && affected(c)) byReason.set(why, [...(byReason.get(why) ?? []), c]);
    return [...byReason].map(([why, caps]) => `${what} ${caps.join(', ')}: ${why}`);
  };
  const setup = [...grouped('setup could not verify', ctx.unverified), ...grouped('the target lacks', ctx.missing)];
  if (t.faultCount > 0) causes.push(`${plural(t.faultCount, 'exchange')} could not be judged (${faultKinds}): a fault is never a FAIL, but it is not evidence either${deniedHint(t.faultKinds ?? {})}`);
  if (short.length > 0) {
    if (p.shard && 'index' in p.shard) causes.push(`this report is shard ${p.shard.index} of ${p.shard.count}: merge the shards (ecr-conformance merge) for the run's verdict`);
    if (cut) causes.push(cut);
    causes.push(...[...new Set(setup)]);
    causes.push(`${short.length} of ${rules.length} selected rules lack their evidence: ${short.map((r) => r.id).join(', ')}`);
  } else if (cut) notes.push(`${cut}; every rule had its evidence by then`);
  if (p.soak) {
    const r = p.soak.rounds;
    const seeds = r.length > 6 ? `${r.slice(0, 5).map((x) => x.seed).join(', ')}, … ${r[r.length - 1]!.seed}` : r.map((x) => x.seed).join(', ');
    const ended = p.interrupted ? 'the run was interrupted' : p.timeExhausted ? '--max-time cut it' : p.budgetExhausted ? 'the request budget cut it' : 'the time did';
    notes.push(`soak (--duration ${Math.round(p.soak.durationMs / 1000)} s): ${plural(r.length, 'round')} of fresh cases, seeds ${seeds}; the last round ends where ${ended} (replay any case by its id: it carries its own seed)`);
  }
  if (p.requests.slowestRps !== undefined) notes.push(`throttled: the run slowed down to ${p.requests.slowestRps} requests/s at the lowest${p.requests.rps > 0 ? ` (from --rps ${p.requests.rps})` : ''}`);
  if ((p.requests.recovered ?? 0) > 0) notes.push(`${plural(p.requests.recovered!, 'answer')} recovered on a retry after a throttle, a transient error or a connection reset (${p.requests.throttled} throttled, ${p.requests.transientErrors ?? 0} transient or reset)`);
  if (t.refusedActions?.length) notes.push(`the target refused ${plural(t.refusedActions.length, 'scenario action')} (first: ${t.refusedActions[0]!.summary})`);
  const judgedAny = counts.PASS + counts.DIVERGENT + counts.FAIL > 0;
  const verdict = decideVerdict({ implemented: cap.implemented, counts, untestable: Boolean(cap.probeFault) || (!judgedAny && ctx.faults > 0), causes });

  const notApplicable = ctx.notApplicable;
  const dims = dimensions().map((d) => ({
    name: d.name, about: d.about,
    buckets: d.buckets.map((b) => {
      const key = `${d.name}:${b}`;
      const c = ctx.coverage[key] ?? { sent: 0, answered: 0 };
      return { bucket: b, sent: c.sent, answered: c.answered, ...(notApplicable[key] !== undefined ? { notApplicable: notApplicable[key] } : {}) };
    }),
  }));
  const unseen = dims.flatMap((d) => d.buckets.filter((b) => b.answered === 0 && b.notApplicable === undefined).map((b) => `${d.name}:${b.bucket}`));
  const v = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: v.suite, generator: GENERATOR },
      sdk: { package: '@aws-sdk/client-ecr', version: v.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      ...p,
    },
    summary: { verdict, counts, selected: rules.length, catalogue: catalogue().length, causes, notes, cases: t.cases, exchanges: t.exchanges, faults: ctx.faults },
    capabilities: cap,
    rules,
    fingerprint: fingerprint(t.fingerprint),
    coverage: {
      inputClasses: t.inputClasses, expectedOutcomes: t.expectedOutcomes, observedOutcomes: t.observedOutcomes,
      properties: i.properties.map((x) => ({ ...x, cases: t.perProperty[x.name] ?? 0 })),
      dimensions: dims, unseen,
    },
    faults: [...(cap.probeFault ? [{ caseId: 'probe', summary: cap.probeFault }] : []), ...t.faults.map(({ caseId, summary }) => ({ caseId, summary }))],
    leftovers: i.leftovers,
    tallies: t,
  };
}

/**
 * What permission errors suggest. When every one answered a request that breaks a documented
 * constraint (and so no valid request was refused), a fake may be answering input errors as permission
 * errors; otherwise the caller lacks a permission.
 */
function deniedHint(kinds: Record<string, number>): string {
  const denied = Object.keys(kinds).filter((k) => k.startsWith('denied'));
  if (denied.length === 0) return '';
  const lacking = 'ecr-conformance policy prints the policy a run needs';
  if (denied.every((k) => k.includes(DENIED_INVALID))) {
    return `; every permission error answered a request that breaks a documented constraint, and no valid request got one: a fake may be answering input errors as permission errors (against Amazon ECR, the credentials may lack a permission: ${lacking})`;
  }
  return `; the credentials lack a permission the run needs (${lacking})`;
}
