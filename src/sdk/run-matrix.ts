// sdk-matrix end to end: install each version, replay every cassette through it, build the matrix.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { loadCassette, type Cassette } from './cassette.ts';
import { ensureSdk, loadSdk } from './install.ts';
import { buildMatrix, type Matrix, type VersionRun } from './matrix.ts';
import { replayThrough } from './replay.ts';

export function cassetteFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    try {
      return readdirSync(p).filter((f) => f.endsWith('.cassette.json')).sort().map((f) => join(p, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return [p];
      throw new UsageError(`cannot read cassettes from ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'BAD_CASSETTE');
    }
  });
}

export async function runMatrix(versionLabels: string[], cassettePaths: string[], cacheDir: string, progress: (line: string) => void): Promise<{ matrix: Matrix; cassettes: Cassette[] }> {
  if (versionLabels.length === 0) throw new UsageError('--versions needs at least one version');
  const files = cassetteFiles(cassettePaths);
  if (files.length === 0) throw new UsageError(`no *.cassette.json in ${cassettePaths.join(', ')}`, 'BAD_CASSETTE');
  const cassettes = files.map(loadCassette);
  const interactions = cassettes.flatMap((c) => c.interactions);
  const runs: VersionRun[] = [];
  for (const label of versionLabels) {
    const sdk = loadSdk(await ensureSdk(label, cacheDir, progress));
    progress(`@aws-sdk/client-ecr ${sdk.version}: replaying ${interactions.filter((i) => i.input).length} interactions`);
    runs.push({ label, version: sdk.version, enumValues: Object.values(sdk.LayerAvailability ?? {}).sort(), results: await replayThrough(sdk, interactions) });
  }
  return { matrix: buildMatrix(cassettes, runs), cassettes };
}
