// The GitHub Action's logic (action/run.mjs), run as GitHub runs it — inputs in the environment,
// outputs and the step summary in files — against the embedded registry and its mutants.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from './fixtures/cli.ts';

const SCRIPT = fileURLToPath(new URL('../action/run.mjs', import.meta.url));
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('GITHUB_')));

interface Step { code: number | null; out: string; outputs: Record<string, string>; summary: string; dir: string }

function action(inputs: Record<string, string>): Promise<Step> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-action-'));
  const output = join(dir, 'github-output');
  const summary = join(dir, 'step-summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = { ...CLEAN_ENV, ECR_CONFORMANCE_BIN: BIN, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, AWS_EC2_METADATA_DISABLED: 'true', ECR_INPUT_REPORT_DIR: join(dir, 'reports'), ECR_INPUT_RUNS: '3' };
  for (const [k, v] of Object.entries(inputs)) env[`ECR_INPUT_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      resolve({ code, out, outputs, summary: readFileSync(summary, 'utf8'), dir });
    });
  });
}

describe.concurrent('the GitHub Action', () => {
  it('passes on the reference registry, with outputs and a step summary', async () => {
    const s = await action({});
    expect(s.code, s.out).toBe(0);
    expect(s.outputs).toMatchObject({ verdict: 'CONFORMANT', fail: '0', failed: 'false', 'exit-code': '0' });
    expect(Number(s.outputs['pass'])).toBeGreaterThan(40);
    expect(s.summary).toMatch(/ECR BatchCheckLayerAvailability conformance: CONFORMANT/);
  });

  it('fails the job on a mutant that breaks a rule', async () => {
    const s = await action({ args: '--mutant drop-absent' });
    expect(s.code).toBe(1);
    expect(s.outputs).toMatchObject({ verdict: 'NOT_CONFORMANT', failed: 'true' });
    expect(s.out).toMatch(/failing the job: the verdict is NOT_CONFORMANT/);
  });

  it('fails on INCOMPLETE by default, and not when fail-on leaves it out', async () => {
    const strict = await action({ args: '--mutant upload-stubs' });
    expect(strict.code).toBe(1);
    expect(strict.outputs['verdict']).toBe('INCOMPLETE');
    const lenient = await action({ args: '--mutant upload-stubs', 'fail-on': 'FAIL' });
    expect(lenient.code).toBe(0);
    expect(lenient.outputs).toMatchObject({ verdict: 'INCOMPLETE', failed: 'false' });
  });

  it('fails on DIVERGENT only when asked', async () => {
    expect((await action({ args: '--mutant omit-empty-lists' })).code).toBe(0);
    const s = await action({ args: '--mutant omit-empty-lists', 'fail-on': 'FAIL,DIVERGENT' });
    expect(s.code).toBe(1);
    expect(Number(s.outputs['divergent'])).toBeGreaterThan(0);
  });

  it('fails on a regression from the baseline, whatever fail-on says', async () => {
    const good = await action({});
    const baseline = join(good.dir, 'baseline.json');
    copyFileSync(join(good.dir, 'reports', 'conformance.json'), baseline);
    const s = await action({ args: '--mutant drop-absent', 'fail-on': 'DIVERGENT', baseline });
    expect(s.code).toBe(1);
    expect(s.outputs['regressions']).toBe('1');
    expect(s.summary).toMatch(/regressed: `partition.complete` PASS → FAIL/);
  });

  it('refuses a fail-on it does not know, in one line', async () => {
    const s = await action({ 'fail-on': 'FAIL,SOMETIMES' });
    expect(s.code).toBe(2);
    expect(s.out.trim()).toBe("ecr-conformance action: fail-on takes FAIL, INCOMPLETE and DIVERGENT, got 'SOMETIMES'");
  });
});
