// One self-contained HTML file: no script, no external resource (a CSP forbids any request), so it
// opens offline and can be attached to a CI run or published as it is.
import type { RunResult } from '../run/result.ts';
import { barChart, stackedChart } from './charts.ts';
import { countsLine, exchangeText, generated, html, score, selection, VERDICT_WORDS } from './text.ts';

export const COLOR: Record<string, string> = {
  CONFORMANT: '#1a7f37', INCOMPLETE: '#b08800', NOT_CONFORMANT: '#cf222e', NOT_IMPLEMENTED: '#6e7781', UNTESTABLE: '#9a6700',
  PASS: '#1a7f37', FAIL: '#cf222e', DIVERGENT: '#9a6700', NOT_IMPLEMENTED_: '#6e7781', SKIPPED: '#6e7781', ERROR: '#8250df',
};
export const pill = (v: string) => `<span class="pill" style="background:${COLOR[v] ?? COLOR[`${v}_`] ?? '#6e7781'}">${html(v)}</span>`;
export const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
const counted = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => [`<code>${html(k)}</code>`, String(n)]);

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:0 16px 48px}
header{color:#fff;padding:20px 16px;margin-bottom:16px}
header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.95}
.score{font-size:40px;font-weight:700;float:right;margin-left:16px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:15px;margin:14px 0 6px;text-transform:capitalize}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{border-bottom:1px solid #eaeef2;padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600;background:#f6f8fa}code{font:12px ui-monospace,Menlo,monospace;word-break:break-all}
.pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;white-space:nowrap}
.ev{border:1px solid #d0d7de;border-radius:10px;padding:0 6px;font-size:11px;white-space:nowrap}
pre{background:#f6f8fa;border:1px solid #eaeef2;padding:8px;overflow:auto;max-height:420px;font-size:12px;white-space:pre-wrap;word-break:break-all}
td:nth-child(2) code{word-break:normal;white-space:nowrap}figure{margin:8px 0;overflow-x:auto}svg.chart{max-width:100%;height:auto}details{margin:4px 0}summary{cursor:pointer;color:#0969da}.muted{color:#656d76}.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
`;

export function renderHtml(r: RunResult): string {
  const p = r.provenance;
  const s = score(r);
  const verdictColor = COLOR[r.summary.verdict] ?? '#6e7781';
  const broken = r.rules.filter((x) => x.verdict === 'FAIL' || x.verdict === 'NOT_IMPLEMENTED' || x.verdict === 'ERROR');
  const notes = [...(r.capabilities.setupFindings ?? []).map((f) => `setup: ${f}`), ...(r.summary.notes ?? []), ...r.capabilities.notes, ...r.leftovers.map((l) => `left on the target: ${l}`)];
  const families = [...new Set(r.rules.map((x) => x.family))];
  const ruleRows = (family: string) => r.rules.filter((x) => x.family === family).map((x) => {
    const cx = x.counterexample;
    const detail = cx
      ? `<details><summary>counterexample ${html(cx.caseId)}${cx.shrunk ? ` (shrunk in ${cx.shrinkSteps} steps)` : ''}</summary>
<p>Replay: <code>${html(cx.replay)}</code></p><p class="muted">input classes: ${cx.inputClasses.map(html).join(', ')}</p>
${cx.exchanges.map((e) => `<pre>${html(exchangeText(e))}</pre>`).join('')}</details>`
      : '';
    // Which part of the statement each check was about, where the rule names its parts.
    const parts = x.facets?.length
      ? `<br><span class="muted">each part: ${x.facets.map((f) => `${html(f.what)} ${f.notApplicable !== undefined ? `(not applicable: ${html(f.notApplicable)})` : `×${f.held}`}`).join('; ')}</span>`
      : '';
    const message = `${x.verdict === 'PASS' ? `<span class="muted">${x.passed} checks</span>` : html(x.message)}${parts}`;
    return [pill(x.verdict), `<code>${html(x.id)}</code>`, `<span class="ev">${html(x.evidence)}</span>`, `${html(x.statement)}<br>${message}${detail}`];
  });
  const seenText = (observed: Record<string, number>) => Object.entries(observed).map(([c, n]) => `${html(c)} (${n})`).join(', ') || '<span class="muted">not observed</span>';
  const stateOf = (observed: Record<string, number>, reference: string) => (Object.keys(observed).length === 0 ? pill('SKIPPED') : Object.keys(observed).length === 1 && observed[reference] !== undefined ? pill('PASS') : pill('DIVERGENT'));
  const fingerprintRows = r.fingerprint.flatMap((f) => [
    [html(f.point), html(f.question), seenText(f.observed), `${html(f.reference)} <span class="ev">${html(f.evidence)}, ${html(f.confidence)}</span>`, stateOf(f.observed, f.reference)],
    ...(f.classes ?? []).filter((c) => Object.keys(c.observed).length > 0).map((c) => [`<span class="muted">${html(f.point)} /</span> ${html(c.cls)}`, '', seenText(c.observed), '', stateOf(c.observed, f.reference)]),
  ]);
  // Pictures: what was sent, bucket by bucket (the unseen ones outlined in red), and how the target's
  // choices split, point by point, beside the AWS reference.
  const coverageChart = barChart('coverage-chart', 'Answered requests per coverage bucket (log scale)', (r.coverage.dimensions ?? []).flatMap((d) => d.buckets.map((b) => ({
    label: `${d.name}:${b.bucket}`, value: b.answered, color: '#0969da',
    missing: b.answered === 0 && b.notApplicable === undefined,
    title: b.notApplicable !== undefined ? `${d.name}:${b.bucket}: not applicable (${b.notApplicable})` : `${d.name}:${b.bucket}: sent ${b.sent}, answered ${b.answered}`,
  }))));
  const classChart = barChart('input-class-chart', 'Cases per input class (log scale)', Object.entries(r.coverage.inputClasses).sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value, color: '#8250df' })));
  const outcomeChart = barChart('outcome-chart', 'Exchanges per observed answer (log scale)', Object.entries(r.coverage.observedOutcomes).sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value, color: label === 'success' ? '#1a7f37' : label.startsWith('fault') ? '#9a6700' : '#cf222e' })));
  const palette = ['#1a7f37', '#9a6700', '#cf222e', '#8250df', '#0969da', '#6e7781'];
  const fingerprintChart = stackedChart('fingerprint-chart', 'The target\'s choices where the documentation is silent (green: as the AWS reference)', r.fingerprint.flatMap((f) => {
    const stack = (label: string, observed: Record<string, number>) => ({
      label, note: `AWS: ${f.reference}`,
      parts: Object.entries(observed).map(([choice, value], i) => ({ label: choice, value, color: choice === f.reference ? palette[0]! : palette[1 + (i % (palette.length - 1))]! })),
    });
    return [stack(f.point, f.observed), ...(f.classes ?? []).filter((c) => Object.keys(c.observed).length > 0).map((c) => stack(`${f.point} / ${c.cls}`, c.observed))];
  }));
  const dimensionRows = (r.coverage.dimensions ?? []).flatMap((d) => d.buckets.map((b) => [
    `<code>${html(d.name)}:${html(b.bucket)}</code>`, String(b.sent), String(b.answered),
    b.notApplicable !== undefined ? `<span class="muted">not applicable: ${html(b.notApplicable)}</span>` : b.answered === 0 ? pill('SKIPPED') + ' never answered' : '',
  ]));
  const provenance: [string, string][] = [
    ['suite', `${p.suite.name} ${p.suite.version}`], ['SDK', `${p.sdk.package} ${p.sdk.version}`], ['Node', p.node], ['spec checksum', p.spec.checksum],
    ['target', `${p.target.description} (${p.target.kind}, ${p.target.region}, ${p.target.transport} transport)`], ...(generated(r) ? [['seed', String(p.seed)], ['cases per property', String(p.runs)]] as [string, string][] : []),
    ['rules', `${p.rules}${selection(r) ? ` (${selection(r)})` : ''}`], ['started', p.startedAt], ['duration', `${(p.durationMs / 1000).toFixed(1)} s`],
    ['requests', `${p.requests.used}${p.requests.budget ? ` of a budget of ${p.requests.budget}` : ''}, ${p.requests.throttled} throttled${p.requests.rps ? `, ${p.requests.rps}/s` : ''}`],
    ...(p.shard ? [['shard', JSON.stringify(p.shard)] as [string, string]] : []),
    ...(p.interrupted ? [['interrupted', 'yes'] as [string, string]] : []), ...(p.budgetExhausted ? [['budget', 'exhausted'] as [string, string]] : []),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ECR BatchCheckLayerAvailability conformance: ${html(r.summary.verdict)} — ${html(p.target.description)}</title>
<style>${CSS}</style></head>
<body>
<header style="background:${verdictColor}"><main style="padding:0">
<div class="score" id="score">${s.passed}/${s.selected}</div>
<h1 id="verdict">${html(r.summary.verdict.replace(/_/g, ' '))}</h1>
<p>Amazon ECR BatchCheckLayerAvailability conformance of <b>${html(p.target.description)}</b>: ${html(VERDICT_WORDS[r.summary.verdict] ?? '')}</p>
<p>${html(countsLine(r))} · ${r.summary.cases} cases · ${r.summary.exchanges} exchanges${generated(r) ? ` · seed ${p.seed}` : ''}</p>
</main></header>
<main>
${(r.summary.causes ?? []).length > 0 ? `<section id="causes"><h2>Why it is not conformant yet</h2><ul>${r.summary.causes.map((c) => `<li>${html(c)}</li>`).join('')}</ul></section>` : ''}
${broken.length > 0 ? `<section><h2>Where it does not conform</h2>${table(['verdict', 'rule', 'what happened'], broken.map((x) => [pill(x.verdict), `<code>${html(x.id)}</code>`, `${html(x.message)}${x.counterexample ? `<br><code>${html(x.counterexample.replay)}</code>` : ''}`]))}</section>` : ''}
${notes.length > 0 ? `<section><h2>Notes</h2><ul>${notes.map((n) => `<li>${html(n)}</li>`).join('')}</ul></section>` : ''}
<section><h2>Rules</h2>${families.map((f) => `<h3>${html(f)}</h3>${table(['verdict', 'rule', 'evidence', 'statement and finding'], ruleRows(f))}`).join('')}</section>
<section><h2>Behaviour fingerprint beside the AWS reference</h2><p class="muted">Where the documentation is silent the suite records the target's choice; a difference from what real ECR is believed to do is DIVERGENT, not a failure.</p>
${r.fingerprint.length > 0 ? `<figure>${fingerprintChart}</figure>` : ''}
${table(['point', 'question', 'this target', 'AWS reference', ''], fingerprintRows)}</section>
<section><h2>Coverage of the input space</h2><p class="muted">Read by the judge from the requests actually sent. A bucket never answered leaves the rules that need it without evidence.</p>
${dimensionRows.length > 0 ? `<figure>${coverageChart}</figure>` : ''}
<details><summary>the numbers</summary>${table(['bucket', 'sent', 'answered', ''], dimensionRows)}</details></section>
<section><h2>Coverage of input classes and outcomes</h2>
${Object.keys(r.coverage.inputClasses).length > 0 ? `<figure>${classChart}</figure><figure>${outcomeChart}</figure>` : ''}
<details><summary>the numbers</summary><div class="cols"><div><h3>Input classes</h3>${table(['class', 'cases'], counted(r.coverage.inputClasses))}</div>
<div><h3>Expected outcomes</h3>${table(['outcome', 'cases'], counted(r.coverage.expectedOutcomes))}<h3>Observed answers</h3>${table(['answer', 'exchanges'], counted(r.coverage.observedOutcomes))}
<h3>Properties</h3>${table(['property', 'cases', ''], r.coverage.properties.map((x) => [`<code>${html(x.name)}</code>`, String(x.cases), html(x.about)]))}</div></div></details></section>
${r.faults.length > 0 ? `<section><h2>Faults</h2>${table(['case', 'what happened'], r.faults.map((f) => [`<code>${html(f.caseId)}</code>`, html(f.summary)]))}</section>` : ''}
<section><h2>Provenance</h2>${table(['', ''], provenance.map(([k, v]) => [html(k), html(v)]))}</section>
</main></body></html>
`;
}
