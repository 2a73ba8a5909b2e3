// Many targets on one page: rules as rows, targets as columns, a verdict per cell; the run-level
// verdict and coverage, every fingerprint point's choice beside the AWS reference, and each target's
// provenance. Reports of one target (its run, its Pact verification) share a column by name. Every
// FAIL and DIVERGENT is expected to carry a one-line explanation from a notes file; those without one
// are listed, so that a regenerated matrix shows what nobody has looked at yet.
import { COMPARE_SCHEMA, type CompareResult } from '../run/compare.ts';
import type { RunResult } from '../run/result.ts';
import { COLOR, CSS, pill } from './html.ts';
import { html, inert } from './text.ts';

export const MATRIX_SCHEMA = 'ecr-conformance/matrix@1';

/** Per target name: per rule id (or fingerprint point as `fingerprint:<point>`), one line; `*` for the target itself. */
export type MatrixNotes = Record<string, Record<string, string>>;

export interface MatrixRun {
  checks: 'properties' | 'pact';
  verdict: string;
  counts: Record<string, number>;
  seed: number;
  startedAt: string;
  suite: string;
  sdk: string;
  spec: string;
  cases: number;
  exchanges: number;
  /** Coverage buckets answered, of those that apply. */
  coverage?: { answered: number; applicable: number };
  causes: string[];
  /** What the setup found wrong in the sibling operations (uploads, PutImage): not rules, but worth knowing. */
  setupFindings: string[];
}

/** A differential run (compare) of this target against another, the reference of the comparison. */
export interface MatrixCompare {
  /** The other side's name: the answers this target's were compared with. */
  against: string;
  verdict: CompareResult['verdict'];
  seed: number;
  startedAt: string;
  cases: number;
  compared: number;
  same: number;
  /** Each kind of difference, the commonest first, with how many cases showed it and the smallest one. */
  differences: { signature: string; count: number; caseId: string }[];
}

export interface MatrixTarget {
  name: string;
  description: string;
  kind: string;
  note?: string;
  runs: MatrixRun[];
  compare?: MatrixCompare;
}

export interface MatrixCell {
  verdict: string;
  message: string;
  note?: string;
}

export interface Matrix {
  schema: typeof MATRIX_SCHEMA;
  targets: MatrixTarget[];
  rules: { id: string; family: string; statement: string; cells: Record<string, MatrixCell> }[];
  fingerprint: { point: string; question: string; reference: string; evidence: string; confidence: string; cells: Record<string, { choices: Record<string, number>; note?: string }> }[];
  /** FAIL and DIVERGENT cells (and fingerprint choices off the reference) without a note. */
  unexplained: { target: string; rule: string; verdict: string; message: string }[];
}

const nameOf = (r: RunResult) => r.provenance.target.name ?? r.provenance.target.description;
const isPact = (r: RunResult) => r.rules.length > 0 && r.rules.every((x) => x.family === 'pact');

const isCompare = (r: RunResult | CompareResult): r is CompareResult => r.schema === COMPARE_SCHEMA;

/**
 * The matrix of run and verify reports (conformance.json) and compare reports (compare.json; a row of
 * its own, in the column of the side compared against the other, its `b`).
 */
export function buildMatrix(reports: (RunResult | CompareResult)[], notes: MatrixNotes = {}): Matrix {
  const targets: MatrixTarget[] = [];
  const rules = new Map<string, Matrix['rules'][number]>();
  const points = new Map<string, Matrix['fingerprint'][number]>();
  const unexplained: Matrix['unexplained'] = [];
  const targetNamed = (name: string, description: string, kind: string) => {
    let t = targets.find((x) => x.name === name);
    if (!t) {
      t = { name, description, kind, runs: [], ...(notes[name]?.['*'] ? { note: notes[name]['*'] } : {}) };
      targets.push(t);
    }
    return t;
  };
  for (const r of reports) {
    if (isCompare(r)) {
      const t = targetNamed(r.b.name, r.b.description, 'compared');
      if (t.compare) throw new Error(`two compare reports name the target '${r.b.name}' as the side compared: give each its own --against-name`);
      t.compare = {
        against: r.a.name, verdict: r.verdict, seed: r.seed, startedAt: r.startedAt, cases: r.cases, compared: r.compared, same: r.same,
        differences: [...r.differences].sort((x, y) => y.count - x.count).map((d) => ({ signature: d.signature, count: d.count, caseId: d.caseId })),
      };
      continue;
    }
    const name = nameOf(r);
    const checks = isPact(r) ? 'pact' : 'properties';
    const t = targetNamed(name, r.provenance.target.description, r.provenance.target.kind);
    if (t.runs.some((x) => x.checks === checks)) throw new Error(`two ${checks === 'pact' ? 'verification' : 'run'} reports name the target '${name}': give each its own --name`);
    const dims = r.coverage?.dimensions ?? [];
    const applicable = dims.flatMap((d) => d.buckets).filter((b) => !b.notApplicable);
    t.runs.push({
      checks, verdict: r.summary.verdict, counts: r.summary.counts, seed: r.provenance.seed, startedAt: r.provenance.startedAt,
      suite: r.provenance.suite.version, sdk: r.provenance.sdk.version, spec: r.provenance.spec.checksum, cases: r.summary.cases, exchanges: r.summary.exchanges,
      ...(checks === 'properties' && applicable.length > 0 ? { coverage: { answered: applicable.filter((b) => b.answered > 0).length, applicable: applicable.length } } : {}),
      causes: r.summary.causes ?? [],
      setupFindings: [...new Set(r.capabilities?.setupFindings ?? [])].slice(0, 2),
    });
    for (const x of r.rules) {
      const row = rules.get(x.id) ?? { id: x.id, family: x.family, statement: x.statement, cells: {} };
      rules.set(x.id, row);
      const note = notes[name]?.[x.id];
      row.cells[name] = { verdict: x.verdict, message: x.message, ...(note ? { note } : {}) };
      if ((x.verdict === 'FAIL' || x.verdict === 'DIVERGENT' || x.verdict === 'ERROR') && !note) unexplained.push({ target: name, rule: x.id, verdict: x.verdict, message: x.message });
    }
    for (const p of r.fingerprint ?? []) {
      const row = points.get(p.point) ?? { point: p.point, question: p.question, reference: p.reference, evidence: p.evidence, confidence: p.confidence, cells: {} };
      points.set(p.point, row);
      const note = notes[name]?.[`fingerprint:${p.point}`];
      row.cells[name] = { choices: p.observed, ...(note ? { note } : {}) };
    }
  }
  return { schema: MATRIX_SCHEMA, targets, rules: [...rules.values()], fingerprint: [...points.values()], unexplained };
}

const choiceText = (choices: Record<string, number>) => {
  const seen = Object.entries(choices).sort((a, b) => b[1] - a[1]);
  return seen.length === 0 ? 'not observed' : seen.map(([c, n]) => (seen.length > 1 ? `${c} (${n})` : c)).join(', ');
};
const md = (s: string) => inert(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const compareLine = (c: MatrixCompare) => `${c.verdict} from ${c.against}: ${c.verdict === 'UNTESTABLE' ? `${c.compared} of ${plural(c.cases, 'case')} compared` : `${plural(c.differences.length, 'kind')} of difference in ${c.compared - c.same} of ${plural(c.compared, 'case')} compared`}`;
const runLine = (run: MatrixRun) => `${run.verdict}${run.coverage ? `, ${run.coverage.answered}/${run.coverage.applicable} buckets` : ''}`;

export function renderMatrixMarkdown(m: Matrix): string {
  const names = m.targets.map((t) => t.name);
  const head = (first: string) => `| ${first} | ${names.map(md).join(' | ')} |\n|---|${names.map(() => '---').join('|')}|`;
  const out: string[] = ['# ECR BatchCheckLayerAvailability: how targets compare', ''];
  out.push(head('target'));
  for (const checks of ['properties', 'pact'] as const) {
    if (!m.targets.some((t) => t.runs.some((r) => r.checks === checks))) continue;
    out.push(`| **${checks === 'pact' ? 'Pact contract (verify)' : 'property run (run)'}** | ${m.targets.map((t) => { const r = t.runs.find((x) => x.checks === checks); return r ? runLine(r) : '—'; }).join(' | ')} |`);
  }
  if (m.targets.some((t) => t.compare)) out.push(`| **differences (compare)** | ${m.targets.map((t) => (t.compare ? md(compareLine(t.compare)) : '—')).join(' | ')} |`);
  out.push(`| what it is | ${m.targets.map((t) => md(t.note ?? t.description)).join(' | ')} |`);
  const findings = (t: MatrixTarget) => t.runs.flatMap((r) => r.setupFindings);
  if (m.targets.some((t) => findings(t).length > 0)) out.push(`| setup found | ${m.targets.map((t) => findings(t).map((f) => md(f.slice(0, 200))).join('; ') || '—').join(' | ')} |`);
  out.push('', '## Rules', '', head('rule'));
  for (const row of m.rules) {
    out.push(`| \`${row.id}\` | ${names.map((n) => { const c = row.cells[n]; return c ? `${c.verdict}${c.note ? `: ${md(c.note)}` : ''}` : '—'; }).join(' | ')} |`);
  }
  if (m.fingerprint.length > 0) {
    out.push('', '## Where the documentation is silent', '', `| point (AWS reference) | ${names.map(md).join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
    for (const p of m.fingerprint) {
      out.push(`| \`${p.point}\` (${md(p.reference)}, ${p.evidence}, ${p.confidence}) | ${names.map((n) => { const c = p.cells[n]; return c ? `${md(choiceText(c.choices))}${c.note ? `: ${md(c.note)}` : ''}` : '—'; }).join(' | ')} |`);
    }
  }
  out.push('', '## Provenance', '', '| target | checks | seed | started | suite | @aws-sdk/client-ecr | spec |', '|---|---|---|---|---|---|---|');
  for (const t of m.targets) {
    for (const r of t.runs) out.push(`| ${md(t.name)} | ${r.checks} | ${r.seed} | ${r.startedAt} | ${r.suite} | ${r.sdk} | \`${r.spec.slice(0, 19)}…\` |`);
    if (t.compare) out.push(`| ${md(t.name)} | compare (with ${md(t.compare.against)}) | ${t.compare.seed} | ${t.compare.startedAt} | — | — | — |`);
  }
  if (m.unexplained.length > 0) {
    out.push('', '## Not yet explained', '');
    for (const u of m.unexplained) out.push(`- ${md(u.target)}: \`${u.rule}\` ${u.verdict}: ${md(u.message.slice(0, 200))}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderMatrixHtml(m: Matrix): string {
  const names = m.targets.map((t) => t.name);
  const th = names.map((n) => `<th>${html(n)}</th>`).join('');
  const runRows = (['properties', 'pact'] as const).filter((c) => m.targets.some((t) => t.runs.some((r) => r.checks === c))).map((checks) =>
    `<tr><th>${checks === 'pact' ? 'Pact contract (verify)' : 'property run (run)'}</th>${m.targets.map((t) => {
      const r = t.runs.find((x) => x.checks === checks);
      return `<td>${r ? `${pill(r.verdict)}${r.coverage ? ` <span class="muted">${r.coverage.answered}/${r.coverage.applicable} buckets</span>` : ''}${r.causes.length > 0 ? `<details><summary>why</summary>${r.causes.map((c) => `<p>${html(c)}</p>`).join('')}</details>` : ''}` : '—'}</td>`;
    }).join('')}</tr>`).join('');
  const compareRow = m.targets.some((t) => t.compare)
    ? `<tr><th>differences (compare)</th>${m.targets.map((t) => {
      const c = t.compare;
      if (!c) return '<td class="muted">—</td>';
      const kinds = c.differences.slice(0, 20).map((d) => `<li>${html(d.signature)} <span class="muted">(${plural(d.count, 'case')}; smallest <code>${html(d.caseId)}</code>)</span></li>`).join('');
      const more = c.differences.length > 20 ? `<li class="muted">and ${c.differences.length - 20} more (compare.html)</li>` : '';
      return `<td>${pill(c.verdict)} <span class="muted">${html(compareLine(c).replace(/^[A-Z]+ /, ''))}</span>${kinds ? `<details><summary>which</summary><ul>${kinds}${more}</ul></details>` : ''}</td>`;
    }).join('')}</tr>`
    : '';
  const cell = (c: MatrixCell | undefined) => c
    ? `<td title="${html(c.message.slice(0, 600))}">${pill(c.verdict)}${c.note ? `<div class="note">${html(c.note)}</div>` : ''}<details><summary>message</summary><code>${html(c.message.slice(0, 2000))}</code></details></td>`
    : '<td class="muted">—</td>';
  const families = [...new Set(m.rules.map((r) => r.family))];
  const ruleRows = families.map((f) => `<tr><th colspan="${names.length + 1}" class="fam">${html(f)}</th></tr>${m.rules.filter((r) => r.family === f).map((r) =>
    `<tr><td title="${html(r.statement)}"><code>${html(r.id)}</code></td>${names.map((n) => cell(r.cells[n])).join('')}</tr>`).join('')}`).join('');
  const pointRows = m.fingerprint.map((p) => `<tr><td title="${html(p.question)}"><code>${html(p.point)}</code><div class="muted">AWS: ${html(p.reference)} (${html(p.evidence)}, ${html(p.confidence)})</div></td>${names.map((n) => {
    const c = p.cells[n];
    if (!c) return '<td class="muted">—</td>';
    const differs = Object.keys(c.choices).some((k) => k !== p.reference);
    return `<td${differs ? ' class="off"' : ''}>${html(choiceText(c.choices))}${c.note ? `<div class="note">${html(c.note)}</div>` : ''}</td>`;
  }).join('')}</tr>`).join('');
  const prov = m.targets.flatMap((t) => [
    ...t.runs.map((r) => `<tr><td>${html(t.name)}</td><td>${html(t.description)}</td><td>${r.checks}</td><td>${r.seed}</td><td>${html(r.startedAt)}</td><td>${html(r.suite)}</td><td>${html(r.sdk)}</td><td><code>${html(r.spec.slice(0, 19))}…</code></td></tr>`),
    ...(t.compare ? [`<tr><td>${html(t.name)}</td><td>${html(t.description)}</td><td>compare (with ${html(t.compare.against)})</td><td>${t.compare.seed}</td><td>${html(t.compare.startedAt)}</td><td>—</td><td>—</td><td>—</td></tr>`] : []),
  ]).join('');
  const unexplained = m.unexplained.length > 0
    ? `<section><h2>Not yet explained</h2><ul>${m.unexplained.map((u) => `<li>${html(u.target)}: <code>${html(u.rule)}</code> ${pill(u.verdict)} ${html(u.message.slice(0, 300))}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ECR BatchCheckLayerAvailability: how targets compare</title><style>${CSS}
main{max-width:none}td,th{min-width:90px;overflow-wrap:anywhere}.note{font-size:12px;margin-top:2px}.fam{background:#eaeef2;text-transform:capitalize}.off{background:#fff8c5}table{table-layout:fixed}
</style></head><body><header style="background:${COLOR['NOT_IMPLEMENTED']}"><h1>ECR BatchCheckLayerAvailability: how targets compare</h1><p>${m.targets.length} targets; hover a cell for the first message, open it for the whole.</p></header><main>
<section><h2>Targets</h2><table><thead><tr><th></th>${th}</tr></thead><tbody>${runRows}${compareRow}<tr><th>what it is</th>${m.targets.map((t) => `<td>${html(t.note ?? t.description)}</td>`).join('')}</tr><tr><th>setup found</th>${m.targets.map((t) => `<td>${t.runs.flatMap((r) => r.setupFindings).map((f) => `<p>${html(f.slice(0, 300))}</p>`).join('') || '—'}</td>`).join('')}</tr></tbody></table></section>
<section><h2>Rules</h2><table><thead><tr><th>rule</th>${th}</tr></thead><tbody>${ruleRows}</tbody></table></section>
${m.fingerprint.length > 0 ? `<section><h2>Where the documentation is silent</h2><p class="muted">Each point's choice per target; highlighted where it is not the AWS reference.</p><table><thead><tr><th>point</th>${th}</tr></thead><tbody>${pointRows}</tbody></table></section>` : ''}
${unexplained}
<section><h2>Provenance</h2><table><thead><tr><th>target</th><th>endpoint</th><th>checks</th><th>seed</th><th>started</th><th>suite</th><th>@aws-sdk/client-ecr</th><th>spec</th></tr></thead><tbody>${prov}</tbody></table></section>
</main></body></html>
`;
}
