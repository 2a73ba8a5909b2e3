// report, replay, diff and merge: everything that starts from a saved JSON result.
import { secrets } from './secrets.ts';
import { Option, type Command } from 'commander';
import { EXIT, exitCodeFor, readUserFile, UsageError } from '../errors.ts';
import { diffResults, renderDiff } from '../report/diff.ts';
import { loadReport, loadResult } from '../report/load.ts';
import { GENERATOR } from '../generate/version.ts';
import { mergeResults } from '../report/merge.ts';
import { currentReference, refreshReference } from '../report/refresh.ts';
import { SPEC_DIR } from '../spec/index.ts';
import { writeFileSync } from 'node:fs';
import { FORMATS, parseFormats, writeFiles, writeReports } from '../report/write.ts';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown, type Matrix, type MatrixNotes } from '../report/matrix.ts';
import { inert } from '../report/text.ts';
import { renderOptions, renderTable } from './render.ts';
import { executeRun } from './run-command.ts';

function formatsOf(value: string) {
  try {
    return parseFormats(value);
  } catch (e) {
    throw new UsageError(`--format: ${(e as Error).message}`);
  }
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('Render every report format again from a saved conformance.json.')
    .argument('<report>', 'a conformance.json written by run or merge')
    .option('--report-dir <dir>', 'where to write (default: the report\'s own folder)')
    .option('--format <list>', `formats: ${FORMATS.join(',')}`, FORMATS.join(','))
    .action((file: string, opts: { reportDir?: string; format: string }) => {
      const result = loadResult(file);
      const dir = opts.reportDir ?? file.replace(/[/\\][^/\\]*$/, '') ?? '.';
      const written = writeReports(dir === file ? '.' : dir, result, formatsOf(opts.format), secrets());
      process.stdout.write(`${written.join('\n')}\n`);
    });

  program
    .command('replay')
    .description('Send one case of a saved report again — to the same target or another (--endpoint) — and judge it again. CASE is a case id or a rule id (its counterexample).')
    .argument('<report>', 'a conformance.json')
    .argument('<case>', 'a case id (property@seed[:path]) or the id of a rule with a counterexample')
    .option('--endpoint <url>', 'send it here instead of the report\'s target')
    .option('--timeout <ms>', 'deadline for each request', (v: string) => Number(v), 10_000)
    .option('--report-dir <dir>', 'where the replay\'s reports go', 'reports/replay')
    .action(async (file: string, which: string, opts: { endpoint?: string; timeout: number; reportDir: string }) => {
      const saved = loadResult(file);
      const byRule = saved.rules.find((r) => r.id === which);
      const caseId = byRule ? byRule.counterexample?.caseId : which;
      if (!caseId) throw new UsageError(`rule ${which} has no counterexample in ${file}`);
      const made = saved.provenance.suite.generator ?? 1;
      if (made !== GENERATOR) {
        throw new UsageError(`${file} was made by case generator ${made} (ecr-conformance ${saved.provenance.suite.version}); this build's generator is ${GENERATOR}, and case ${caseId} would be a different request here. `
          + `Replay it with the build that made it (npx ecr-conformance@${saved.provenance.suite.version} replay …), or run again with this build and the same seed.`, 'GENERATOR_CHANGED');
      }
      const broke = saved.rules.filter((r) => r.counterexample?.caseId === caseId || r.examples?.includes(caseId)).map((r) => r.id);
      const p = saved.provenance;
      const o = p.options;
      const endpoint = opts.endpoint ?? o.endpoint;
      const result = await executeRun({
        seed: p.seed, runs: p.runs, replay: caseId, rules: broke.length > 0 ? broke.join(',') : p.rules === '*' ? undefined : p.rules,
        present: (o.present ?? []).map((x) => (x.size !== undefined ? `${x.digest}=${x.size}` : x.digest)),
        ...(o.repository !== undefined ? { repository: o.repository } : {}),
        ...(o.accountId !== undefined ? { accountId: o.accountId } : {}),
        ...(endpoint !== undefined ? { endpoint } : p.target.kind === 'aws' ? { aws: true } : {}),
        ...(endpoint === undefined && o.mutant !== undefined ? { mutant: o.mutant } : {}),
        region: p.target.region, timeout: opts.timeout, transport: p.target.transport,
        reportDir: opts.reportDir, shrink: false, format: 'json,md,html', ...(p.target.kind === 'aws' ? { rps: p.requests.rps || 10, maxRequests: 200 } : {}),
      } as Parameters<typeof executeRun>[0]);
      for (const id of broke) {
        const now = result.rules.find((r) => r.id === id);
        const state = now?.verdict === 'PASS' ? 'FIXED' : now?.verdict === 'FAIL' || now?.verdict === 'DIVERGENT' ? 'STILL BROKEN' : `now ${now?.verdict}`;
        process.stdout.write(`${state.padEnd(13)} ${id} (case ${caseId})\n`);
      }
    });

  program
    .command('diff')
    .description('Compare two reports: rules that regressed, got fixed or changed, and fingerprint changes. Exit 1 on a regression.')
    .argument('<before>', 'the older (or reference) conformance.json')
    .argument('<after>', 'the newer (or other target\'s) conformance.json')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((a: string, b: string, opts: { format: string }) => {
      const d = diffResults(loadResult(a), loadResult(b));
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d, a, b));
      process.exitCode = d.regressed.length > 0 ? EXIT.notConformant : EXIT.conformant;
    });

  program
    .command('refresh-reference')
    .description('Propose the AWS reference fingerprint (spec/reference-fingerprint.json) from a report of a run against real ECR: every point it answered one way becomes an observed fact. --write applies it.')
    .argument('<report>', 'a conformance.json from run --aws')
    .option('--write', 'rewrite spec/reference-fingerprint.json')
    .option('--allow-non-aws', 'accept a report from another target (for testing the refresh itself)')
    .action((file: string, opts: { write?: boolean; allowNonAws?: boolean }) => {
      const r = refreshReference(loadResult(file), currentReference(), Boolean(opts.allowNonAws));
      for (const c of r.changes) process.stdout.write(`change    ${c}\n`);
      for (const u of r.unchanged) process.stdout.write(`unchanged ${u}\n`);
      if (r.changes.length === 0) process.stdout.write('nothing to change\n');
      else if (opts.write) {
        writeFileSync(`${SPEC_DIR}reference-fingerprint.json`, `${JSON.stringify(r.spec, null, 2)}\n`);
        process.stdout.write('spec/reference-fingerprint.json rewritten: commit it with the report it came from\n');
      } else process.stdout.write('(dry run: --write applies it)\n');
    });

  program
    .command('merge')
    .description('Join the reports of run --shard 1/N … N/N into the report of the whole run, and render every format.')
    .argument('<reports...>', 'the shards\' conformance.json files')
    .option('--report-dir <dir>', 'where the merged reports go', 'reports')
    .option('--format <list>', `formats: ${FORMATS.join(',')}`, FORMATS.join(','))
    .action((files: string[], opts: { reportDir: string; format: string }) => {
      const merged = mergeResults(files.map(loadResult));
      const written = writeReports(opts.reportDir, merged, formatsOf(opts.format), secrets(), process.env['GITHUB_STEP_SUMMARY']);
      process.stdout.write(`${renderTable(merged, renderOptions(process.stdout, process.env))}\nreports: ${written.join(', ')}\n`);
      const v = merged.summary.verdict;
      process.exitCode = exitCodeFor(v);
    });

  program
    .command('matrix')
    .description('Put the reports of many targets on one page (HTML, Markdown, JSON): rules as rows, targets as columns, run verdicts and coverage, fingerprint choices beside the AWS reference, differences found by compare, provenance. Reports with the same --name (a run and a verify of one target) share a column; a compare report goes in the column of its --against-name.')
    .argument('<reports...>', 'conformance.json files written by run or verify, compare.json files written by compare')
    .option('--report-dir <dir>', 'where matrix.html, matrix.md and matrix.json go', 'reports/matrix')
    .option('--notes <file>', 'JSON: per target name, per rule id (or fingerprint:<point>, or * for the target), a one-line explanation shown in the cell')
    .option('--strict', 'exit 1 when a FAIL, DIVERGENT or ERROR has no explanation in --notes')
    .action((files: string[], opts: { reportDir: string; notes?: string; strict?: boolean }) => {
      let notes: MatrixNotes = {};
      if (opts.notes !== undefined) {
        try {
          notes = JSON.parse(readUserFile(opts.notes, 'NOTES', '--notes: ')) as MatrixNotes;
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError(`--notes ${opts.notes}: ${(e as Error).message}`, 'NOTES');
        }
      }
      let m: Matrix;
      try {
        m = buildMatrix(files.map((f) => loadReport(f)), notes);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError((e as Error).message, 'MATRIX');
      }
      const written = writeFiles(opts.reportDir, [['matrix.json', `${JSON.stringify(m, null, 2)}\n`], ['matrix.md', renderMatrixMarkdown(m)], ['matrix.html', renderMatrixHtml(m)]], secrets());
      process.stdout.write(`${m.targets.length} targets, ${m.rules.length} rules: ${written.join(', ')}\n`);
      for (const u of m.unexplained) process.stdout.write(`unexplained: ${inert(u.target)} ${u.rule} ${u.verdict}\n`);
      if (opts.strict && m.unexplained.length > 0) process.exitCode = EXIT.notConformant;
    });
}
