// Writes every requested format of a result into a folder, each file atomically; secrets are masked
// once more in every one of them.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../run/result.ts';
import { redactText } from '../target/redact.ts';
import { renderBadgeJson, renderBadgeSvg } from './badge.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export const FORMATS = ['json', 'junit', 'md', 'html', 'badge'] as const;
export type Format = (typeof FORMATS)[number];

const FILES: Record<Format, [string, (r: RunResult) => string][]> = {
  json: [['conformance.json', (r) => `${JSON.stringify(r, null, 2)}\n`]],
  junit: [['junit.xml', renderJunit]],
  md: [['summary.md', renderMarkdown]],
  html: [['report.html', renderHtml]],
  badge: [['badge.svg', renderBadgeSvg], ['badge.json', renderBadgeJson]],
};

export function parseFormats(value: string): Format[] {
  const wanted = value.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = wanted.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || wanted.length === 0) throw new Error(`unknown format ${unknown.join(', ') || '(none)'}; choose from ${FORMATS.join(',')}`);
  return wanted as Format[];
}

/** Renders everything first, then writes: a renderer that fails leaves no half-written folder. */
export function writeReports(dir: string, r: RunResult, formats: readonly Format[] = FORMATS, secrets: string[] = [], stepSummary?: string): string[] {
  const rendered = formats.flatMap((f) => FILES[f].map(([name, render]) => [name, redactText(render(r), secrets)] as const));
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of rendered) {
    const file = join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    written.push(file);
  }
  const md = rendered.find(([name]) => name === 'summary.md');
  if (stepSummary && md) appendFileSync(stepSummary, `${md[1]}\n`);
  return written;
}
