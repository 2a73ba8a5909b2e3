// A badge per target: an SVG and a shields.io endpoint JSON ("ECR BCLA conformance: 39/39").
import type { RunResult } from '../run/result.ts';
import { makeBadge } from 'badge-maker';
import { score } from './text.ts';

const LABEL = 'ECR BCLA conformance';

/**
 * The score always counts out of every selected rule; a run short of evidence says so and is never green.
 * A run that --rules narrowed says of how many rules it chose ("3/3 of 49 rules"), and is never bright
 * green: a badge is published on its own, where "3/3" would read as the whole contract.
 */
export function badgeMessage(r: RunResult): { message: string; color: string } {
  if (r.summary.verdict === 'NOT_IMPLEMENTED') return { message: 'not implemented', color: 'lightgrey' };
  if (r.summary.verdict === 'UNTESTABLE') return { message: 'untestable', color: 'lightgrey' };
  const s = score(r);
  const { selected, catalogue } = r.summary;
  const narrowed = selected !== undefined && catalogue !== undefined && selected < catalogue;
  const message = `${s.passed}/${s.selected}${narrowed ? ` of ${catalogue} rules` : ''}`;
  if (r.summary.verdict === 'INCOMPLETE') return { message: `${message}, incomplete`, color: 'yellow' };
  const color = r.summary.verdict === 'CONFORMANT' ? (r.summary.counts.DIVERGENT > 0 || narrowed ? 'yellowgreen' : 'brightgreen') : s.passed / Math.max(1, s.selected) >= 0.9 ? 'orange' : 'red';
  return { message, color };
}

export function renderBadgeJson(r: RunResult): string {
  const { message, color } = badgeMessage(r);
  return `${JSON.stringify({ schemaVersion: 1, label: LABEL, message, color })}\n`;
}

/** Drawn by badge-maker, the renderer behind shields.io, with real font metrics. */
export function renderBadgeSvg(r: RunResult): string {
  const { message, color } = badgeMessage(r);
  return `${makeBadge({ label: LABEL, message, color, style: 'flat' })}\n`;
}
