// `ecr-conformance compare`: two targets, or one and a recording of another, case for case.
import { GENERATOR, generatorMismatch } from '../generate/version.ts';
import { Option, type Command } from 'commander';
import { EXIT, TargetError, UsageError } from '../errors.ts';
import { MUTANTS, mutant, mutantOptions } from '../registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../registry/server.ts';
import { renderCompareHtml, renderCompareJunit, renderCompareMarkdown } from '../report/compare.ts';
import { inert } from '../report/text.ts';
import { ensureWritable, writeFiles } from '../report/write.ts';
import { compare, RecordingError, type CompareResult, type Side } from '../run/compare.ts';
import { randomSeed } from '../run/seeds.ts';
import { loadCassette } from '../sdk/cassette.ts';
import type { TargetOptions } from '../target/target.ts';
import { secrets } from './secrets.ts';
import { addTargetFlags, positiveInt, prepareTarget, resolveTarget, startEmbeddedIfNeeded, type TargetFlags } from './target-flags.ts';

const COMPARE_FORMATS = ['json', 'md', 'html', 'junit'] as const;

interface CompareFlags extends TargetFlags {
  against?: string;
  againstMutant?: string;
  recording?: string;
  name?: string;
  againstName?: string;
  seed?: number;
  runs: number;
  replay?: string;
  generator?: number;
  shrink: boolean;
  reportDir: string;
  format: string;
}

export function registerCompare(program: Command): void {
  addTargetFlags(program.command('compare')
    .description('Send the same seeded cases to two targets — or replay a recording of one (record) against another — reduce every answer to its kind (the class of each digest, or which error), and show every way they differ, each with a minimal case side by side and its replay command. No oracle needed: a mock against a recording of real ECR. Exit 0 alike, 1 different, 3 could not compare.'))
    .addOption(new Option('--against <url>', 'the second target: an endpoint').conflicts(['againstMutant', 'recording']))
    .addOption(new Option('--against-mutant <id>', 'the second target: a mutant of the embedded registry').conflicts(['recording']))
    .option('--recording <cassette>', 'the second target: a recording written by `ecr-conformance record` (its seed and run id are used)')
    .option('--name <name>', 'what the reports call the first target')
    .option('--against-name <name>', 'what the reports call the second')
    .option('--seed <n>', 'seed for case generation (default: random, printed)', positiveInt('--seed', 0))
    .option('--runs <n>', 'cases per property', positiveInt('--runs'), 50)
    .option('--replay <case>', 'compare one case (as printed for a difference) instead of exploring')
    .option('--generator <n>', 'the case generator the --replay id comes from (replay commands print it): refused if this build\'s differs', positiveInt('--generator'))
    .option('--no-shrink', 'show the first differing case of each kind without shrinking it')
    .option('--report-dir <dir>', 'where compare.json, compare.md, compare.html and compare.junit.xml go', 'reports/compare')
    .option('--format <list>', `report formats: ${COMPARE_FORMATS.join(',')}`, COMPARE_FORMATS.join(','))
    .action(async (flags: CompareFlags) => {
      const mismatch = flags.recording === undefined ? generatorMismatch(flags.generator) : undefined;
      if (mismatch) throw new UsageError(mismatch, 'GENERATOR_CHANGED');
      const formats = flags.format.split(',').map((f) => f.trim());
      const unknown = formats.filter((f) => !(COMPARE_FORMATS as readonly string[]).includes(f));
      if (unknown.length > 0) throw new UsageError(`--format: unknown ${unknown.join(', ')}; one of ${COMPARE_FORMATS.join(', ')}`);
      const sources = [flags.against, flags.againstMutant, flags.recording].filter((x) => x !== undefined);
      if (sources.length !== 1) throw new UsageError('compare needs one second target: --against URL, --against-mutant ID or --recording FILE');
      if (flags.againstMutant !== undefined && !mutant(flags.againstMutant)) throw new UsageError(`unknown mutant '${flags.againstMutant}'; one of: ${MUTANTS.map((m) => m.id).join(', ')}`);
      if (flags.recording !== undefined && flags.seed !== undefined) throw new UsageError('--seed does not apply with --recording: the recording\'s own seed is used');
      const recording = flags.recording !== undefined ? loadCassette(flags.recording) : undefined;
      if (flags.against !== undefined) {
        try {
          if (!/^https?:$/.test(new URL(flags.against).protocol)) throw new Error();
        } catch {
          throw new UsageError(`--against '${flags.against}' is not an http(s) URL`);
        }
      }
      const resolved = resolveTarget(flags, process.env);
      await prepareTarget(resolved);
      ensureWritable(flags.reportDir, '--report-dir');
      const seed = flags.seed ?? randomSeed();
      const started: RunningRegistry[] = [];
      try {
        const registry = await startEmbeddedIfNeeded(resolved, flags.mutant);
        if (registry) started.push(registry);
        const a: Side = { name: flags.name ?? resolved.options.description ?? resolved.options.endpoint ?? 'first target', kind: resolved.kind, target: resolved.options as TargetOptions };
        let b: Side | { name: string; recording: NonNullable<typeof recording> };
        if (recording) b = { name: flags.againstName ?? `recording ${recording.name}`, recording };
        else {
          let endpoint = flags.against;
          let description = flags.against;
          if (flags.againstMutant !== undefined) {
            const other = await startRegistry(mutantOptions(mutant(flags.againstMutant)));
            started.push(other);
            endpoint = other.endpoint;
            description = `embedded reference registry, mutant ${flags.againstMutant}`;
          }
          const { credentials: _, ...shared } = resolved.options;
          b = { name: flags.againstName ?? description!, kind: 'endpoint', target: { ...(shared as TargetOptions), endpoint: endpoint!, description: description! } };
        }
        const again = (caseId: string) => ['npx ecr-conformance compare',
          ...(resolved.kind === 'endpoint' ? [`--endpoint ${resolved.options.endpoint}`] : resolved.kind === 'aws' ? ['--aws'] : []),
          ...(flags.mutant ? [`--mutant ${flags.mutant}`] : []),
          ...(flags.against ? [`--against ${flags.against}`] : flags.againstMutant ? [`--against-mutant ${flags.againstMutant}`] : [`--recording ${flags.recording}`]),
          ...(recording ? [] : [`--seed ${seed} --generator ${GENERATOR}`]), `--replay ${caseId}`].join(' ');
        let result: CompareResult;
        try {
          result = await compare({ a, b, seed, runs: flags.runs, shrink: flags.shrink, replayCommand: again, ...(flags.replay !== undefined ? { replay: flags.replay } : {}) });
        } catch (e) {
          if (e instanceof RecordingError) throw new UsageError(e.message, 'COMPARE');
          throw e;
        }
        const files: [string, string][] = [];
        if (formats.includes('json')) files.push(['compare.json', `${JSON.stringify(result, null, 2)}\n`]);
        if (formats.includes('md')) files.push(['compare.md', renderCompareMarkdown(result)]);
        if (formats.includes('html')) files.push(['compare.html', renderCompareHtml(result)]);
        if (formats.includes('junit')) files.push(['compare.junit.xml', renderCompareJunit(result)]);
        const written = writeFiles(flags.reportDir, files, secrets());
        const lines = [`${result.verdict}: ${inert(result.a.name)} vs ${inert(result.b.name)}: ${result.compared} of ${result.cases} cases compared, ${result.same} alike, ${result.differences.length} way${result.differences.length === 1 ? '' : 's'} they differ (seed ${result.seed})`];
        for (const [i, d] of result.differences.entries()) {
          lines.push(`  ${i + 1}. ${inert(d.signature).slice(0, 300)}  (${d.count} case${d.count === 1 ? '' : 's'}, e.g. ${d.caseId})`, `     replay: ${d.replay}`);
        }
        for (const n of result.notes) lines.push(`note: ${inert(n)}`);
        for (const l of result.leftovers) lines.push(`warning: could not remove ${inert(l)}`);
        lines.push(`reports: ${written.join(', ')}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        if (result.verdict === 'UNTESTABLE') throw new TargetError(`nothing could be compared: ${result.notes.join('; ') || 'no case got an answer from both sides'}`, 'COMPARE_UNTESTABLE');
        process.exitCode = result.verdict === 'SAME' ? EXIT.conformant : EXIT.notConformant;
      } finally {
        for (const r of started) await r.close();
      }
    });
}
