// record and sdk-matrix: capture a target's answers as cassettes, replay them through SDK versions.
import { secrets } from './secrets.ts';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import { FORMATS, parseFormats, writeReports } from '../report/write.ts';
import { run } from '../run/runner.ts';
import { nonce, randomSeed } from '../run/seeds.ts';
import { CASSETTE_VERSION, cassetteText, type CassetteInteraction } from '../sdk/cassette.ts';
import { matrixResult, renderMatrixMarkdown } from '../sdk/matrix.ts';
import { toInteraction } from '../sdk/record.ts';
import { runMatrix } from '../sdk/run-matrix.ts';
import { redactText } from '../target/redact.ts';
import { renderOptions, renderTable } from './render.ts';
import { addTargetFlags, positiveInt, prepareTarget, resolveTarget, startEmbeddedIfNeeded, type TargetFlags } from './target-flags.ts';
import { ensureWritable } from '../report/write.ts';

const CASSETTES = fileURLToPath(new URL('../../contracts/cassettes/', import.meta.url));

function atomicWrite(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

interface RecordFlags extends TargetFlags { out: string; name: string; seed?: number; runs: number; maskAccountIds?: boolean; keepRequestIds?: boolean }

export function registerSdkCommands(program: Command): void {
  addTargetFlags(program.command('record')
    .description('Run the suite against a target and record every exchange as a cassette (secrets and signatures removed), to replay anywhere later, e.g. through sdk-matrix.'))
    .requiredOption('--out <dir>', 'where the cassette goes')
    .option('--name <name>', 'the cassette\'s name (file <name>.cassette.json)', 'recorded')
    .option('--seed <n>', 'seed for case generation', positiveInt('--seed', 0))
    .option('--runs <n>', 'cases per property', positiveInt('--runs'), 20)
    .option('--mask-account-ids', 'replace every 12-digit account id with 000000000000')
    .option('--keep-request-ids', 'keep the target\'s request ids (default: a fixed one, so recordings compare)')
    .action(async (flags: RecordFlags) => {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(flags.name)) throw new UsageError(`--name '${flags.name}': use lower-case letters, digits and -`);
      const target = resolveTarget(flags, process.env);
      await prepareTarget(target);
      ensureWritable(flags.out, '--out');
      const registry = await startEmbeddedIfNeeded(target, flags.mutant);
      const interactions: CassetteInteraction[] = [];
      const options = { maskAccountIds: Boolean(flags.maskAccountIds), keepRequestIds: Boolean(flags.keepRequestIds) };
      try {
        const seed = flags.seed ?? randomSeed();
        // A run id of its own, stored with the seed: compare --recording sets another target up the same way.
        const runId = nonce(seed, true);
        const result = await run({
          target: target.options, kind: target.kind, seed, runs: flags.runs, shrink: false, runId,
          onExchange: (x) => {
            const i = toInteraction(x, `${x.caseId.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${x.label}`, `${x.caseId} (${x.label})`, options);
            if (i && !interactions.some((y) => y.id === i.id)) interactions.push(i);
          },
        });
        const doc = { cassetteVersion: CASSETTE_VERSION, name: flags.name, description: `Recorded from ${result.provenance.target.description} (seed ${seed}, ${flags.runs} cases per property)`, source: { kind: target.kind, target: result.provenance.target.description, recordedWith: `ecr-conformance ${result.provenance.suite.version}, @aws-sdk/client-ecr ${result.provenance.sdk.version}`, seed, runId, ...(options.maskAccountIds ? { accountIdsMasked: true } : {}) }, interactions };
        mkdirSync(flags.out, { recursive: true });
        const file = join(flags.out, `${flags.name}.cassette.json`);
        atomicWrite(file, redactText(cassetteText(doc as Parameters<typeof cassetteText>[0]), secrets()));
        process.stdout.write(`${interactions.length} interactions recorded from ${result.provenance.target.description} into ${file}\n`);
      } finally {
        await registry?.close();
      }
    });

  program
    .command('sdk-matrix')
    .description('Install @aws-sdk/client-ecr versions side by side (never touching this project\'s dependencies), replay every cassette through each without network, and report what each version makes of them. Exit 1 when a version breaks a documented expectation.')
    .requiredOption('--versions <list>', 'comma-separated versions (3.600.0,3.1169.0) or paths to SDK module folders')
    .option('--cassettes <path...>', 'cassette files or folders', [CASSETTES])
    .option('--cache <dir>', 'where versions are installed', '.cache/sdk-matrix')
    .option('--report-dir <dir>', 'where the matrix goes', 'reports/sdk-matrix')
    .option('--format <list>', `report formats: ${FORMATS.join(',')}`, 'json,md,html,junit')
    .action(async (flags: { versions: string; cassettes: string[]; cache: string; reportDir: string; format: string }) => {
      let formats: ReturnType<typeof parseFormats>;
      try {
        formats = parseFormats(flags.format);
      } catch (e) {
        throw new UsageError(`--format: ${(e as Error).message}`);
      }
      const started = Date.now();
      const labels = flags.versions.split(',').map((v) => v.trim()).filter(Boolean);
      const { matrix } = await runMatrix(labels, flags.cassettes, flags.cache, (line) => process.stderr.write(`${line}\n`));
      const result = matrixResult(matrix, started, Date.now() - started);
      const written = writeReports(flags.reportDir, result, formats, secrets(), process.env['GITHUB_STEP_SUMMARY']);
      mkdirSync(flags.reportDir, { recursive: true });
      atomicWrite(join(flags.reportDir, 'matrix.json'), redactText(`${JSON.stringify(matrix, null, 2)}\n`, secrets()));
      atomicWrite(join(flags.reportDir, 'matrix.md'), redactText(renderMatrixMarkdown(matrix), secrets()));
      process.stdout.write(`${renderTable(result, renderOptions(process.stdout, process.env))}\nreports: ${[...written, join(flags.reportDir, 'matrix.json'), join(flags.reportDir, 'matrix.md')].join(', ')}\n`);
      process.exitCode = result.summary.counts.FAIL > 0 ? EXIT.notConformant : EXIT.conformant;
    });
}
