import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationSpec, referenceFingerprintSpec, repositoryNamePattern, seedingSpec, SPEC_DIR, specChecksum } from './index.ts';

/** Every object in spec/ that has an `evidence` member, with its path. */
function facts(value: unknown, path = ''): [string, Record<string, unknown>][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => facts(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const own: [string, Record<string, unknown>][] = 'evidence' in obj ? [[path, obj]] : [];
  return [...own, ...Object.entries(obj).flatMap(([k, v]) => facts(v, `${path}.${k}`))];
}

describe('spec/', () => {
  it('every fact names a known source and an evidence level', () => {
    const op = operationSpec();
    const fp = referenceFingerprintSpec();
    const sources = { ...op.sources, ...fp.sources };
    const all = [...facts(op), ...facts(fp)];
    expect(all.length).toBeGreaterThan(40);
    for (const [path, fact] of all) {
      expect(['documented', 'inferred', 'observed'], path).toContain(fact['evidence']);
      expect(Object.keys(sources), `${path} source`).toContain(fact['source']);
    }
  });

  it('keeps the seed example and the ARCHIVED model date', () => {
    const op = operationSpec();
    expect(op.examples[0]!.request.repositoryName).toBe('cluster-autoscaler');
    expect(op.enums.LayerAvailability.find((e) => e.value === 'ARCHIVED')?.model).toBe('2025-11-19');
  });

  it('names the too-small-part refusal among CompleteLayerUpload\'s modelled errors', () => {
    const s = seedingSpec();
    expect(s.operations['CompleteLayerUpload']!.errors).toContain(s.layerPartSize.tooSmall.value);
  });

  it('every throttling code is one the installed SDK retries as a throttle', async () => {
    const { isThrottlingError } = await import('@smithy/core/retry');
    for (const name of operationSpec().errors.throttling.value) expect(isThrottlingError({ name, $metadata: {} } as never), name).toBe(true);
  });

  it('what is left unjudged as an unavailable service is retried first, and a 500 is not among it', () => {
    const { transient, unavailable } = operationSpec().errors;
    for (const s of unavailable.value.statuses) expect(transient.value.statuses).toContain(s);
    for (const t of unavailable.value.types) expect(transient.value.types).toContain(t);
    expect(unavailable.value.statuses).not.toContain(500);
    expect(unavailable.value.types).not.toContain('ServerException');
  });

  it('the two repositoryName patterns differ exactly on __ and runs of -', () => {
    const old = repositoryNamePattern('2015-12-21');
    const current = repositoryNamePattern();
    for (const name of ['a__b', 'a--b', 'a---b']) expect([old.test(name), current.test(name)]).toEqual([false, true]);
    for (const name of ['ab', 'a/b', 'a.b-c_d']) expect([old.test(name), current.test(name)]).toEqual([true, true]);
    for (const name of ['MyRepo', 'a..b', 'a_.b', '-ab', 'ab-', 'a//b']) expect([old.test(name), current.test(name)]).toEqual([false, false]);
  });

  it('the checksum ignores formatting but not content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-'));
    cpSync(SPEC_DIR, dir, { recursive: true });
    const base = specChecksum(`${dir}/`);
    expect(base).toBe(specChecksum());
    const file = join(dir, 'operation.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { quota: { requestsPerSecond: { value: number } } };
    writeFileSync(file, JSON.stringify(parsed));
    expect(specChecksum(`${dir}/`)).toBe(base);
    parsed.quota.requestsPerSecond.value = 200;
    writeFileSync(file, JSON.stringify(parsed, null, 1));
    expect(specChecksum(`${dir}/`)).not.toBe(base);
  });
});
