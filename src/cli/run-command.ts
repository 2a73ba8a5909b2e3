// `ecr-conformance run`: the whole suite against one target.
import { GENERATOR, generatorMismatch } from '../generate/version.ts';
import { secrets } from './secrets.ts';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { EXIT, exitCodeFor, UsageError } from '../errors.ts';
import { FORMATS, parseFormats, writeReports } from '../report/write.ts';
import { planRun } from '../run/plan.ts';
import { parseDuration } from '../run/cleanup.ts';
import { AUTO_CASES_PER_CORE, run, type RunOptions } from '../run/runner.ts';
import type { RunResult } from '../run/result.ts';
import { randomSeed } from '../run/seeds.ts';
import { renderOptions, renderTable } from './render.ts';
import { addTargetFlags, positiveInt, prepareTarget, resolveTarget, startEmbeddedThreadIfNeeded, type ResolvedTarget, type TargetFlags } from './target-flags.ts';
import { appendStepSummary, ensureAppendable, ensureWritable } from '../report/write.ts';
import { progressReporter } from './progress.ts';
import type { Ledger } from '../run/runner.ts';

export interface RunFlags extends TargetFlags {
  seed?: number;
  generator?: number;
  runs: number;
  rules?: string;
  present: string[];
  repository?: string;
  accountId?: string;
  reportDir: string;
  replay?: string;
  shrink: boolean;
  failOnDivergent?: boolean;
  format: string;
  shard?: { index: number; count: number };
  /** --no-color */
  color?: boolean;
  dryRun?: boolean;
  name?: string;
  duration?: string;
  workers?: number;
}

function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N, got '${value}'`);
  return { index, count };
}

const DIGEST_ARG = /^([^=\s]+)(?:=(\d+))?$/;

function parsePresent(values: string[]): { digest: string; size?: number }[] {
  return values.map((v) => {
    const m = DIGEST_ARG.exec(v);
    if (!m) throw new UsageError(`--present takes DIGEST or DIGEST=SIZE, got '${v}'`);
    return { digest: m[1]!, ...(m[2] !== undefined ? { size: Number(m[2]) } : {}) };
  });
}

/** The command line that replays one case against the same target. */
function replayCommand(argv: { kind: string; flags: RunFlags; seed: number }) {
  return (caseId: string, ruleId: string) => {
    const f = argv.flags;
    const parts = ['npx ecr-conformance run'];
    if (argv.kind === 'endpoint' && f.endpoint) parts.push(`--endpoint ${f.endpoint}`);
    if (argv.kind === 'aws') parts.push('--aws');
    if (f.region) parts.push(`--region ${f.region}`);
    if (f.mutant) parts.push(`--mutant ${f.mutant}`);
    if (f.repository) parts.push(`--repository ${f.repository}`);
    for (const p of f.present) parts.push(`--present ${p}`);
    if (f.accountId) parts.push(`--account-id ${f.accountId}`);
    if (f.transport !== 'sdk') parts.push(`--transport ${f.transport}`);
    parts.push(`--seed ${argv.seed} --generator ${GENERATOR} --replay ${caseId} --rules ${ruleId}`);
    return parts.join(' ');
  };
}

/**
 * Every core for a large run by default (the embedded registry's own thread is mostly idle: a profile
 * shows the explorers are the work); one where a budget or rate limit applies (a worker cannot share
 * them) — asking for more there is an error.
 */
function workersFor(flags: RunFlags, target: ResolvedTarget): number | 'auto' {
  const limited = target.options.rps > 0 || target.options.maxRequests > 0;
  if (flags.workers !== undefined && flags.workers > 1 && limited) throw new UsageError(`--workers ${flags.workers} cannot share a rate limit or a request budget (--rps, --max-requests, and --aws's defaults): use --workers 1, or drop them`);
  return flags.workers ?? (limited ? 1 : 'auto');
}

function soakDuration(flags: RunFlags): number {
  if (flags.replay !== undefined) throw new UsageError('--duration keeps exploring; --replay sends one case: use one of them');
  let ms: number;
  try {
    ms = parseDuration(flags.duration!);
  } catch (e) {
    throw new UsageError(`--duration: ${(e as Error).message}`);
  }
  if (ms <= 0) throw new UsageError('--duration must be more than 0');
  return ms;
}

/** The options of the run these flags ask for: what `run` does, and what `run --dry-run` plans. */
function runOptions(flags: RunFlags, target: ResolvedTarget, seed: number): RunOptions {
  return {
    ...(flags.duration !== undefined ? { durationMs: soakDuration(flags) } : {}),
    workers: workersFor(flags, target),
    target: target.options as RunOptions['target'], kind: target.kind, ...(flags.name !== undefined ? { name: flags.name } : {}), seed, runs: flags.runs, shrink: flags.shrink, maxTimeMs: target.maxTimeMs,
    present: parsePresent(flags.present),
    replayCommand: replayCommand({ kind: target.kind, flags, seed }),
    ...(flags.rules !== undefined ? { rules: flags.rules } : {}),
    ...(flags.repository !== undefined ? { repository: flags.repository } : {}),
    ...(flags.accountId !== undefined ? { accountId: flags.accountId } : {}),
    ...(flags.replay !== undefined ? { replay: flags.replay } : {}),
    ...(flags.shard !== undefined ? { shard: flags.shard } : {}),
    replayOptions: {
      ...(target.kind === 'endpoint' ? { endpoint: target.options.endpoint! } : {}),
      ...(flags.mutant !== undefined ? { mutant: flags.mutant } : {}),
      ...(flags.repository !== undefined ? { repository: flags.repository } : {}),
      ...(flags.present.length > 0 ? { present: parsePresent(flags.present) } : {}),
      ...(flags.accountId !== undefined ? { accountId: flags.accountId } : {}),
    },
  };
}

/** `run --dry-run`: the plan, printed; nothing sent to the target, nothing written. */
async function executePlan(flags: RunFlags): Promise<void> {
  if (flags.mutant !== undefined) throw new UsageError('--dry-run plans a run against a target; --mutant runs the embedded registry, which costs nothing to try');
  const seed = flags.seed ?? randomSeed();
  const target = resolveTarget(flags, process.env);
  await prepareTarget(target, { credentials: false });
  const plan = await planRun(runOptions(flags, target, seed));
  const o = target.options;
  const where = o.description ?? o.endpoint ?? 'the embedded reference registry';
  const lines = [`plan: a run against ${where}, seed ${seed}${flags.seed === undefined ? ` (pass --seed ${seed} to run exactly this plan)` : ''}. Nothing was sent.`];
  lines.push(`  ${plan.cases} cases; requests by operation (if the target answers as AWS does):`);
  const width = Math.max(...Object.keys(plan.requests).map((k) => k.length));
  for (const [op, n] of Object.entries(plan.requests)) lines.push(`    ${op.padEnd(width)}  ${String(n).padStart(6)}`);
  lines.push(`    ${'total'.padEnd(width)}  ${String(plan.total).padStart(6)}${o.maxRequests > 0 ? `   (budget --max-requests ${o.maxRequests})` : ''}`);
  if (plan.repositories.length > 0) {
    lines.push(`  repositories it creates, tagged ecr-conformance:creator and deleted at the end (<run> is the run's own id):`);
    for (const r of plan.repositories) lines.push(`    ${r.length > 72 ? `${r.slice(0, 60)}… (${r.length} characters)` : r}`);
  } else lines.push('  repositories it creates: none');
  lines.push(`  bytes it uploads: ${plan.bytesUploaded} (kept at most for the length of the run)`);
  lines.push(plan.seconds !== undefined
    ? `  duration: about ${Math.ceil(plan.seconds)} s at --rps ${o.rps}${target.maxTimeMs > 0 ? ` (budget --max-time ${target.maxTimeMs / 1000} s)` : ''}`
    : '  duration: as fast as the target answers (no --rps)');
  for (const c of plan.cut) lines.push(`  note: ${c}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerRun(program: Command): void {
  addTargetFlags(program.command('run')
    .description('Generate cases, send them to the target, judge every answer, write the reports (JSON, JUnit, Markdown, HTML, badge). Exit 0 conformant, 1 not conformant or not implemented, 2 bad usage, 3 the target could not be tested, 4 incomplete (no rule broken, but some rule lacks its evidence: the report says why), 130 interrupted.'))
    .option('--seed <n>', 'seed for case generation (default: random, printed and stamped in the report)', positiveInt('--seed', 0))
    .option('--runs <n>', 'cases per property', positiveInt('--runs'), 150)
    .option('--rules <globs>', 'comma-separated rule ids or globs to judge (framing.*,partition.*); default all')
    .option('--present <digest[=size]...>', 'digests known to be stored in --repository', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--repository <name>', 'use this existing repository read-only instead of creating repositories')
    .option('--account-id <id>', 'the caller\'s account id (learned from CreateRepository when possible)')
    .option('--report-dir <dir>', 'where the report is written', 'reports')
    .option('--replay <case>', 'send one case (property@seed[:path], as printed for a counterexample) instead of exploring')
    .option('--generator <n>', 'the case generator the --replay id comes from (replay commands print it): refused if this build\'s differs', positiveInt('--generator'))
    .option('--no-shrink', 'report the first failing case of each rule without shrinking it')
    .option('--fail-on-divergent', 'exit 1 when the target differs from the AWS reference where the docs are silent')
    .option('--format <list>', `report formats, comma-separated: ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--shard <i/n>', 'run only shard I of N (cases whose index is I-1 modulo N); join the reports with merge', parseShard)
    .option('--no-color', 'no colour on the terminal (also NO_COLOR, and whenever stdout is not a terminal)')
    .option('--workers <n>', `threads exploring together (default: the number of cores, ${availableParallelism()} here, for runs large enough to repay starting them — a soak, or ${AUTO_CASES_PER_CORE.sdk.toLocaleString('en')} cases per core through the SDK transport, ${AUTO_CASES_PER_CORE.raw.toLocaleString('en')} through raw — else 1; always 1 with --rps or --max-requests, which are one thread's); the result is the same whatever the number`, positiveInt('--workers'))
    .option('--duration <time>', 'soak: after the first round, keep sending fresh cases (new seeds per round) until this much time has passed (90s, 30m, 8h); reaching it is not INCOMPLETE')
    .option('--name <name>', 'what reports, matrix and compare call the target (e.g. "moto 5.2.4.dev"); default: its endpoint')
    .option('--dry-run', 'print the plan — requests by operation, repositories created, bytes uploaded, duration at --rps — and send nothing')
    .action(async (flags: RunFlags) => { if (flags.dryRun) await executePlan(flags); else await executeRun(flags); });
}

export async function executeRun(flags: RunFlags): Promise<RunResult> {
  const mismatch = generatorMismatch(flags.generator);
  if (mismatch) throw new UsageError(mismatch, 'GENERATOR_CHANGED');
  let formats: ReturnType<typeof parseFormats>;
  try {
    formats = parseFormats(flags.format);
  } catch (e) {
    throw new UsageError(`--format: ${(e as Error).message}`);
  }
  if (flags.present.length > 0 && flags.repository === undefined) throw new UsageError('--present names digests stored in an existing repository: give it with --repository');
  const seed = flags.seed ?? randomSeed();
  const target = resolveTarget(flags, process.env);
  await prepareTarget(target);
  ensureWritable(flags.reportDir, '--report-dir');
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (summary) ensureAppendable(summary, 'GITHUB_STEP_SUMMARY');
  const registry = await startEmbeddedThreadIfNeeded(target, flags.mutant);
  const controller = new AbortController();
  const ledger: Ledger = { created: [], deleted: new Set() };
  const deleteCommand = (name: string) => `aws ecr delete-repository --force --repository-name ${name}${target.kind === 'endpoint' ? ` --endpoint-url ${target.options.endpoint}` : ''} --region ${target.options.region}`;
  const onSignal = () => {
    if (controller.signal.aborted) {
      const left = ledger.created.filter((n) => !ledger.deleted.has(n));
      process.stderr.write(`\ninterrupted again: quitting now.${left.length > 0 ? ` These repositories the run created may be left on ${target.options.endpoint ?? `AWS ECR ${target.options.region}`}:\n${left.map((n) => `  ${n}\n    ${deleteCommand(n)}`).join('\n')}` : ''}\n`);
      process.exit(EXIT.interrupted);
    }
    process.stderr.write('\ninterrupted: stopping, cleaning up what the run created (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = progressReporter(process.stderr, process.env);
  const write = (result: RunResult) => writeReports(flags.reportDir, result, formats, secrets(), undefined);
  try {
    const result = await run({
      ...runOptions(flags, target, seed), signal: controller.signal, ledger,
      // Reports exist before cleanup starts: a cleanup that hangs, or a kill -9, still leaves them.
      beforeCleanup: (r) => { write(r); },
      onProgress: progress.update,
    });
    progress.done();
    const files = write(result);
    if (summary) appendStepSummary(summary, result, secrets());
    process.stdout.write(`${renderTable(result, renderOptions(process.stdout, process.env, flags.color === false))}\nreports: ${files.join(', ')}\n`);
    if (result.leftovers.length > 0) {
      process.stderr.write(`ecr-conformance: ${result.leftovers.length} repositor${result.leftovers.length === 1 ? 'y' : 'ies'} the run created could not be removed; delete with:\n${result.leftovers.map((l) => `  ${deleteCommand(l.split(' ')[0]!)}`).join('\n')}\n  or, for every run's leftovers at once: ecr-conformance cleanup --older-than 0 --yes (with this run's target flags)\n`);
    }
    const v = result.summary.verdict;
    process.exitCode = controller.signal.aborted ? EXIT.interrupted : exitCodeFor(v, { failOnDivergent: Boolean(flags.failOnDivergent), divergent: result.summary.counts.DIVERGENT });
    return result;
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await registry?.close();
  }
}
