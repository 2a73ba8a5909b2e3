// The import rules of ARCHITECTURE.md, checked: the judge and the reference registry were written
// apart, and must stay apart, or the registry passing proves nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** For each source file, the src/ folders (or files) it imports from. */
const imports = files(SRC).map((file) => {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => relative(SRC, resolve(file, '..', m[1]!)));
  return { file: relative(SRC, file), targets };
});
const from = (prefix: string) => imports.filter((i) => i.file.startsWith(prefix));
const offending = (prefix: string, forbidden: string[]) =>
  from(prefix).flatMap((i) => i.targets.filter((t) => forbidden.some((f) => t.startsWith(f))).map((t) => `${i.file} → ${t}`));

describe('import rules', () => {
  it('sees the imports it checks (so the checks below cannot pass vacuously)', () => {
    expect(from('judge/').flatMap((i) => i.targets)).toContain('spec/index.ts');
    expect(from('registry/').flatMap((i) => i.targets)).toContain('spec/index.ts');
    expect(offending('run/', ['judge/'])).not.toEqual([]);
  });
  it('the judge imports no transport, registry, generator, runner or report', () => {
    expect(offending('judge/', ['target/', 'registry/', 'generate/', 'run/', 'report/', 'cli'])).toEqual([]);
  });
  it('the reference registry imports nothing of the judge, the generators or the targets', () => {
    expect(offending('registry/', ['judge/', 'generate/', 'target/', 'run/', 'report/', 'cli'])).toEqual([]);
  });
  it('generators import no judge, transport or registry', () => {
    expect(offending('generate/', ['judge/', 'target/', 'registry/', 'run/', 'cli'])).toEqual([]);
  });
  it('nothing imports the command line', () => {
    expect(imports.filter((i) => !i.file.startsWith('cli')).flatMap((i) => i.targets.filter((t) => t.startsWith('cli')).map((t) => `${i.file} → ${t}`))).toEqual([]);
  });
  it('only the command line reads process.argv or sets the exit code', () => {
    const bad = files(SRC).filter((f) => !relative(SRC, f).startsWith('cli') && /process\.(argv|exitCode|exit\()/.test(readFileSync(f, 'utf8')));
    expect(bad.map((f) => relative(SRC, f))).toEqual([]);
  });
});
