// Joins the results of the shards of one run into the result that run would have had.
import { UsageError } from '../errors.ts';
import { FindingTally } from '../judge/judge.ts';
import { FingerprintTally } from '../judge/fingerprint.ts';
import { assembleResult } from '../run/assemble.ts';
import type { Counterexample, RunResult, RunTallies } from '../run/result.ts';

const sum = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  return into;
};

export function mergeResults(results: RunResult[]): RunResult {
  if (results.length === 0) throw new UsageError('merge needs at least one shard report');
  const first = results[0]!;
  const same = (pick: (r: RunResult) => unknown, what: string) => {
    const values = new Set(results.map((r) => JSON.stringify(pick(r))));
    if (values.size > 1) throw new UsageError(`the reports are not shards of one run: their ${what} differ`, 'NOT_SHARDS');
  };
  same((r) => r.provenance.seed, 'seeds');
  same((r) => r.provenance.runs, 'runs');
  same((r) => r.provenance.rules, 'rule selections');
  same((r) => r.provenance.spec.checksum, 'spec/ checksums');
  same((r) => r.provenance.suite.generator ?? 1, 'case generators (the same seed made different cases)');
  same((r) => r.provenance.target.kind, 'targets');
  const shards = results.map((r) => r.provenance.shard);
  const counts = new Set(shards.map((s) => s?.count));
  if (counts.size !== 1 || shards.some((s) => !s || !('index' in s))) throw new UsageError('every report must come from run --shard I/N with the same N', 'NOT_SHARDS');
  const indexes = shards.map((s) => (s as { index: number }).index);
  if (new Set(indexes).size !== indexes.length) throw new UsageError(`shard ${indexes.find((x, i) => indexes.indexOf(x) !== i)} is given twice`, 'NOT_SHARDS');
  const of = (shards[0] as { count: number }).count;
  const missing = Array.from({ length: of }, (_, i) => i + 1).filter((i) => !indexes.includes(i));
  if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${of} missing: merge needs the report of every shard`, 'NOT_SHARDS');

  const findings = new FindingTally();
  const fingerprint = new FingerprintTally();
  const t: RunTallies = {
    findings: {}, fingerprint: {}, perProperty: {}, inputClasses: {}, expectedOutcomes: {}, observedOutcomes: {}, buckets: {},
    faults: [], faultKinds: {}, faultCount: 0, refusedActions: [], cases: 0, exchanges: 0, smallest: {},
  };
  const counterexamples: Record<string, Counterexample> = {};
  for (const r of results) {
    const s = r.tallies;
    findings.merge(FindingTally.from(s.findings));
    fingerprint.merge(s.fingerprint);
    sum(t.perProperty, s.perProperty);
    sum(t.inputClasses, s.inputClasses);
    sum(t.expectedOutcomes, s.expectedOutcomes);
    sum(t.observedOutcomes, s.observedOutcomes);
    for (const [b, c] of Object.entries(s.buckets)) {
      const into = (t.buckets[b] ??= { sent: 0, answered: 0 });
      into.sent += c.sent;
      into.answered += c.answered;
    }
    sum(t.faultKinds, s.faultKinds);
    t.faults.push(...s.faults);
    t.refusedActions.push(...s.refusedActions);
    t.faultCount += s.faultCount;
    t.cases += s.cases;
    t.exchanges += s.exchanges;
    for (const [id, origin] of Object.entries(s.smallest)) {
      const held = t.smallest[id];
      // The unsharded run shrinks its smallest failing case (fewest bytes, then earliest): so does merge.
      if (!held || origin.size < held.size || (origin.size === held.size && origin.index < held.index)) {
        t.smallest[id] = origin;
        const cx = r.rules.find((x) => x.id === id)?.counterexample;
        if (cx) counterexamples[id] = cx;
      }
    }
  }
  t.faults = t.faults.sort((a, b) => a.index - b.index).slice(0, 20);
  t.refusedActions = t.refusedActions.sort((a, b) => a.index - b.index).slice(0, 10);
  t.findings = findings.toJSON();
  t.fingerprint = fingerprint.tally;
  const p = first.provenance;
  const replayOf = (cx: Counterexample) => cx.replay;
  const byCase = new Map(Object.values(counterexamples).map((cx) => [cx.caseId, cx]));
  return assembleResult({
    provenance: {
      target: p.target, seed: p.seed, runs: p.runs, rules: p.rules,
      startedAt: results.map((r) => r.provenance.startedAt).sort()[0]!,
      durationMs: Math.max(...results.map((r) => r.provenance.durationMs)),
      requests: {
        used: results.reduce((n, r) => n + r.provenance.requests.used, 0), budget: p.requests.budget,
        throttled: results.reduce((n, r) => n + r.provenance.requests.throttled, 0), rps: p.requests.rps,
        transientErrors: results.reduce((n, r) => n + (r.provenance.requests.transientErrors ?? 0), 0),
        recovered: results.reduce((n, r) => n + (r.provenance.requests.recovered ?? 0), 0),
      },
      interrupted: results.some((r) => r.provenance.interrupted),
      budgetExhausted: results.some((r) => r.provenance.budgetExhausted),
      timeExhausted: results.some((r) => r.provenance.timeExhausted),
      planned: results.reduce((n, r) => n + (r.provenance.planned ?? 0), 0),
      ...(p.maxTimeMs ? { maxTimeMs: p.maxTimeMs } : {}),
      options: p.options,
      shard: { merged: results.length, count: (shards[0] as { count: number }).count },
    },
    capabilities: first.capabilities,
    properties: first.coverage.properties.map(({ name, about }) => ({ name, about })),
    tallies: t,
    counterexamples,
    leftovers: results.flatMap((r) => r.leftovers),
    replay: (caseId) => { const cx = byCase.get(caseId); return cx ? replayOf(cx) : ''; },
  });
}
