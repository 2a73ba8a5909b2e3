// A badge per target: an SVG and a shields.io endpoint JSON ("ECR BCLA conformance: 39/39").
import type { RunResult } from '../run/result.ts';
import { score, xml } from './text.ts';

const LABEL = 'ECR BCLA conformance';

/** The score always counts out of every selected rule; a run short of evidence says so and is never green. */
export function badgeMessage(r: RunResult): { message: string; color: string } {
  if (r.summary.verdict === 'NOT_IMPLEMENTED') return { message: 'not implemented', color: 'lightgrey' };
  if (r.summary.verdict === 'UNTESTABLE') return { message: 'untestable', color: 'lightgrey' };
  const s = score(r);
  const message = `${s.passed}/${s.selected}`;
  if (r.summary.verdict === 'INCOMPLETE') return { message: `${message}, incomplete`, color: 'yellow' };
  const color = r.summary.verdict === 'CONFORMANT' ? (r.summary.counts.DIVERGENT > 0 ? 'yellowgreen' : 'brightgreen') : s.passed / Math.max(1, s.selected) >= 0.9 ? 'orange' : 'red';
  return { message, color };
}

export function renderBadgeJson(r: RunResult): string {
  const { message, color } = badgeMessage(r);
  return `${JSON.stringify({ schemaVersion: 1, label: LABEL, message, color })}\n`;
}

const HEX: Record<string, string> = { brightgreen: '#4c1', yellowgreen: '#a4a61d', yellow: '#dfb317', orange: '#fe7d37', red: '#e05d44', lightgrey: '#9f9f9f' };
/** Approximate Verdana 11px advance widths: enough for a badge that reads well. */
const width = (s: string) => Math.round([...s].reduce((w, c) => w + (/[il.:,'|]/.test(c) ? 3.5 : /[mwMW]/.test(c) ? 10 : /[A-Z0-9/]/.test(c) ? 7.5 : 6.5), 0)) + 10;

export function renderBadgeSvg(r: RunResult): string {
  const { message, color } = badgeMessage(r);
  const lw = width(LABEL);
  const mw = width(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + mw}" height="20" role="img" aria-label="${xml(LABEL)}: ${xml(message)}">
<title>${xml(LABEL)}: ${xml(message)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${lw + mw}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${HEX[color]}"/><rect width="${lw + mw}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${xml(LABEL)}</text><text x="${lw + mw / 2}" y="14">${xml(message)}</text>
</g>
</svg>
`;
}
