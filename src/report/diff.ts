// Compares two results: rules that regressed, got fixed or changed verdict, and fingerprint points
// whose choice changed. Serves two uses: one target under two SDK versions, and two targets.
import type { Verdict } from '../model.ts';
import type { RunResult } from '../run/result.ts';
import { inert } from './text.ts';

export interface RuleChange { id: string; from: Verdict | 'absent'; to: Verdict | 'absent'; kind: 'regressed' | 'fixed' | 'changed'; message: string }
export interface PointChange { point: string; from: string; to: string }
export interface Diff { regressed: RuleChange[]; fixed: RuleChange[]; changed: RuleChange[]; fingerprint: PointChange[]; warnings: string[] }

const BAD = new Set<Verdict | 'absent'>(['FAIL', 'NOT_IMPLEMENTED', 'ERROR']);
const choices = (observed: Record<string, number>) => Object.keys(observed).sort().join('+') || 'not observed';

export function diffResults(a: RunResult, b: RunResult): Diff {
  const out: Diff = { regressed: [], fixed: [], changed: [], fingerprint: [], warnings: [] };
  const pa = a.provenance;
  const pb = b.provenance;
  if (pa.spec.checksum !== pb.spec.checksum) out.warnings.push(`the two runs used different spec/ (${pa.spec.checksum.slice(0, 15)}… vs ${pb.spec.checksum.slice(0, 15)}…)`);
  if (pa.seed !== pb.seed || pa.runs !== pb.runs) out.warnings.push(`different cases: seed ${pa.seed}/${pa.runs} runs vs seed ${pb.seed}/${pb.runs} runs`);
  else if ((pa.suite.generator ?? 1) !== (pb.suite.generator ?? 1)) out.warnings.push(`different cases: the same seed, but case generator ${pa.suite.generator ?? 1} vs ${pb.suite.generator ?? 1}`);
  const before = new Map(a.rules.map((r) => [r.id, r]));
  const after = new Map(b.rules.map((r) => [r.id, r]));
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(id)?.verdict ?? 'absent';
    const to = after.get(id)?.verdict ?? 'absent';
    if (from === to) continue;
    const message = after.get(id)?.message ?? before.get(id)?.message ?? '';
    if (BAD.has(to) && !BAD.has(from)) out.regressed.push({ id, from, to, kind: 'regressed', message });
    else if (BAD.has(from) && (to === 'PASS' || to === 'DIVERGENT')) out.fixed.push({ id, from, to, kind: 'fixed', message });
    else out.changed.push({ id, from, to, kind: 'changed', message });
  }
  const fb = new Map(b.fingerprint.map((f) => [f.point, f]));
  for (const f of a.fingerprint) {
    const g = fb.get(f.point);
    if (g && choices(f.observed) !== choices(g.observed)) out.fingerprint.push({ point: f.point, from: choices(f.observed), to: choices(g.observed) });
  }
  return out;
}

export function renderDiff(d: Diff, aName: string, bName: string): string {
  const lines = [`ecr-conformance diff: ${aName} → ${bName}`];
  for (const w of d.warnings) lines.push(`warning: ${w}`);
  const section = (title: string, xs: RuleChange[]) => {
    if (xs.length === 0) return;
    lines.push('', `${title} (${xs.length}):`);
    for (const x of xs) lines.push(`  ${x.id}: ${x.from} → ${x.to}${x.kind === 'fixed' ? '' : `  ${inert(x.message)}`}`);
  };
  section('REGRESSED', d.regressed);
  section('FIXED', d.fixed);
  section('CHANGED', d.changed);
  if (d.fingerprint.length > 0) {
    lines.push('', `FINGERPRINT (${d.fingerprint.length}):`);
    for (const f of d.fingerprint) lines.push(`  ${f.point}: ${f.from} → ${f.to}`);
  }
  if (d.regressed.length + d.fixed.length + d.changed.length + d.fingerprint.length === 0) lines.push('', 'no difference in verdicts or fingerprint');
  return `${lines.join('\n')}\n`;
}
