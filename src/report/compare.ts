// A comparison in the usual formats: JSON (everything), Markdown and HTML (the differences side by
// side, each with its replay command), JUnit (one test case per difference, so CI shows them).
import type { CompareResult } from '../run/compare.ts';
import { COLOR, CSS, pill } from './html.ts';
import { html, inert, xml } from './text.ts';

const md = (s: string) => inert(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const fence = (s: string) => `\`\`\`\n${inert(s).replace(/```/g, '`\u200b``')}\n\`\`\``;

export function renderCompareMarkdown(c: CompareResult): string {
  const out = [`# ${md(c.a.name)} vs ${md(c.b.name)}: ${c.verdict}`, ''];
  out.push(`${c.compared} of ${c.cases} cases compared answer for answer, ${c.same} alike; ${c.differences.length} ways they differ. Seed ${c.seed}, run id ${c.runId}.`, '');
  out.push(`- **${md(c.a.name)}**: ${md(c.a.description)}`, `- **${md(c.b.name)}**: ${md(c.b.description)}`);
  for (const n of c.notes) out.push(`- note: ${md(n)}`);
  for (const l of c.leftovers) out.push(`- could not remove ${md(l)}`);
  for (const [i, d] of c.differences.entries()) {
    out.push('', `## ${i + 1}. ${md(d.signature)}`, '', `${d.count} case${d.count === 1 ? '' : 's'}; the first from property \`${d.property}\`.`, '', `Case \`${d.caseId}\`${d.shrunk ? ' (shrunk)' : ''}; input classes: ${d.inputClasses.map((x) => `\`${x}\``).join(', ') || '—'}.`, '');
    out.push(`| step | ${md(c.a.name)} | ${md(c.b.name)} |`, '|---|---|---|');
    for (const s of d.steps) out.push(`| ${s.differs ? '**' : ''}${md(s.label)}${s.differs ? '**' : ''} | ${md(s.a.kind)} | ${md(s.b.kind)} |`);
    const first = d.steps.find((s) => s.differs);
    if (first) out.push('', 'Request:', '', fence(first.request), '', `${md(c.a.name)} answered:`, '', fence(first.a.body ?? first.a.kind), '', `${md(c.b.name)} answered:`, '', fence(first.b.body ?? first.b.kind));
    out.push('', `Replay: \`${d.replay}\``);
  }
  return `${out.join('\n')}\n`;
}

export function renderCompareHtml(c: CompareResult): string {
  const color = c.verdict === 'SAME' ? COLOR['PASS'] : c.verdict === 'DIFFERENT' ? COLOR['FAIL'] : COLOR['UNTESTABLE'];
  const diffs = c.differences.map((d, i) => {
    const rows = d.steps.map((s) => `<tr${s.differs ? ' class="off"' : ''}><td>${html(s.label)}</td><td><code>${html(s.request.slice(0, 600))}</code></td><td>${html(s.a.kind)}${s.a.body ? `<details><summary>body</summary><pre>${html(s.a.body)}</pre></details>` : ''}</td><td>${html(s.b.kind)}${s.b.body ? `<details><summary>body</summary><pre>${html(s.b.body)}</pre></details>` : ''}</td></tr>`).join('');
    return `<section><h2>${i + 1}. ${html(d.signature)} <span class="muted">${d.count} case${d.count === 1 ? '' : 's'}, property ${html(d.property)}</span></h2><p>Case <code>${html(d.caseId)}</code>${d.shrunk ? ' (shrunk)' : ''}; input classes: ${d.inputClasses.map((x) => `<code>${html(x)}</code>`).join(', ') || '—'}</p>
<table><thead><tr><th>step</th><th>request</th><th>${html(c.a.name)}</th><th>${html(c.b.name)}</th></tr></thead><tbody>${rows}</tbody></table><p>Replay: <code>${html(d.replay)}</code></p></section>`;
  }).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${html(c.a.name)} vs ${html(c.b.name)}: ${c.verdict}</title><style>${CSS}.off{background:#fff8c5}</style></head><body>
<header style="background:${color}"><h1>${html(c.a.name)} vs ${html(c.b.name)}: ${c.verdict}</h1><p>${c.compared} of ${c.cases} cases compared, ${c.same} alike, ${c.differences.length} ways they differ; seed ${c.seed}</p></header><main>
<section><h2>Targets</h2><p>${pill(c.verdict)}</p><ul><li><b>${html(c.a.name)}</b>: ${html(c.a.description)}</li><li><b>${html(c.b.name)}</b>: ${html(c.b.description)}</li>${c.notes.map((n) => `<li>note: ${html(n)}</li>`).join('')}${c.leftovers.map((l) => `<li>could not remove ${html(l)}</li>`).join('')}</ul></section>
${diffs}</main></body></html>
`;
}

export function renderCompareJunit(c: CompareResult): string {
  const cases = c.differences.map((d, i) => `    <testcase classname="compare.${xml(d.property)}" name="${i + 1}. ${xml(d.signature.slice(0, 300))}"><failure message="${xml(`${d.count} case(s) differ; replay: ${d.replay}`)}">${xml(d.steps.filter((s) => s.differs).map((s) => `${s.label}: ${c.a.name}: ${s.a.kind} | ${c.b.name}: ${s.b.kind}\nrequest: ${s.request}`).join('\n\n'))}</failure></testcase>`);
  if (c.verdict === 'SAME') cases.push(`    <testcase classname="compare" name="${c.compared} cases answered alike"/>`);
  if (c.verdict === 'UNTESTABLE') cases.push(`    <testcase classname="compare" name="the targets could be compared"><error message="${xml(c.notes.join('; ') || 'nothing could be compared')}"/></testcase>`);
  const failures = c.differences.length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ecr-conformance compare" tests="${cases.length}" failures="${failures}" errors="${c.verdict === 'UNTESTABLE' ? 1 : 0}">
  <testsuite name="${xml(c.a.name)} vs ${xml(c.b.name)}" tests="${cases.length}" failures="${failures}" errors="${c.verdict === 'UNTESTABLE' ? 1 : 0}" time="${(c.durationMs / 1000).toFixed(3)}" timestamp="${c.startedAt.slice(0, 19)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
