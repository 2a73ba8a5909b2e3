// Writes every requested format of a result into a folder, each file atomically; secrets are masked
// once more in every one of them.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { dirname, join, resolve } from 'node:path';
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

/** Fails before a run, in one line, when its reports could not be written after it. */
export function ensureWritable(dir: string, flag: string): void {
  try {
    makeDirectory(dir);
    const probe = join(dir, `.ecr-conformance-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new UsageError(`${flag} ${dir} cannot be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'UNWRITABLE');
  }
}

/**
 * mkdir -p, one folder at a time: Node's recursive mkdirSync never returns for some paths (under /proc),
 * and a path through a file must fail at once.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
  for (const d of missing) mkdirSync(d);
}

/** Fails before a run, in one line, when the step summary file (GITHUB_STEP_SUMMARY) cannot be appended to. */
export function ensureAppendable(file: string, what: string): void {
  try {
    closeSync(openSync(file, 'a'));
  } catch (e) {
    throw new UsageError(`${what} ${file} cannot be appended to: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'UNWRITABLE');
  }
}

/** Appends the Markdown summary to a CI step summary file. */
export function appendStepSummary(file: string, r: RunResult, secrets: string[] = []): void {
  appendFileSync(file, `${redactText(renderMarkdown(r), secrets)}\n`);
}

/** Writes rendered files into dir, each whole or not at all (a temporary file renamed), secrets masked. */
export function writeFiles(dir: string, files: readonly (readonly [string, string])[], secrets: string[] = []): string[] {
  makeDirectory(dir);
  return files.map(([name, text]) => {
    const file = join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, redactText(text, secrets));
    renameSync(tmp, file);
    return file;
  });
}

/** Renders everything first, then writes: a renderer that fails leaves no half-written folder. */
export function writeReports(dir: string, r: RunResult, formats: readonly Format[] = FORMATS, secrets: string[] = [], stepSummary?: string): string[] {
  const rendered = formats.flatMap((f) => FILES[f].map(([name, render]) => [name, render(r)] as const));
  const written = writeFiles(dir, rendered, secrets);
  const md = rendered.find(([name]) => name === 'summary.md');
  if (stepSummary && md) {
    try {
      appendFileSync(stepSummary, `${redactText(md[1], secrets)}\n`);
    } catch (e) {
      throw new UsageError(`GITHUB_STEP_SUMMARY ${stepSummary} cannot be appended to: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'UNWRITABLE');
    }
  }
  return written;
}
