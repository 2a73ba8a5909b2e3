// What a person sees on the terminal: a table of rules and verdicts, then what to do next.
import type { Verdict } from '../model.ts';
import type { RunResult } from '../run/result.ts';
import { generated } from '../report/text.ts';

const MARK: Record<Verdict, string> = { PASS: 'PASS', FAIL: 'FAIL', DIVERGENT: 'DIVERGENT', NOT_IMPLEMENTED: 'NOT_IMPLEMENTED', SKIPPED: 'SKIPPED', ERROR: 'ERROR' };

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function renderTable(r: RunResult, width = 120): string {
  const idWidth = Math.max(...r.rules.map((x) => x.id.length));
  const lines = r.rules.map((x) => {
    const head = `${MARK[x.verdict].padEnd(15)} ${x.id.padEnd(idWidth)}  `;
    return head + clip(x.verdict === 'PASS' ? `${x.passed} checks` : x.message.replace(/\s+/g, ' '), Math.max(20, width - head.length));
  });
  const c = r.summary.counts;
  const counts = (Object.keys(c) as Verdict[]).filter((v) => c[v] > 0).map((v) => `${c[v]} ${v}`).join(', ');
  lines.push('');
  lines.push(`${r.summary.verdict}: ${counts}`);
  lines.push(`${r.summary.cases} cases, ${r.summary.exchanges} exchanges, ${r.provenance.requests.used} requests in ${(r.provenance.durationMs / 1000).toFixed(1)} s against ${r.provenance.target.description}${generated(r) ? ` (seed ${r.provenance.seed})` : ''}`);
  for (const note of r.capabilities.notes) lines.push(`note: ${note}`);
  if (r.provenance.budgetExhausted) lines.push('note: the request or time budget (--max-requests, --max-time) ran out; later cases were not sent');
  if (r.provenance.interrupted) lines.push('note: interrupted; the report covers what ran before');
  for (const left of r.leftovers) lines.push(`warning: could not remove ${left}`);
  const broken = r.rules.filter((x) => x.counterexample && (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT'));
  if (broken.length > 0) {
    lines.push('');
    lines.push('Replay a minimal counterexample:');
    for (const x of broken) lines.push(`  ${x.id}: ${x.counterexample!.replay}`);
  }
  return lines.join('\n');
}
