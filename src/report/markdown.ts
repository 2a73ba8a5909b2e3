// Markdown that fits a CI step summary: the verdict first, then what is wrong and how to replay it.
import type { RunResult } from '../run/result.ts';
import { countsLine, generated, score } from './text.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 300);
const ICON: Record<string, string> = { CONFORMANT: '✅', NOT_CONFORMANT: '❌', NOT_IMPLEMENTED: '⛔', UNTESTABLE: '⚠️' };

export function renderMarkdown(r: RunResult): string {
  const p = r.provenance;
  const s = score(r);
  const lines = [
    `## ${ICON[r.summary.verdict] ?? ''} ECR BatchCheckLayerAvailability conformance: ${r.summary.verdict}`,
    '',
    `**${s.passed}/${s.judged}** rules conform (${countsLine(r)}) — ${p.target.description}, ${r.summary.cases} cases${generated(r) ? `, seed ${p.seed}` : ''}.`,
    '',
  ];
  const notPass = r.rules.filter((x) => x.verdict !== 'PASS');
  if (notPass.length > 0) {
    lines.push('| verdict | rule | evidence | what happened |', '|---|---|---|---|');
    for (const x of notPass) lines.push(`| ${x.verdict} | \`${x.id}\` | ${x.evidence} | ${cell(x.message)} |`);
    lines.push('');
  }
  const replays = r.rules.filter((x) => x.counterexample && (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT'));
  if (replays.length > 0) {
    lines.push('<details><summary>Replay the minimal counterexamples</summary>', '', '```sh', ...replays.map((x) => `# ${x.id}\n${x.counterexample!.replay}`), '```', '', '</details>', '');
  }
  lines.push('| fingerprint point | this target | AWS reference |', '|---|---|---|');
  for (const f of r.fingerprint) {
    const seen = Object.entries(f.observed).map(([c, n]) => `${c} (${n})`).join(', ') || 'not observed';
    lines.push(`| ${f.point} | ${seen} | ${f.reference} (${f.evidence}, ${f.confidence}) |`);
  }
  lines.push('');
  for (const note of r.capabilities.notes) lines.push(`> ${note}`);
  if (r.capabilities.notes.length > 0) lines.push('');
  lines.push(`<sub>ecr-conformance ${p.suite.version} · ${p.sdk.package} ${p.sdk.version} · Node ${p.node} · spec ${p.spec.checksum.slice(0, 19)}… · ${p.requests.used} requests · ${(p.durationMs / 1000).toFixed(1)} s</sub>`, '');
  return lines.join('\n');
}
