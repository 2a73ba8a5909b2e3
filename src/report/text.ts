// Small helpers shared by the renderers.
import { createHash } from 'node:crypto';
import type { Verdict } from '../model.ts';
import type { RunResult } from '../run/result.ts';

export const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters, which malformed digests contain on purpose.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const html = xml;

/**
 * Text that came from a target, made inert for a terminal, Markdown or a log: every control character
 * (escape sequences, carriage returns, C1 controls) and every bidirectional override is written as a
 * visible \u escape, so an answer cannot clear the screen, retitle the terminal or fake a verdict line.
 */
// eslint-disable-next-line no-control-regex
export const inert = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A property run (it has a seed), rather than a Pact verification or an SDK matrix. */
export const generated = (r: RunResult) => r.provenance.runs > 0;

/** Rules that conform on their evidence (PASS, or DIVERGENT where the docs are silent), out of every selected rule. */
export function score(r: RunResult): { passed: number; selected: number } {
  return { passed: r.rules.filter((x) => x.verdict === 'PASS' || x.verdict === 'DIVERGENT').length, selected: r.rules.length };
}

/** The run's verdict in words, as every format says it. */
export const VERDICT_WORDS: Record<string, string> = {
  CONFORMANT: 'conformant: every selected rule held on its evidence',
  INCOMPLETE: 'incomplete: nothing broken, but not every rule had its evidence; see why below',
  NOT_CONFORMANT: 'not conformant: a rule was broken',
  NOT_IMPLEMENTED: 'not implemented: the target does not implement BatchCheckLayerAvailability',
  UNTESTABLE: 'untestable: no answer could be judged',
};

/** "48 of 48 rules selected" when --rules narrowed the run, else nothing. */
export const selection = (r: RunResult) => (r.summary.selected !== undefined && r.summary.catalogue !== undefined && r.summary.selected < r.summary.catalogue ? `${r.summary.selected} of ${r.summary.catalogue} rules selected` : '');

export const VERDICT_ORDER: Verdict[] = ['FAIL', 'NOT_IMPLEMENTED', 'ERROR', 'DIVERGENT', 'SKIPPED', 'PASS'];

export function countsLine(r: RunResult): string {
  return VERDICT_ORDER.filter((v) => r.summary.counts[v] > 0).map((v) => `${r.summary.counts[v]} ${v}`).join(', ');
}

/** An answer's text kept whole up to 20,000 characters; beyond, cut, with its length and sha256, so a report stays small whatever a target sends. */
export function bounded(text: string, max = 20_000): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n…(cut: ${text.length} characters in all, sha256:${createHash('sha256').update(text).digest('hex')})`;
}

/** Pretty JSON when the text is JSON, the text itself otherwise. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function exchangeText(x: { label: string; request: { headers: Record<string, string>; body: string }; response?: { status: number; headers: Record<string, string>; body: string }; fault?: { kind: string; message: string } }): string {
  const head = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');
  const req = `POST / (${x.label})\n${head(x.request.headers)}\n\n${pretty(x.request.body)}`;
  const res = x.response ? `HTTP ${x.response.status}\n${head(x.response.headers)}\n\n${bounded(pretty(x.response.body))}` : `transport fault (${x.fault?.kind}): ${x.fault?.message}`;
  return `${req}\n\n--- answer ---\n${res}`;
}
