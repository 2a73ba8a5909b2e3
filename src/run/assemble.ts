// Turns a run's tallies into the result document. Shared by `run` and by `merge`, so a merged set of
// shards and the unsharded run with the same seed come out the same.
import { catalogue, selectRules } from '../judge/catalogue.ts';
import { fingerprint } from '../judge/fingerprint.ts';
import { FindingTally, judgeRun, verdicts } from '../judge/judge.ts';
import type { Verdict } from '../model.ts';
import { specChecksum } from '../spec/index.ts';
import { RESULT_SCHEMA, type Counterexample, type RuleResult, type RunResult, type RunTallies, type RunVerdict } from './result.ts';
import type { Capabilities } from './setup.ts';
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

export function assembleResult(i: AssembleInput): RunResult {
  const entries = selectRules(i.provenance.rules === '*' ? undefined : i.provenance.rules);
  const runScope = entries.filter((e) => e.scope === 'run').map((e) => e.id);
  const findings = FindingTally.from(i.tallies.findings).without(runScope);
  findings.add(judgeRun(i.tallies.fingerprint, { otherAccountId: '', repositories: {}, missingRepositories: [] }, entries), Number.MAX_SAFE_INTEGER);
  const cap = i.capabilities;
  const ctx = {
    skipReasons: i.tallies.skipReasons,
    faults: i.tallies.faultCount + (cap.probeFault ? 1 : 0),
    ...(cap.implemented ? {} : { notImplemented: cap.notImplementedEvidence ?? 'not implemented' }),
    ...(cap.probeFault ? { untestable: cap.probeFault } : {}),
  };
  const byId = new Map(catalogue().map((e) => [e.id, e]));
  const rules: RuleResult[] = verdicts(entries, findings, ctx).map((v) => {
    const e = byId.get(v.ruleId)!;
    const r: RuleResult = { id: e.id, family: e.family, statement: e.statement, evidence: e.evidence, source: e.source, verdict: v.verdict, passed: v.passed, broken: v.broken, message: v.message };
    const cx = i.counterexamples[e.id];
    if (cx && (v.verdict === 'FAIL' || v.verdict === 'DIVERGENT')) r.counterexample = { ...cx, replay: i.replay(cx.caseId, e.id) };
    if (v.examples.length > 0 && (v.verdict === 'FAIL' || v.verdict === 'DIVERGENT')) r.examples = v.examples;
    return r;
  });
  const counts = { PASS: 0, FAIL: 0, DIVERGENT: 0, NOT_IMPLEMENTED: 0, SKIPPED: 0, ERROR: 0 } as Record<Verdict, number>;
  for (const r of rules) counts[r.verdict]++;
  const verdict: RunVerdict = !cap.implemented ? 'NOT_IMPLEMENTED' : counts.FAIL > 0 ? 'NOT_CONFORMANT' : counts.ERROR > 0 || ctx.faults > 0 ? 'UNTESTABLE' : 'CONFORMANT';
  const t = i.tallies;
  const v = versions();
  return {
    schema: RESULT_SCHEMA,
    provenance: {
      suite: { name: 'ecr-conformance', version: v.suite },
      sdk: { package: '@aws-sdk/client-ecr', version: v.sdk },
      node: process.version,
      spec: { checksum: specChecksum() },
      ...i.provenance,
    },
    summary: { verdict, counts, cases: t.cases, exchanges: t.exchanges, faults: ctx.faults },
    capabilities: cap,
    rules,
    fingerprint: fingerprint(t.fingerprint),
    coverage: {
      inputClasses: t.inputClasses, expectedOutcomes: t.expectedOutcomes, observedOutcomes: t.observedOutcomes,
      properties: i.properties.map((p) => ({ ...p, cases: t.perProperty[p.name] ?? 0 })),
    },
    faults: [...(cap.probeFault ? [{ caseId: 'probe', summary: cap.probeFault }] : []), ...t.faults.map(({ caseId, summary }) => ({ caseId, summary }))],
    leftovers: i.leftovers,
    tallies: t,
  };
}
