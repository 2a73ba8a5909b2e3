// Turns flags and the standard AWS environment into target options. Only the CLI reads env.
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { MUTANTS, mutant, mutantOptions } from '../registry/mutants.ts';
import { startRegistry, type RegistryOptions, type RunningRegistry } from '../registry/server.ts';
import { startRegistryThread, type RegistryThread } from '../registry/thread.ts';
import type { TargetOptions } from '../target/target.ts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { resolveAwsEndpoint } from '../target/aws-endpoint.ts';
import { addSecrets } from './secrets.ts';

export interface TargetFlags {
  endpoint?: string;
  aws?: boolean;
  region?: string;
  timeout: number;
  rps?: number;
  maxRequests?: number;
  maxTime?: number;
  settle?: number;
  concurrency?: number;
  transport: 'sdk' | 'raw';
  mutant?: string;
}

export const positiveInt = (name: string, min = 1) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer of at least ${min}, got '${value}'`);
  return n;
};

/** The target flags; a command that sends one request (check) takes no budget or concurrency flags, and rejects them. */
export function addTargetFlags(cmd: Command, o: { single?: boolean } = {}): Command {
  cmd
    .option('--endpoint <url>', 'the ECR endpoint to test (also AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL); none: the embedded reference registry')
    .option('--aws', 'test real Amazon ECR through the default credential chain (rate-limited, with a request budget)')
    .option('--region <region>', 'AWS region (also AWS_REGION, AWS_DEFAULT_REGION)')
    .option('--timeout <ms>', 'deadline for each request', positiveInt('--timeout'), 10_000);
  if (!o.single) {
    cmd
      .option('--rps <n>', 'requests per second across the run (default: none for an endpoint, 10 for --aws; the ECR quota is 1,000/s)', positiveInt('--rps'))
      .option('--max-requests <n>', 'hard budget of HTTP requests, setup included; cleanup may pass it (default: none for an endpoint, 5000 for --aws)', positiveInt('--max-requests'))
      .option('--max-time <seconds>', 'wall-time budget: no new case starts after it, waits are cut (default: none for an endpoint, 900 for --aws)', positiveInt('--max-time'))
      .option('--concurrency <n>', 'requests in flight at once (default 16; 4 for --aws)', positiveInt('--concurrency'))
      .option('--settle <ms>', 'how long a repository may take to show after CreateRepository and to go after DeleteRepository before it counts as missing or as still there (default 1750 for an endpoint, 7500 for --aws)', positiveInt('--settle'));
  }
  return cmd
    .addOption(new Option('--transport <kind>', 'sdk: send through @aws-sdk/client-ecr (raw HTTP only for what it cannot send); raw: signed HTTP for everything').choices(['sdk', 'raw']).default('sdk'))
    .option('--mutant <id>', 'with the embedded registry: run against one of its mutants instead (ecr-conformance mutants lists them)');
}

export interface ResolvedTarget {
  kind: 'embedded' | 'endpoint' | 'aws';
  options: Omit<TargetOptions, 'endpoint'> & { endpoint?: string };
  /** Wall-time budget of a run in ms; 0 for none. */
  maxTimeMs: number;
  /** The region named by flag or environment; with --aws, the profile's region applies without it. */
  explicitRegion?: string;
}

export function resolveTarget(f: TargetFlags, env: NodeJS.ProcessEnv): ResolvedTarget {
  const endpoint = f.endpoint ?? env['AWS_ENDPOINT_URL_ECR'] ?? env['AWS_ENDPOINT_URL'];
  if (f.aws && f.endpoint) throw new UsageError('--aws and --endpoint exclude each other (to send --aws to another endpoint, set AWS_ENDPOINT_URL_ECR)');
  if (f.mutant && (endpoint || f.aws)) throw new UsageError('--mutant applies to the embedded registry only; drop --endpoint/--aws (and AWS_ENDPOINT_URL*)');
  if (endpoint !== undefined && !f.aws) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`'${endpoint}' is not a URL (expected e.g. http://127.0.0.1:4566)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`endpoint ${endpoint}: only http and https are supported`);
  }
  const kind = f.aws ? 'aws' : endpoint !== undefined ? 'endpoint' : 'embedded';
  const explicitRegion = f.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const region = explicitRegion ?? 'us-east-1';
  const realCredentials = Boolean(env['AWS_ACCESS_KEY_ID'] || env['AWS_PROFILE'] || env['AWS_WEB_IDENTITY_TOKEN_FILE'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']);
  const options: ResolvedTarget['options'] = {
    region,
    timeoutMs: f.timeout,
    rps: f.rps ?? (kind === 'aws' ? 10 : 0),
    maxRequests: f.maxRequests ?? (kind === 'aws' ? 5000 : 0),
    concurrency: f.concurrency ?? (kind === 'aws' ? 4 : 16),
    transport: f.transport,
    ...(f.settle !== undefined ? { settleMs: f.settle } : {}),
    ...(kind === 'aws' ? { aws: true } : {}),
    ...(kind === 'endpoint' ? { endpoint: endpoint! } : {}),
    ...(kind !== 'embedded' && realCredentials ? { credentials: 'chain' as const } : {}),
  };
  return { kind, options, maxTimeMs: (f.maxTime ?? (kind === 'aws' ? 900 : 0)) * 1000, ...(explicitRegion !== undefined ? { explicitRegion } : {}) };
}

/**
 * Everything about a target that needs I/O, before anything is sent: for --aws, the region and the
 * endpoint as any AWS client would resolve them (the profile's region, AWS_ENDPOINT_URL_ECR, FIPS and
 * dual-stack settings); then the credentials.
 */
export async function prepareTarget(target: ResolvedTarget, o: { credentials?: boolean } = {}): Promise<void> {
  if (target.kind === 'aws') {
    let where: Awaited<ReturnType<typeof resolveAwsEndpoint>>;
    try {
      where = await resolveAwsEndpoint(target.explicitRegion);
    } catch (e) {
      throw new UsageError(`cannot resolve the ECR endpoint: ${(e as Error).message.split('\n')[0]}`);
    }
    target.options.region = where.region;
    target.options.endpoint = where.endpoint;
    target.options.description = `AWS ECR ${where.region} (${where.endpoint})`;
  }
  if (o.credentials !== false) await resolveCredentials(target);
}

/**
 * Resolves the credentials a target will sign with, once, before anything is sent: their values join
 * the secrets masked everywhere, and a chain that cannot find any is one line, exit 2 — not an ERROR
 * on every rule.
 */
async function resolveCredentials(target: ResolvedTarget): Promise<void> {
  const o = target.options;
  if (o.credentials !== 'chain' && !(o.aws && o.credentials === undefined)) return;
  try {
    const identity = await defaultProvider()();
    addSecrets(identity.accessKeyId, identity.secretAccessKey, identity.sessionToken);
  } catch (e) {
    throw new UsageError(`no AWS credentials: the default chain (environment, shared config and credentials files, SSO, process, container, instance metadata) says: ${(e as Error).message.split('\n')[0]}`, 'NO_CREDENTIALS');
  }
}

/** As startEmbeddedIfNeeded, with the registry in a thread of its own (for run: serving does not compete with exploring). */
export async function startEmbeddedThreadIfNeeded(target: ResolvedTarget, mutantId: string | undefined): Promise<RegistryThread | undefined> {
  if (target.kind !== 'embedded') return undefined;
  if (mutantId && !mutant(mutantId)) throw new UsageError(`unknown mutant '${mutantId}'; one of: ${MUTANTS.map((x) => x.id).join(', ')}`);
  const registry = await startRegistryThread({ ...(mutantId ? { mutant: mutantId } : {}), options: {} });
  target.options.endpoint = registry.endpoint;
  target.options.description = mutantId ? `embedded reference registry, mutant ${mutantId}` : 'embedded reference registry';
  return registry;
}

/**
 * With no endpoint, starts the embedded registry (or the named mutant of it) and points the target at
 * it. Returns the registry to close, or undefined for other targets.
 */
export async function startEmbeddedIfNeeded(target: ResolvedTarget, mutantId: string | undefined, extra: RegistryOptions = {}): Promise<RunningRegistry | undefined> {
  if (target.kind !== 'embedded') return undefined;
  const m = mutantId ? mutant(mutantId) : undefined;
  if (mutantId && !m) throw new UsageError(`unknown mutant '${mutantId}'; one of: ${MUTANTS.map((x) => x.id).join(', ')}`);
  const registry = await startRegistry({ ...extra, ...mutantOptions(m) });
  target.options.endpoint = registry.endpoint;
  target.options.description = mutantId ? `embedded reference registry, mutant ${mutantId}` : 'embedded reference registry';
  return registry;
}
