// Writes the JSON run result: atomically (a temporary file renamed into place), with every known
// secret masked once more as a last line of defence.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../target/redact.ts';
import type { RunResult } from '../run/result.ts';

export const JSON_REPORT = 'conformance.json';

export function writeJsonReport(dir: string, result: RunResult, secrets: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, JSON_REPORT);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${redactText(JSON.stringify(result, null, 2), secrets)}\n`);
  renameSync(tmp, file);
  return file;
}
