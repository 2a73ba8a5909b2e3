// What a person sees on the terminal: a table of rules and verdicts, why the run is what it is, then
// what to do next. Lines are wrapped to the terminal's width, never cut: the value that is wrong is
// always there whole. Text from the target is made inert. Colour only when asked for.
import type { Verdict } from '../model.ts';
import type { RunResult } from '../run/result.ts';
import { generated, inert, selection, VERDICT_WORDS } from '../report/text.ts';

const CODES: Record<string, string> = {
  PASS: '32', FAIL: '31', DIVERGENT: '33', NOT_IMPLEMENTED: '90', SKIPPED: '90', ERROR: '35',
  CONFORMANT: '1;32', INCOMPLETE: '1;33', NOT_CONFORMANT: '1;31', UNTESTABLE: '1;35',
};

export interface RenderOptions {
  /** Columns to fit (COLUMNS, or the terminal's). */
  width: number;
  color: boolean;
}

/** Wraps `text` to `width` columns; continuation lines start with `indent`. Long words are split, never dropped. */
export function wrap(text: string, width: number, indent: string): string {
  const room = Math.max(20, width - indent.length);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > room) {
      if (line) { out.push(line); line = ''; }
      out.push(w.slice(0, room));
      w = w.slice(room);
    }
    if (line && line.length + 1 + w.length > room) { out.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out.join(`\n${indent}`);
}

/** A skip for a missing capability names the capability; why it is missing is said once, below. */
function briefly(message: string, r: RunResult): string {
  const m = /^needs ([\w-]+): /.exec(message);
  return m && (r.capabilities.missing as Record<string, string | undefined>)[m[1]!] !== undefined ? `needs ${m[1]} (why: below)` : message;
}

export function renderTable(r: RunResult, o: RenderOptions = { width: 120, color: false }): string {
  const paint = (code: string | undefined, s: string) => (o.color && code ? `\x1b[${code}m${s}\x1b[0m` : s);
  const idWidth = Math.max(...r.rules.map((x) => x.id.length), 10);
  const indent = ' '.repeat(16 + idWidth + 2);
  const lines = r.rules.map((x) => {
    const head = `${paint(CODES[x.verdict], x.verdict.padEnd(15))} ${x.id.padEnd(idWidth)}  `;
    const text = x.verdict === 'PASS' ? `${x.checks?.had ?? x.passed} checks` : inert(briefly(x.message, r));
    return head + wrap(text, o.width, indent);
  });
  const c = r.summary.counts;
  const counts = (Object.keys(c) as Verdict[]).filter((v) => c[v] > 0).map((v) => `${c[v]} ${v}`).join(', ');
  const sel = selection(r);
  lines.push('');
  lines.push(`${paint(CODES[r.summary.verdict], `${r.summary.verdict}:`)} ${counts}${sel ? ` (${sel})` : ''}`);
  lines.push(wrap(VERDICT_WORDS[r.summary.verdict] ?? '', o.width, '  '));
  for (const cause of r.summary.causes ?? []) lines.push(`  - ${wrap(inert(cause), o.width, '    ')}`);
  lines.push(wrap(`${r.summary.cases} cases, ${r.summary.exchanges} exchanges, ${r.provenance.requests.used} requests in ${(r.provenance.durationMs / 1000).toFixed(1)} s against ${inert(r.provenance.target.description)}${generated(r) ? ` (seed ${r.provenance.seed})` : ''}`, o.width, '  '));
  for (const f of r.capabilities.setupFindings ?? []) lines.push(wrap(`setup: ${inert(f)}`, o.width, '  '));
  for (const note of [...(r.summary.notes ?? []), ...r.capabilities.notes]) lines.push(wrap(`note: ${inert(note)}`, o.width, '  '));
  if ((r.coverage.unseen ?? []).length > 0) lines.push(wrap(`never answered: ${r.coverage.unseen.join(', ')}`, o.width, '  '));
  // Never wrapped: a name to copy must stay whole.
  for (const left of r.leftovers) lines.push(`warning: could not remove ${inert(left)}`);
  const broken = r.rules.filter((x) => x.counterexample && (x.verdict === 'FAIL' || x.verdict === 'DIVERGENT'));
  if (broken.length > 0) {
    lines.push('');
    lines.push('Replay a minimal counterexample:');
    for (const x of broken) lines.push(`  ${x.id}: ${inert(x.counterexample!.replay)}`);
  }
  return lines.join('\n');
}

/** How wide and whether coloured: COLUMNS or the terminal's width; colour only on a terminal, never with NO_COLOR or --no-color. */
export function renderOptions(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, noColor = false): RenderOptions {
  const columns = Number(env['COLUMNS']);
  return {
    width: Number.isInteger(columns) && columns > 0 ? columns : stream.columns ?? 120,
    color: !noColor && stream.isTTY === true && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb',
  };
}
