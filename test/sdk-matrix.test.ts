// Cassettes and the SDK matrix: the committed cassettes are current and hold no secret; two SDK
// versions far apart differ exactly where they are known to; a planted regression is caught.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cassetteText, loadCassette } from '../src/sdk/cassette.ts';
import { violations } from '../src/sdk/matrix.ts';
import { runMatrix } from '../src/sdk/run-matrix.ts';
import { recordDocumented, recordExample, variants } from '../src/sdk/scenarios.ts';
import { BIN } from './fixtures/cli.ts';

const CASSETTES = fileURLToPath(new URL('../contracts/cassettes/', import.meta.url));
const CACHE = fileURLToPath(new URL('../.cache/sdk-matrix', import.meta.url));
const STUB = fileURLToPath(new URL('fixtures/sdk-drops-failures', import.meta.url));
/** Far apart: 3.600.0 predates the ARCHIVED enum value (2025-11-19 model) and the schema-based serde. */
const OLD = '3.600.0';
const PINNED = '3.1169.0';
const quiet = () => {};

describe('cassettes', () => {
  it('are committed in format version 1 and regenerate byte for byte (npm run cassettes)', async () => {
    for (const c of [await recordDocumented(), await recordExample(), variants()]) {
      expect(readFileSync(join(CASSETTES, `${c.name}.cassette.json`), 'utf8'), c.name).toBe(cassetteText(c));
      expect(loadCassette(join(CASSETTES, `${c.name}.cassette.json`)).cassetteVersion).toBe(1);
    }
  });

  it('contain no credential, signature or token', () => {
    for (const f of readdirSync(CASSETTES)) {
      const text = readFileSync(join(CASSETTES, f), 'utf8');
      expect(text, f).not.toMatch(/authorization|Signature=|x-amz-security-token|AKIA[A-Z0-9]{12}|ASIA[A-Z0-9]{12}|secret/i);
    }
  });

  it('cover every documented scenario and the variants clients must survive', () => {
    const ids = readdirSync(CASSETTES).flatMap((f) => loadCassette(join(CASSETTES, f)).interactions.map((i) => i.id));
    for (const id of ['stored-absent-malformed', 'empty-list', 'too-many', 'digest-too-long', 'bad-repository-name', 'bad-registry-id', 'missing-repository', 'cli-example',
      'enum-archived', 'unknown-members', 'error-type-bare', 'error-type-namespaced', 'error-type-uri', 'error-type-header-only', 'empty-lists-omitted', 'layer-size-near-2-53', 'empty-body']) {
      expect(ids).toContain(id);
    }
  });
});

describe('expectations', () => {
  const cassette = variants();
  const rnf = cassette.interactions.find((i) => i.id === 'error-type-namespaced')!;
  const base = { id: rnf.id, request: { body: JSON.stringify(rnf.input), target: 'AmazonEC2ContainerRegistry_V20150921.BatchCheckLayerAvailability', contentType: 'application/x-amz-json-1.1' }, outcome: 'error' as const, status: 400, requestId: rnf.response.headers['x-amzn-requestid']!, message: 'not found' };
  it('hold for a faithful result and break for a wrong class, fault or lost value', () => {
    expect(violations(rnf, { ...base, errorName: 'RepositoryNotFoundException', fault: 'client' })).toEqual([]);
    expect(violations(rnf, { ...base, errorName: 'ECRServiceException', fault: 'client' }).join()).toMatch(/error ECRServiceException/);
    expect(violations(rnf, { ...base, errorName: 'RepositoryNotFoundException', fault: 'server' }).join()).toMatch(/\$fault/);
    const archived = cassette.interactions.find((i) => i.id === 'enum-archived')!;
    const body = JSON.parse(archived.response.body) as { layers: Record<string, unknown>[] };
    const ok = { ...base, id: archived.id, outcome: 'output' as const, status: 200, output: { layers: body.layers, failures: [] } };
    expect(violations(archived, { ...ok, output: { ...ok.output, failures: JSON.parse(archived.response.body).failures } })).toEqual([]);
    expect(violations(archived, { ...ok, output: { layers: [{ ...body.layers[0], layerAvailability: undefined }] } }).join()).toMatch(/lost layers\[0\]\.layerAvailability/);
  });
});

describe('sdk-matrix', () => {
  it(`finds exactly the known differences between ${OLD} and ${PINNED}, and no broken expectation`, async () => {
    const { matrix } = await runMatrix([OLD, PINNED], [CASSETTES], CACHE, quiet);
    expect(matrix.versions.map((v) => v.version)).toEqual([OLD, PINNED]);
    expect(matrix.rows.flatMap((r) => Object.entries(r.violations).filter(([, v]) => v.length > 0))).toEqual([]);
    const differing = matrix.rows.filter((r) => r.differences.length > 0).map((r) => r.id).sort();
    // 3.600.0 keeps members no model has; the current SDK drops them. With header and body naming
    // different errors, 3.600.0 believes the header, the current SDK the body.
    expect(differing).toEqual(['error-header-body-disagree', 'unknown-members']);
    expect(matrix.rows.find((r) => r.id === 'unknown-members')!.differences).toEqual([
      'output: 3.600.0 has layers[0].storageClass="STANDARD", registryId="123456789012", repositoryName="ecr-conformance-cassettes" vs 3.1169.0 has none of these',
    ]);
    expect(matrix.rows.find((r) => r.id === 'error-header-body-disagree')!.differences.join()).toMatch(/errorName: 3\.600\.0 InvalidParameterException vs 3\.1169\.0 RepositoryNotFoundException/);
    expect(matrix.enumValues[OLD]).toEqual(['AVAILABLE', 'UNAVAILABLE']);
    expect(matrix.enumValues[PINNED]).toEqual(['ARCHIVED', 'AVAILABLE', 'UNAVAILABLE']);
  }, 300_000);

  it('catches a planted regression: a "version" that drops failures; the CLI exits 1', async () => {
    const { matrix } = await runMatrix([PINNED, STUB], [CASSETTES], CACHE, quiet);
    const broken = matrix.rows.filter((r) => r.violations[STUB]!.length > 0).map((r) => r.id);
    expect(broken).toContain('stored-absent-malformed');
    expect(broken).toContain('enum-unknown');
    expect(matrix.rows.every((r) => r.violations[PINNED]!.length === 0)).toBe(true);
    expect(matrix.rows.find((r) => r.id === 'stored-absent-malformed')!.violations[STUB]!.join()).toMatch(/lost failures/);

    const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'sdk-matrix', '--versions', `${PINNED},${STUB}`, '--report-dir', dir], { stdio: 'ignore' });
      child.on('exit', resolve);
    });
    expect(code).toBe(1);
    expect(readFileSync(join(dir, 'matrix.md'), 'utf8')).toMatch(/✗ lost failures/);
    expect(JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')).summary.verdict).toBe('NOT_CONFORMANT');
  }, 120_000);
});

describe('record', () => {
  it('records a run as a cassette with no secret, account ids masked on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIACANARYRECORD0001', AWS_SECRET_ACCESS_KEY: 'canary-record-secret' };
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'record', '--out', dir, '--name', 'mine', '--runs', '3', '--seed', '1', '--mask-account-ids'], { env, stdio: 'ignore' });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    const file = join(dir, 'mine.cassette.json');
    const text = readFileSync(file, 'utf8');
    const c = loadCassette(file);
    expect(c.interactions.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/AKIACANARY|canary-record-secret|Signature=|authorization/i);
    expect(text).not.toContain('123456789012');
    expect(text).toContain('000000000000');
    // Replayed through the SDK that recorded it, every interaction keeps its expectations: the largest
    // request (multi-byte digests, more than one chunk on the wire) comes back byte for byte.
    expect(c.interactions.some((i) => i.id.includes('largest-request'))).toBe(true);
    const { matrix } = await runMatrix([PINNED], [dir], CACHE, quiet);
    expect(matrix.rows.flatMap((r) => (r.violations[PINNED]!.length > 0 ? [`${r.id}: ${r.violations[PINNED]!.join()}`] : []))).toEqual([]);
  }, 120_000);
});
