// The matrix from fixture reports: the embedded registry, two mutants of it, and a Pact verification
// of one of them sharing its column by name. What is broken shows in its cell; what nobody explained
// is listed (and fails --strict); target text stays inert in every format. A compare report adds a
// row, in the column of the side that was compared.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verificationResult } from '../src/pact/result.ts';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry } from '../src/registry/server.ts';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from '../src/report/matrix.ts';
import { compare, type CompareResult, type Side } from '../src/run/compare.ts';
import type { RunResult } from '../src/run/result.ts';
import { run } from '../src/run/runner.ts';
import { cli } from './fixtures/cli.ts';

async function runAgainst(name: string, mutantId?: string): Promise<RunResult> {
  const registry = await startRegistry(mutantId ? mutantOptions(MUTANTS.find((m) => m.id === mutantId)) : {});
  try {
    return await run({ kind: 'endpoint', seed: 5, runs: 10, name, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'raw' } });
  } finally {
    await registry.close();
  }
}

let reference: RunResult;
let noPattern: RunResult;
let emptyList: RunResult;
let pact: RunResult;
let differing: CompareResult;
let alike: CompareResult;
const dir = mkdtempSync(join(tmpdir(), 'ecr-conformance-matrix-'));

beforeAll(async () => {
  [reference, noPattern, emptyList] = await Promise.all([runAgainst('reference'), runAgainst('lax <b>names</b>', 'no-repository-name-pattern'), runAgainst('empty lists', 'accept-empty-list')]);
  pact = verificationResult(
    { passed: false, interactions: [{ description: 'an empty digest list', pact: 'ecr.json', passed: false, mismatches: ['expected 400 but was 200'] }, { description: 'a stored layer', pact: 'ecr.json', passed: true, mismatches: [] }] },
    { target: { ...emptyList.provenance.target }, startedAt: new Date(0).toISOString(), durationMs: 1, requests: emptyList.provenance.requests, notes: [] },
  );
  // The reference compared with the registry that accepts empty lists, and with a second reference.
  const registries = await Promise.all([startRegistry({}), startRegistry(mutantOptions(MUTANTS.find((m) => m.id === 'accept-empty-list'))), startRegistry({})]);
  const side = (name: string, endpoint: string): Side => ({ name, kind: 'endpoint', target: { endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' } });
  try {
    differing = await compare({ a: side('reference', registries[0].endpoint), b: side('empty lists', registries[1].endpoint), seed: 5, runs: 10, shrink: false });
    alike = await compare({ a: side('reference', registries[0].endpoint), b: side('another reference', registries[2].endpoint), seed: 5, runs: 10, shrink: false });
  } finally {
    await Promise.all(registries.map((r) => r.close()));
  }
  for (const [file, r] of [['reference', reference], ['lax', noPattern], ['empty', emptyList], ['pact', pact], ['compare', differing]] as const) writeFileSync(join(dir, `${file}.json`), JSON.stringify(r));
}, 90_000);

describe('buildMatrix', () => {
  it('one column per target name, a run and its verification side by side, each broken rule in its cell', () => {
    const m = buildMatrix([reference, noPattern, emptyList, pact]);
    expect(m.targets.map((t) => t.name)).toEqual(['reference', 'lax <b>names</b>', 'empty lists']);
    expect(m.targets[2]!.runs.map((r) => [r.checks, r.verdict])).toEqual([['properties', 'NOT_CONFORMANT'], ['pact', 'NOT_CONFORMANT']]);
    expect(m.targets[0]!.runs[0]).toMatchObject({ verdict: 'CONFORMANT', seed: 5 });
    const cell = (rule: string, target: string) => m.rules.find((r) => r.id === rule)!.cells[target]!;
    expect(cell('validate.repository-name-pattern', 'reference').verdict).toBe('PASS');
    expect(cell('validate.repository-name-pattern', 'lax <b>names</b>').verdict).toBe('FAIL');
    expect(cell('validate.empty-list', 'empty lists').verdict).toBe('FAIL');
    expect(cell('pact.an-empty-digest-list', 'empty lists')).toMatchObject({ verdict: 'FAIL', message: 'expected 400 but was 200' });
    expect(m.rules.find((r) => r.id === 'pact.an-empty-digest-list')!.cells['reference']).toBeUndefined();
    const model = m.fingerprint.find((p) => p.point === 'repository-name-model')!;
    expect(model.reference).toBe('2026-02-25');
    expect(Object.keys(model.cells['lax <b>names</b>']!.choices)).not.toContain('2026-02-25');
    expect(m.unexplained.map((u) => `${u.target} ${u.rule}`)).toEqual(expect.arrayContaining(['empty lists validate.empty-list', 'empty lists pact.an-empty-digest-list', 'lax <b>names</b> validate.repository-name-pattern']));
    expect(m.unexplained.some((u) => u.target === 'reference')).toBe(false);
  });

  it('notes explain cells and leave nothing unexplained; two runs under one name are refused', () => {
    const m = buildMatrix([reference, emptyList, pact], { 'empty lists': { '*': 'a mutant', 'validate.empty-list': 'accepts []', 'pact.an-empty-digest-list': 'accepts []' } });
    expect(m.unexplained).toEqual([]);
    expect(m.targets[1]!.note).toBe('a mutant');
    expect(m.rules.find((r) => r.id === 'validate.empty-list')!.cells['empty lists']!.note).toBe('accepts []');
    expect(() => buildMatrix([reference, reference])).toThrow(/two run reports name the target 'reference'/);
  });

  it('a compare report is a row in the column of the side compared: its kinds of difference, the commonest first; a second one for that side is refused', () => {
    expect(differing.verdict).toBe('DIFFERENT');
    expect(alike.verdict).toBe('SAME');
    const m = buildMatrix([reference, emptyList, differing, alike]);
    expect(m.targets.map((t) => t.name)).toEqual(['reference', 'empty lists', 'another reference']);
    const c = m.targets[1]!.compare!;
    expect(c).toMatchObject({ against: 'reference', verdict: 'DIFFERENT', seed: 5, cases: differing.cases, compared: differing.compared, same: differing.same });
    expect(c.differences.map((d) => d.signature).sort()).toEqual(differing.differences.map((d) => d.signature).sort());
    expect(c.differences.map((d) => d.count)).toEqual([...c.differences.map((d) => d.count)].sort((a, b) => b - a));
    expect(m.targets[2]!.runs).toEqual([]);
    expect(m.targets[2]!.compare).toMatchObject({ verdict: 'SAME', differences: [] });
    expect(m.targets[0]!.compare).toBeUndefined();
    const md = renderMatrixMarkdown(m);
    const kinds = `${c.differences.length} kind${c.differences.length === 1 ? '' : 's'}`;
    expect(md).toContain(`| **differences (compare)** | — | DIFFERENT from reference: ${kinds} of difference in ${c.compared - c.same} of ${c.compared} cases compared | SAME from reference: 0 kinds of difference in 0 of ${alike.compared} cases compared |`);
    expect(md).toMatch(/^\| empty lists \| compare \(with reference\) \| 5 \| /m);
    const page = renderMatrixHtml(m);
    expect(page).toContain('<th>differences (compare)</th>');
    expect(page).toContain(c.differences[0]!.caseId);
    expect(() => buildMatrix([differing, differing])).toThrow(/two compare reports name the target 'empty lists'/);
    // Without a compare report there is no such row.
    expect(renderMatrixMarkdown(buildMatrix([reference]))).not.toContain('differences (compare)');
  });

  it('renders Markdown and self-contained HTML, with target text escaped', () => {
    const m = buildMatrix([reference, noPattern]);
    const md = renderMatrixMarkdown(m);
    expect(md).toMatch(/^\| `validate\.repository-name-pattern` \| PASS \| FAIL \|$/m);
    expect(md).toMatch(/^\| `repository-name-model` \(2026-02-25, documented, high\) \| 2026-02-25 \| /m);
    const page = renderMatrixHtml(m);
    expect(page).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(page).toContain('lax &lt;b&gt;names&lt;/b&gt;');
    expect(page).not.toContain('<b>names</b>');
    expect(page).toMatch(/<td title="[^"]*"><span class="pill" style="background:#cf222e">FAIL<\/span>/);
  });
});

describe('ecr-conformance matrix', () => {
  it('writes the three files; --strict fails on what the notes do not explain; bad notes are one line', async () => {
    const files = ['reference', 'lax', 'empty', 'pact'].map((f) => join(dir, `${f}.json`));
    const out = join(dir, 'matrix');
    const r = await cli(['matrix', ...files, '--report-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^3 targets, \d+ rules: /);
    expect(JSON.parse(readFileSync(join(out, 'matrix.json'), 'utf8'))).toMatchObject({ schema: 'ecr-conformance/matrix@1' });
    expect(readFileSync(join(out, 'matrix.md'), 'utf8')).toMatch(/## Not yet explained/);
    expect((await cli(['matrix', ...files, '--report-dir', out, '--strict'])).code).toBe(1);
    const notes = join(dir, 'notes.json');
    writeFileSync(notes, JSON.stringify({ 'lax <b>names</b>': Object.fromEntries(noPattern.rules.filter((x) => x.verdict === 'FAIL' || x.verdict === 'DIVERGENT').map((x) => [x.id, 'no pattern'])), 'empty lists': Object.fromEntries([...emptyList.rules, ...pact.rules].filter((x) => x.verdict === 'FAIL' || x.verdict === 'DIVERGENT').map((x) => [x.id, 'accepts []'])) }));
    expect((await cli(['matrix', ...files, '--report-dir', out, '--strict', '--notes', notes])).code).toBe(0);
    writeFileSync(notes, '{ not json');
    const bad = await cli(['matrix', ...files, '--report-dir', out, '--notes', notes]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('takes compare.json files beside conformance.json; anything else is refused in one line', async () => {
    const out = join(dir, 'with-compare');
    const r = await cli(['matrix', join(dir, 'reference.json'), join(dir, 'empty.json'), join(dir, 'compare.json'), '--report-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'matrix.md'), 'utf8')).toContain('| **differences (compare)** | — | DIFFERENT from reference: ');
    const bad = await cli(['matrix', join(dir, 'reference.json'), join(out, 'matrix.json'), '--report-dir', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/matrix\.json is not an ecr-conformance report or comparison \(schema "ecr-conformance\/matrix@1", expected ecr-conformance\/run-result@1 or ecr-conformance\/compare@1\)/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
