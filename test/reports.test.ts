// The renderers, diff and merge, on results of real runs against the reference registry and a mutant.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTANTS, mutantOptions } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { renderBadgeJson, renderBadgeSvg } from '../src/report/badge.ts';
import { diffResults } from '../src/report/diff.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJunit } from '../src/report/junit.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { mergeResults } from '../src/report/merge.ts';
import { FORMATS, writeReports } from '../src/report/write.ts';
import type { RunResult } from '../src/run/result.ts';
import { run, type RunOptions } from '../src/run/runner.ts';

const CANARY = { accessKeyId: 'AKIACANARYREPORTS001', secretAccessKey: 'canary-secret-in-reports', sessionToken: 'canary-session-token-reports' };
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// CI installs chromium and xmllint (.ci/run); elsewhere these tests say why they did not run.
const needs = (cmd: string) => {
  const skip = !has(cmd) && !process.env['CI'];
  if (skip) console.warn(`skipping the tests that need ${cmd}: it is not installed (apt-get install ${cmd === 'xmllint' ? 'libxml2-utils' : cmd}); CI installs it`);
  return skip;
};
const REPORTS = fileURLToPath(new URL('../reports/', import.meta.url));

const registries: RunningRegistry[] = [];
async function runOn(mutantId: string | undefined, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  const m = MUTANTS.find((x) => x.id === mutantId);
  const registry = await startRegistry(mutantOptions(m));
  registries.push(registry);
  return run({
    kind: 'embedded', seed: 11, runs: 20, shrinkTimeMs: 60_000,
    target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk', credentials: CANARY, description: mutantId ? `mutant ${mutantId}` : 'reference' },
    ...extra,
  });
}

/** Times, versions and checksums out of the way, so that a snapshot only changes when the rendering does. */
function stabilize(r: RunResult): RunResult {
  const s = structuredClone(r);
  Object.assign(s.provenance, { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1234, node: 'v20.x' });
  s.provenance.spec.checksum = 'sha256:<spec>';
  s.provenance.suite.version = '0.0.0';
  return s;
}

let good: RunResult;
let broken: RunResult;
beforeAll(async () => {
  [good, broken] = [await runOn(undefined), await runOn('lowercase-echo')];
});
afterAll(async () => Promise.all(registries.map((r) => r.close())));

describe('JUnit XML', () => {
  it.skipIf(needs('xmllint'))('validates against the JUnit schema CI systems read (xmllint), for a passing and a failing run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    for (const [name, r] of [['good', good], ['broken', broken]] as const) {
      const file = join(dir, `${name}.xml`);
      writeFileSync(file, renderJunit(r));
      execFileSync('xmllint', ['--noout', '--schema', fileURLToPath(new URL('fixtures/junit.xsd', import.meta.url)), file], { stdio: 'pipe' });
    }
  });

  it('has one test case per rule, and each failure carries its counterexample and replay command', () => {
    const text = renderJunit(broken);
    expect(text.match(/<testcase /g)).toHaveLength(broken.rules.length);
    const failures = broken.rules.filter((r) => r.verdict === 'FAIL');
    expect(text.match(/<failure /g)).toHaveLength(failures.length);
    // Run-scope rules (fingerprint.consistent) name the cases that disagree instead of one counterexample.
    for (const f of failures) expect(text).toContain(f.counterexample ? `--replay ${f.counterexample.caseId}` : f.examples![0]!);
    expect(text).toContain('<property name="seed" value="11"/>');
  });
});

describe('Markdown', () => {
  it('matches its snapshot once times are stabilised', async () => {
    await expect(renderMarkdown(stabilize(broken))).toMatchFileSnapshot('__snapshots__/summary.broken.md');
    await expect(renderMarkdown(stabilize(good))).toMatchFileSnapshot('__snapshots__/summary.good.md');
  });
  it('is appended to $GITHUB_STEP_SUMMARY when given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-'));
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    writeReports(dir, broken, ['md'], [], summary);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${renderMarkdown(broken)}\n`);
  });
});

describe('HTML', () => {
  it.skipIf(needs('chromium'))('renders the verdict in headless Chromium with no console error and no network request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(broken));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      expect(await page.textContent('#verdict')).toBe('NOT CONFORMANT');
      expect(await page.textContent('#score')).toMatch(/^\d+\/\d+$/);
      expect(await page.isVisible('text=Where it does not conform')).toBe(true);
      // The pictures: coverage, input classes, outcomes and the fingerprint, each drawn with visible bars.
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => ({
        id: svg.id,
        drawn: [...svg.querySelectorAll('rect.bar')].filter((r) => r.getBoundingClientRect().width > 0 && r.getBoundingClientRect().height > 0).length,
      })));
      expect(charts.map((c) => c.id).sort()).toEqual(['coverage-chart', 'fingerprint-chart', 'input-class-chart', 'outcome-chart']);
      for (const c of charts) expect(c.drawn, c.id).toBeGreaterThan(3);
      expect(errors).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
      mkdirSync(join(REPORTS, 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(REPORTS, 'screenshots', 'report.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });

  it('says, for a rule whose statement has parts, how many checks held over each', () => {
    const present = good.rules.find((r) => r.id === 'classify.present')!;
    expect(present.facets).toEqual([
      { id: 'sent-in-parts', what: 'a layer uploaded in two parts, whose size is their sum', held: expect.any(Number) },
      { id: 'media-type-from-manifest', what: 'a layer an accepted image manifest references, with the media type it gave', held: expect.any(Number) },
    ]);
    expect(present.facets![0]!.held).toBeGreaterThan(0);
    expect(present.facets![1]!.held).toBeGreaterThan(0);
    expect(renderHtml(good)).toMatch(new RegExp(`each part: a layer uploaded in two parts, whose size is their sum ×${present.facets![0]!.held}; a layer an accepted image manifest references, with the media type it gave ×${present.facets![1]!.held}<`));
    const waived = structuredClone(good);
    waived.rules.find((r) => r.id === 'classify.present')!.facets![0]!.notApplicable = 'read-only mode (--repository r)';
    expect(renderHtml(waived)).toContain('a layer uploaded in two parts, whose size is their sum (not applicable: read-only mode (--repository r))');
  });

  it('forbids every request by policy and inlines everything', () => {
    const text = renderHtml(broken);
    expect(text).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(text).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('badge', () => {
  it('states the score as an SVG and a shields endpoint', () => {
    const json = JSON.parse(renderBadgeJson(broken)) as { schemaVersion: number; label: string; message: string; color: string };
    const fails = broken.summary.counts.FAIL;
    expect(json).toMatchObject({ schemaVersion: 1, label: 'ECR BCLA conformance' });
    expect(json.message).toMatch(new RegExp(`^\\d+/${broken.rules.length}$`));
    expect(Number(json.message.split('/')[1]) - Number(json.message.split('/')[0])).toBe(fails);
    expect(renderBadgeSvg(broken)).toContain(`ECR BCLA conformance: ${json.message}`);
    expect(JSON.parse(renderBadgeJson(good)).color).toBe('brightgreen');
  });

  it('of a run --rules narrowed, says how many rules there are and is not bright green', () => {
    const narrowed = structuredClone(good);
    narrowed.rules = narrowed.rules.slice(0, 3);
    narrowed.summary.selected = 3;
    narrowed.summary.catalogue = good.rules.length;
    expect(JSON.parse(renderBadgeJson(narrowed))).toMatchObject({ message: `3/3 of ${good.rules.length} rules`, color: 'yellowgreen' });
    expect(renderBadgeSvg(narrowed)).toContain(`ECR BCLA conformance: 3/3 of ${good.rules.length} rules`);
  });
});

describe('secrets', () => {
  it('a canary credential never appears in any format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-'));
    const files = writeReports(dir, broken, FORMATS);
    expect(files).toHaveLength(6);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of Object.values(CANARY)) expect(text, file).not.toContain(secret);
    }
    expect(readFileSync(join(dir, 'conformance.json'), 'utf8')).toContain('Credential=<redacted>');
  });
});

describe('diff', () => {
  it('finds the planted regression, and the fix the other way round', () => {
    const failing = broken.rules.filter((r) => r.verdict === 'FAIL').map((r) => r.id).sort();
    expect(failing.length).toBeGreaterThan(0);
    const d = diffResults(good, broken);
    expect(d.regressed.map((x) => x.id).sort()).toEqual(failing);
    expect(d.fixed).toEqual([]);
    expect(diffResults(broken, good).fixed.map((x) => x.id).sort()).toEqual(failing);
    expect(diffResults(good, good)).toEqual({ regressed: [], fixed: [], changed: [], fingerprint: [], warnings: [] });
    const older = structuredClone(good);
    delete older.provenance.suite.generator;
    expect(diffResults(older, good).warnings).toEqual([`different cases: the same seed, but case generator 1 vs ${good.provenance.suite.generator}`]);
  });
});

describe('merge', () => {
  it('three shards merge into what the unsharded run with the same seed finds', async () => {
    const shards = [];
    for (const index of [1, 2, 3]) shards.push(await runOn('first-only', { shard: { index, count: 3 } }));
    const whole = await runOn('first-only');
    const merged = mergeResults(shards);
    const essence = (r: RunResult) => ({
      summary: r.summary, fingerprint: r.fingerprint, coverage: r.coverage,
      // firstDetection counts the requests one process had sent, ms the time its exchanges took: a shard's are its own.
      rules: r.rules.map(({ firstDetection: _, ms: __, ...x }) => ({ ...x, counterexample: x.counterexample && { ...x.counterexample, exchanges: x.counterexample.exchanges.map((e) => e.request.body) } })),
    });
    expect(essence(merged)).toEqual(essence(whole));
    expect(merged.summary.verdict).toBe('NOT_CONFORMANT');
    expect(shards.map((s) => s.summary.cases).reduce((a, b) => a + b)).toBe(whole.summary.cases);
  });

  it('refuses reports that are not shards of one run', () => {
    expect(() => mergeResults([good, broken])).toThrow(/shard/);
  });

  it('refuses shards whose cases came from different generators (the same seed made other cases)', async () => {
    const shards = [await runOn('first-only', { shard: { index: 1, count: 2 } }), await runOn('first-only', { shard: { index: 2, count: 2 } })];
    expect(() => mergeResults(shards)).not.toThrow();
    const older = structuredClone(shards[1]!);
    delete older.provenance.suite.generator;
    expect(() => mergeResults([shards[0]!, older])).toThrow(/case generators/);
  });
});

describe('refresh-reference', () => {
  it('turns what real ECR answered one way into observed facts, and refuses a report from a fake', async () => {
    const { refreshReference, currentReference } = await import('../src/report/refresh.ts');
    const fromMoto = await runOn('absent-as-missing-failure');
    expect(() => refreshReference(fromMoto, currentReference())).toThrow(/not real ECR/);
    const asIfAws = structuredClone(fromMoto);
    asIfAws.provenance.target = { ...asIfAws.provenance.target, kind: 'aws', description: 'AWS ECR us-east-1' };
    const r = refreshReference(asIfAws, currentReference());
    expect(r.spec.points['absent']).toMatchObject({ reference: 'missing-failure', evidence: 'observed', confidence: 'high' });
    expect(r.changes.find((c) => c.startsWith('absent:'))).toMatch(/unavailable-layer \(inferred, medium\) → missing-failure/);
    expect(Object.keys(r.spec.sources)).toContain(r.spec.points['absent']!.source);
    expect(r.spec.points['duplicates']!.reference).toBe('echo-each');
  });
});
