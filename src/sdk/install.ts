// Installs @aws-sdk/client-ecr versions side by side in a cache folder, never touching the project's
// own dependencies. A version may also be a path to a module folder (a local build, a stub).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const PROJECT = resolve(new URL('../../', import.meta.url).pathname);

export interface InstalledSdk {
  /** What the user asked for: a version or a path. */
  label: string;
  /** The folder whose node_modules holds the SDK, or the module folder itself for a path. */
  dir: string;
  kind: 'project' | 'cache' | 'path';
}

export class SdkInstallError extends UserError {
  constructor(message: string) {
    super('SDK_INSTALL', message, 2);
  }
}

/**
 * The version of the SDK this package itself resolves (Node's resolution: hoisted or not, as installed
 * from the npm package or in a clone), read from its package.json file.
 */
function projectVersion(): string | undefined {
  try {
    let dir = dirname(createRequire(join(PROJECT, 'package.json')).resolve('@aws-sdk/client-ecr'));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@aws-sdk/client-ecr') return pkg.version;
    }
  } catch {
    // Not resolvable: the cache serves.
  }
  return undefined;
}

/** Read from the file: some versions do not export their package.json. */
function installedVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', '@aws-sdk', 'client-ecr', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The line of npm's error output that says what went wrong (not where its log is). */
export function npmReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).filter((l) => l && !/complete log|^code E|^A complete/.test(l));
  return lines.find((l) => /No matching version|not found|notarget|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|E404|403|401/i.test(l)) ?? lines[0] ?? 'npm failed';
}

export async function ensureSdk(label: string, cacheDir: string, progress: (line: string) => void): Promise<InstalledSdk> {
  if (label.includes('/') || label.startsWith('.')) {
    const dir = resolve(label);
    if (!existsSync(dir)) throw new SdkInstallError(`no SDK module at ${label}`);
    return { label, dir, kind: 'path' };
  }
  if (!SEMVER.test(label)) throw new SdkInstallError(`'${label}' is not a version (x.y.z) nor a path`);
  if (projectVersion() === label) return { label, dir: PROJECT, kind: 'project' };
  const dir = resolve(cacheDir, label);
  if (installedVersion(dir) === label) {
    progress(`@aws-sdk/client-ecr@${label}: cached in ${dir}`);
    return { label, dir, kind: 'cache' };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `sdk-matrix-${label}`, private: true }, null, 2)}\n`);
  const started = Date.now();
  progress(`@aws-sdk/client-ecr@${label}: installing into ${dir} …`);
  const ticker = setInterval(() => progress(`@aws-sdk/client-ecr@${label}: installing … ${Math.round((Date.now() - started) / 1000)} s`), 5_000);
  try {
    await new Promise<void>((ok, fail) => {
      execFile('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error', `@aws-sdk/client-ecr@${label}`], { cwd: dir, timeout: 600_000 }, (err, _out, stderr) => {
        if (err) fail(new SdkInstallError(`cannot install @aws-sdk/client-ecr@${label}: ${npmReason(stderr || err.message)}`));
        else ok();
      });
    });
  } finally {
    clearInterval(ticker);
  }
  if (installedVersion(dir) !== label) throw new SdkInstallError(`@aws-sdk/client-ecr@${label} did not install in ${dir}`);
  progress(`@aws-sdk/client-ecr@${label}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { label, dir, kind: 'cache' };
}

export interface SdkModule {
  label: string;
  version: string;
  ECRClient: new (config: Record<string, unknown>) => { send(cmd: unknown): Promise<Record<string, unknown>>; destroy(): void };
  BatchCheckLayerAvailabilityCommand: new (input: unknown) => unknown;
  LayerAvailability?: Record<string, string>;
  LayerFailureCode?: Record<string, string>;
}

export function loadSdk(sdk: InstalledSdk): SdkModule {
  const req = createRequire(join(sdk.dir, 'package.json'));
  const mod = (sdk.kind === 'path' ? req(sdk.dir) : req('@aws-sdk/client-ecr')) as Omit<SdkModule, 'label' | 'version'>;
  const version = sdk.kind === 'path'
    ? String((JSON.parse(readFileSync(join(sdk.dir, 'package.json'), 'utf8')) as { version?: string }).version ?? sdk.label)
    : (sdk.kind === 'project' ? projectVersion() : installedVersion(sdk.dir)) ?? sdk.label;
  if (typeof mod.ECRClient !== 'function' || typeof mod.BatchCheckLayerAvailabilityCommand !== 'function') {
    throw new SdkInstallError(`${sdk.label} does not export ECRClient and BatchCheckLayerAvailabilityCommand`);
  }
  return { ...mod, label: sdk.label, version };
}
