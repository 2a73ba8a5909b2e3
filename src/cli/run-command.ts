// `ecr-conformance run`: the whole suite against one target.
import type { Command } from 'commander';
import { EXIT, exitCodeFor, UsageError } from '../errors.ts';
import { FORMATS, parseFormats, writeReports } from '../report/write.ts';
import { run } from '../run/runner.ts';
import type { RunResult } from '../run/result.ts';
import { randomSeed } from '../run/seeds.ts';
import { renderOptions, renderTable } from './render.ts';
import { addTargetFlags, positiveInt, resolveTarget, secretsFrom, startEmbeddedIfNeeded, type TargetFlags } from './target-flags.ts';

export interface RunFlags extends TargetFlags {
  seed?: number;
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
    parts.push(`--seed ${argv.seed} --replay ${caseId} --rules ${ruleId}`);
    return parts.join(' ');
  };
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
    .option('--no-shrink', 'report the first failing case of each rule without shrinking it')
    .option('--fail-on-divergent', 'exit 1 when the target differs from the AWS reference where the docs are silent')
    .option('--format <list>', `report formats, comma-separated: ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--shard <i/n>', 'run only shard I of N (cases whose index is I-1 modulo N); join the reports with merge', parseShard)
    .action(async (flags: RunFlags) => { await executeRun(flags); });
}

/** A live progress line on a terminal, redrawn at most ten times a second. */
function progressLine() {
  let last = 0;
  let phase = '';
  return (p: { phase: string; done: number; total: number; failing: number }) => {
    const now = Date.now();
    if (p.phase === phase && now - last < 100 && p.done < p.total) return;
    last = now;
    phase = p.phase;
    process.stderr.write(`\r\x1b[K[${p.phase}] ${p.done}/${p.total}${p.failing ? `, ${p.failing} failing` : ''}`);
  };
}

export async function executeRun(flags: RunFlags): Promise<RunResult> {
  let formats: ReturnType<typeof parseFormats>;
  try {
    formats = parseFormats(flags.format);
  } catch (e) {
    throw new UsageError(`--format: ${(e as Error).message}`);
  }
  if (flags.present.length > 0 && flags.repository === undefined) throw new UsageError('--present names digests stored in an existing repository: give it with --repository');
  const seed = flags.seed ?? randomSeed();
  const target = resolveTarget(flags, process.env);
  const registry = await startEmbeddedIfNeeded(target, flags.mutant);
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: stopping, cleaning up what the run created (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  try {
    const result = await run({
      target: target.options, kind: target.kind, seed, runs: flags.runs, shrink: flags.shrink, signal: controller.signal, maxTimeMs: target.maxTimeMs,
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
      ...(tty ? { onProgress: progressLine() } : {}),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const files = writeReports(flags.reportDir, result, formats, secretsFrom(process.env), process.env['GITHUB_STEP_SUMMARY']);
    process.stdout.write(`${renderTable(result, renderOptions(process.stdout, process.env))}\nreports: ${files.join(', ')}\n`);
    const v = result.summary.verdict;
    process.exitCode = controller.signal.aborted ? EXIT.interrupted : exitCodeFor(v, { failOnDivergent: Boolean(flags.failOnDivergent), divergent: result.summary.counts.DIVERGENT });
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await registry?.close();
  }
}
