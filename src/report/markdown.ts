// Markdown that fits a CI step summary: the verdict first, then why (for an incomplete run), what is
// wrong and how to replay it, the fingerprint and what the run did not see. Text from the target is
// made inert; nothing is cut.
import type { RunResult } from '../run/result.ts';
import { countsLine, generated, inert, score, selection, VERDICT_WORDS } from './text.ts';

const cell = (s: string) => inert(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/`/g, '\\`');
const ICON: Record<string, string> = { CONFORMANT: '✅', INCOMPLETE: '🟡', NOT_CONFORMANT: '❌', NOT_IMPLEMENTED: '⛔', UNTESTABLE: '⚠️' };

export function renderMarkdown(r: RunResult): string {
  const p = r.provenance;
  const s = score(r);
  const sel = selection(r);
  const lines = [
    `## ${ICON[r.summary.verdict] ?? ''} ECR BatchCheckLayerAvailability conformance: ${r.summary.verdict}`,
    '',
    `**${s.passed}/${s.selected}** rules hold on their evidence (${countsLine(r)})${sel ? ` — ${sel}` : ''} — ${cell(p.target.description)}, ${r.summary.cases} cases${generated(r) ? `, seed ${p.seed}` : ''}.`,
    '',
    `*${VERDICT_WORDS[r.summary.verdict] ?? ''}*`,
    '',
  ];
  if ((r.summary.causes ?? []).length > 0) {
    lines.push('**Why it is not conformant yet:**', '', ...r.summary.causes.map((c) => `- ${cell(c)}`), '');
  }
  for (const n of r.summary.notes ?? []) lines.push(`> ${cell(n)}`);
  if ((r.summary.notes ?? []).length > 0) lines.push('');
  const notPass = r.rules.filter((x) => x.verdict !== 'PASS');
  if (notPass.length > 0) {
    lines.push('| verdict | rule | evidence | what happened |', '|---|---|---|---|');
    for (const x of notPass) lines.push(`| ${x.verdict} | \`${x.id}\` | ${x.evidence} | ${cell(x.message)} |`);
    lines.push('');
  }
  const replays = r.rules.filter((x) => x.counterexample && (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT'));
  if (replays.length > 0) {
    lines.push('<details><summary>Replay the minimal counterexamples</summary>', '', '```sh', ...replays.map((x) => `# ${x.id}\n${inert(x.counterexample!.replay)}`), '```', '', '</details>', '');
  }
  if (r.fingerprint.length > 0) {
    lines.push('| fingerprint point | this target | AWS reference |', '|---|---|---|');
    for (const f of r.fingerprint) {
      const seen = (observed: Record<string, number>) => Object.entries(observed).map(([c, n]) => `${cell(c)} (${n})`).join(', ') || 'not observed';
      lines.push(`| ${f.point} | ${seen(f.observed)} | ${f.reference} (${f.evidence}, ${f.confidence}) |`);
      for (const c of f.classes ?? []) if (Object.keys(c.observed).length > 0) lines.push(`| &nbsp;&nbsp;${f.point} / ${c.cls} | ${seen(c.observed)} | |`);
    }
    lines.push('');
  }
  if ((r.coverage.unseen ?? []).length > 0) {
    lines.push(`**Never answered** (the rules that need them lack evidence): ${r.coverage.unseen.map((b) => `\`${b}\``).join(', ')}`, '');
  }
  for (const finding of r.capabilities.setupFindings ?? []) lines.push(`> setup: ${cell(finding)}`);
  for (const note of r.capabilities.notes) lines.push(`> ${cell(note)}`);
  for (const left of r.leftovers) lines.push(`> ⚠️ left on the target: ${cell(left)}`);
  if (r.capabilities.notes.length + (r.capabilities.setupFindings ?? []).length + r.leftovers.length > 0) lines.push('');
  lines.push(`<sub>ecr-conformance ${p.suite.version} · ${p.sdk.package} ${p.sdk.version} · Node ${p.node} · spec ${p.spec.checksum.slice(0, 19)}… · ${p.requests.used} requests · ${(p.durationMs / 1000).toFixed(1)} s</sub>`, '');
  return lines.join('\n');
}
