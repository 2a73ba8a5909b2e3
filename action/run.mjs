#!/usr/bin/env node
// The GitHub Action's logic (action.yml runs it): run ecr-conformance with the action's inputs, diff
// against a baseline when one is given, set the step's outputs, and fail the job on what the user
// chose to fail on. Plain JavaScript, so the action needs no build. Inputs come as ECR_INPUT_* variables.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const input = (name, fallback = '') => (process.env[`ECR_INPUT_${name.toUpperCase().replace(/-/g, '_')}`] ?? '').trim() || fallback;
const FAIL_ON = new Set(input('fail-on', 'FAIL,INCOMPLETE').split(',').map((v) => v.trim().toUpperCase()).filter(Boolean));
for (const v of FAIL_ON) {
  if (!['FAIL', 'INCOMPLETE', 'DIVERGENT'].includes(v)) {
    console.error(`ecr-conformance action: fail-on takes FAIL, INCOMPLETE and DIVERGENT, got '${v}'`);
    process.exit(2);
  }
}
const reportDir = input('report-dir', 'ecr-conformance-reports');

// The binary: the package at the requested version (npx), or one named for testing the action itself.
const bin = process.env.ECR_CONFORMANCE_BIN;
const command = bin ? [process.execPath, bin] : ['npx', '--yes', `ecr-conformance@${input('version', 'latest')}`];
const exec = (args, options = {}) => spawnSync(command[0], [...command.slice(1), ...args], { encoding: 'utf8', ...options });

const args = ['run', '--seed', input('seed', '42'), '--runs', input('runs', '150'), '--report-dir', reportDir];
if (input('endpoint')) args.push('--endpoint', input('endpoint'));
if (input('rules')) args.push('--rules', input('rules'));
if (input('args')) args.push(...input('args').split(/\s+/));
const ran = exec(args, { stdio: 'inherit' });
if (ran.error) {
  console.error(`ecr-conformance action: cannot start ecr-conformance: ${ran.error.message}`);
  process.exit(2);
}

const outputs = { 'exit-code': String(ran.status ?? 1), 'report-dir': reportDir };
const file = join(reportDir, 'conformance.json');
let failed = false;
const reasons = [];
if (!existsSync(file)) {
  failed = true;
  reasons.push(`ecr-conformance ended with exit code ${ran.status} and wrote no report`);
  outputs.verdict = 'ERROR';
} else {
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const { verdict, counts } = result.summary;
  Object.assign(outputs, { verdict, pass: counts.PASS, fail: counts.FAIL, divergent: counts.DIVERGENT, skipped: counts.SKIPPED, error: counts.ERROR, 'not-implemented': counts.NOT_IMPLEMENTED });
  if (FAIL_ON.has('FAIL') && ['NOT_CONFORMANT', 'NOT_IMPLEMENTED', 'UNTESTABLE'].includes(verdict)) reasons.push(`the verdict is ${verdict}`);
  if (FAIL_ON.has('INCOMPLETE') && verdict === 'INCOMPLETE') reasons.push(`the run is INCOMPLETE: ${result.summary.causes.join('; ')}`);
  if (FAIL_ON.has('DIVERGENT') && counts.DIVERGENT > 0) reasons.push(`${counts.DIVERGENT} fingerprint point(s) DIVERGENT from the AWS reference`);
  const baseline = input('baseline');
  if (baseline) {
    const diff = exec(['diff', baseline, file, '--format', 'json']);
    if (diff.status === 2 || !diff.stdout) {
      reasons.push(`the baseline ${baseline} cannot be read: ${(diff.stderr || '').trim()}`);
    } else {
      const d = JSON.parse(diff.stdout);
      outputs.regressions = String(d.regressed.length);
      if (d.regressed.length > 0) reasons.push(`${d.regressed.length} rule(s) regressed from the baseline: ${d.regressed.map((x) => `${x.id} ${x.from} → ${x.to}`).join(', ')}`);
      const summary = process.env.GITHUB_STEP_SUMMARY;
      if (summary) appendFileSync(summary, `\n### Against the baseline\n\n${d.regressed.length} regressed, ${d.fixed.length} fixed, ${d.changed.length} changed${d.regressed.map((x) => `\n- regressed: \`${x.id}\` ${x.from} → ${x.to}`).join('')}\n`);
    }
  }
  failed = reasons.length > 0;
}
outputs.failed = String(failed);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(''));
if (failed) {
  console.error(`ecr-conformance action: failing the job: ${reasons.join('; ')}`);
  process.exit(1);
}
