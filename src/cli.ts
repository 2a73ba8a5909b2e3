// The command line: the only place that reads argv and env and sets the exit code.
import { Command, CommanderError, Option } from 'commander';
import { behaviourChoices, type PointOption, type RegistryBehaviour } from './registry/behaviour.ts';
import { DEFAULT_LIMITS, startRegistry, type RegistryOptions } from './registry/server.ts';
import { OPERATIONS } from './registry/operations.ts';
import { positiveInt } from './cli/target-flags.ts';
import { readUserFile, UsageError, UserError, EXIT } from './errors.ts';
import { parsePolicy } from './registry/iam.ts';
import { registerCheck } from './cli/check-command.ts';
import { registerRun } from './cli/run-command.ts';
import { registerReportCommands } from './cli/report-commands.ts';
import { registerVerify } from './cli/verify-command.ts';
import { registerSdkCommands } from './cli/sdk-commands.ts';
import { registerAwsCommands } from './cli/aws-commands.ts';
import { registerCompare } from './cli/compare-command.ts';
import { catalogue } from './judge/catalogue.ts';
import { MUTANTS, mutant, mutantOptions } from './registry/mutants.ts';
import { rulesMarkdown } from './report/rules-doc.ts';
import { addSecrets, addSecretsFromEnv, redactConsole } from './cli/secrets.ts';
import { versions } from './run/versions.ts';

const program = new Command('ecr-conformance')
  .description('Conformance suite for Amazon ECR BatchCheckLayerAvailability: generates requests, sends them to an endpoint and judges every answer against the documented contract.')
  .version(versions().suite, '--version', 'print the version of ecr-conformance')
  // One line for every usage error, in the same words as ours: what is wrong, and where help is.
  .configureOutput({ outputError: (text, write) => write(`ecr-conformance: ${text.trim().replace(/^error: /, '')} (--help for usage)\n`) })
  .exitOverride();

function behaviourOptions(cmd: Command): Command {
  const choices = behaviourChoices();
  const flags: [PointOption, string, string][] = [
    ['absent', '--absent <choice>', 'how a never-uploaded digest is answered'],
    ['duplicates', '--duplicates <choice>', 'how a repeated digest is answered'],
    ['grey', '--grey <choice>', 'how a non-canonical but pattern-valid digest is answered'],
    ['emptyLists', '--empty-lists <choice>', 'whether empty layers/failures lists are sent'],
    ['emptyDigest', '--empty-digest <choice>', 'how the empty-string digest is answered'],
    ['repositoryNameModel', '--repository-name-model <date>', 'which model\'s repositoryName pattern applies'],
  ];
  for (const [, flag, text] of flags) {
    const key = flags.find((f) => f[1] === flag)![0];
    cmd.addOption(new Option(flag, `${text} (default: the AWS reference)`).choices(choices[key]));
  }
  return cmd;
}

function pickBehaviour(opts: Record<string, unknown>): Partial<RegistryBehaviour> {
  const out: Partial<Record<PointOption, string>> = {};
  for (const key of Object.keys(behaviourChoices()) as PointOption[]) {
    if (typeof opts[key] === 'string') out[key] = opts[key];
  }
  return out as Partial<RegistryBehaviour>;
}

/** A size in bytes, with an optional KiB/MiB/GiB suffix (k, m, g, also KiB, MB …). */
function size(flag: string) {
  return (value: string): number => {
    const m = /^(\d+)\s*(k|m|g)?i?b?$/i.exec(value.trim());
    if (!m || Number(m[1]) < 1) throw new UsageError(`${flag} takes a size like 512m or 2g, got '${value}'`);
    return Number(m[1]) * 1024 ** ({ k: 1, m: 2, g: 3 }[m[2]?.toLowerCase() as 'k' | 'm' | 'g'] ?? 0);
  };
}

function seconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a number of seconds, got '${value}'`);
    return n * 1000;
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got '${value}'`);
  return n;
}

/** serve's stand-in-for-AWS options: signatures, denied operations, a quota. */
function strictness(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): Pick<RegistryOptions, 'requireSigV4' | 'deny' | 'quota' | 'policy'> {
  const out: Pick<RegistryOptions, 'requireSigV4' | 'deny' | 'quota' | 'policy'> = {};
  if (typeof opts['policy'] === 'string') {
    const text = readUserFile(opts['policy'], 'POLICY', '--policy: ');
    try {
      out.policy = parsePolicy(JSON.parse(text));
    } catch (e) {
      throw new UsageError(`--policy ${opts['policy']}: ${(e as Error).message}`, 'POLICY');
    }
  }
  const given = (opts['credential'] as string[] | undefined) ?? [];
  if (given.length > 0 && !opts['requireSigv4']) throw new UsageError('--credential applies with --require-sigv4');
  if (opts['requireSigv4']) {
    const credentials: Record<string, string> = {};
    for (const c of given) {
      const at = c.indexOf(':');
      if (at < 1 || at === c.length - 1) throw new UsageError('--credential takes ACCESS_KEY_ID:SECRET_ACCESS_KEY');
      credentials[c.slice(0, at)] = c.slice(at + 1);
      addSecrets(c.slice(at + 1));
    }
    if (given.length === 0) {
      const id = env['AWS_ACCESS_KEY_ID'];
      const secret = env['AWS_SECRET_ACCESS_KEY'];
      if (!id || !secret) throw new UsageError('--require-sigv4 needs the credentials to accept: --credential KEY:SECRET, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
      credentials[id] = secret;
    }
    out.requireSigV4 = { credentials };
  }
  if (typeof opts['deny'] === 'string') {
    const ops = opts['deny'].split(',').map((x) => x.trim()).filter(Boolean);
    const unknown = ops.filter((x) => !(x in OPERATIONS));
    if (unknown.length > 0 || ops.length === 0) throw new UsageError(`--deny: unknown operation ${unknown.join(', ') || "''"}; one of ${Object.keys(OPERATIONS).join(', ')}`);
    out.deny = ops;
  }
  if (opts['quota'] !== undefined) out.quota = opts['quota'] as number;
  return out;
}

behaviourOptions(
  program
    .command('serve')
    .description('Run the embedded reference registry as a standalone fake ECR endpoint (awsJson1_1) until SIGINT/SIGTERM.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 0)
    .option('--preload-example', 'load the AWS CLI page example: repository cluster-autoscaler with its documented layer')
    .option('--account-id <id>', 'the account id callers are taken to be (the default registryId)', '123456789012')
    .option('--mutant <id>', 'serve a mutant that breaks one behaviour (ecr-conformance mutants lists them)')
    .option('--max-layer-size <size>', `bytes one layer upload may have (LimitExceededException beyond; default ${DEFAULT_LIMITS.maxLayerBytes / 2 ** 20}m)`, size('--max-layer-size'))
    .option('--max-store-size <size>', `bytes all uploads in progress may hold together (default ${DEFAULT_LIMITS.maxStoreBytes / 2 ** 30}g); completed layers keep only their size`, size('--max-store-size'))
    .option('--upload-ttl <seconds>', `an upload untouched this long is dropped (default ${DEFAULT_LIMITS.uploadTtlMs / 1000})`, seconds('--upload-ttl'))
    .option('--request-timeout <seconds>', `a request (headers and body) taking longer is cut off (default ${DEFAULT_LIMITS.requestTimeoutMs / 1000})`, seconds('--request-timeout'))
    .option('--require-sigv4', 'verify every request\'s SigV4 signature as AWS does (bad, unknown, missing or expired: AWS\'s error types and messages)')
    .option('--credential <key:secret>', 'an access key the registry accepts with --require-sigv4; repeatable (default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)', (v: string, all: string[] = []) => [...all, v])
    .option('--deny <operations>', `answer these operations with AccessDeniedException, as a missing IAM permission would (comma-separated; of ${Object.keys(OPERATIONS).join(', ')})`)
    .option('--policy <file>', 'authorize every request against this identity-based IAM policy (JSON; Allow/Deny, Action, Resource with wildcards), as IAM would: e.g. the output of ecr-conformance policy')
    .option('--quota <n>', 'requests per second answered; beyond, ThrottlingException (ECR\'s quota for BatchCheckLayerAvailability is 1,000/s)', positiveInt('--quota')),
).action(async (opts: Record<string, unknown>) => {
  const m = typeof opts['mutant'] === 'string' ? mutant(opts['mutant']) : undefined;
  if (opts['mutant'] !== undefined && !m) throw new UsageError(`unknown mutant '${String(opts['mutant'])}' (ecr-conformance mutants lists them)`);
  const registry = await startRegistry({
    ...strictness(opts, process.env),
    ...mutantOptions(m),
    host: opts['host'] as string,
    port: opts['port'] as number,
    accountId: opts['accountId'] as string,
    preloadExample: Boolean(opts['preloadExample']),
    behaviour: { ...m?.behaviour, ...pickBehaviour(opts) },
    limits: {
      ...(opts['maxLayerSize'] !== undefined ? { maxLayerBytes: opts['maxLayerSize'] as number } : {}),
      ...(opts['maxStoreSize'] !== undefined ? { maxStoreBytes: opts['maxStoreSize'] as number } : {}),
      ...(opts['uploadTtl'] !== undefined ? { uploadTtlMs: opts['uploadTtl'] as number } : {}),
      ...(opts['requestTimeout'] !== undefined ? { requestTimeoutMs: opts['requestTimeout'] as number } : {}),
    },
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      throw new UsageError(`cannot listen on ${String(opts['host'])}:${String(opts['port'])}: ${e.code}`, 'LISTEN');
    }
    throw e;
  });
  process.stdout.write(`ecr-conformance reference registry listening on ${registry.endpoint}\n`);
  process.stdout.write(`  try: AWS_ENDPOINT_URL_ECR=${registry.endpoint} aws ecr batch-check-layer-availability --repository-name cluster-autoscaler --layer-digests sha256:...\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await registry.close();
  process.stdout.write('stopped\n');
});

registerRun(program);
registerCheck(program);
registerReportCommands(program);
registerVerify(program);
registerSdkCommands(program);
registerAwsCommands(program);
registerCompare(program);

program
  .command('rules')
  .description('List the judge\'s rules: id, verdict when broken, evidence, source and statement.')
  .addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
  .action((opts: { format: string }) => {
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(catalogue().map(({ rule: _, ...spec }) => spec), null, 2)}\n`);
    else process.stdout.write(rulesMarkdown());
  });

program
  .command('mutants')
  .description('List the mutants of the reference registry (each breaks one behaviour; use with run --mutant or serve --mutant).')
  .action(() => {
    for (const m of MUTANTS) process.stdout.write(`${m.id.padEnd(32)} ${m.description}\n`);
  });

export async function main(argv: string[]): Promise<number> {
  addSecretsFromEnv(process.env);
  redactConsole();
  // Output piped into a command that stops reading (check | head): stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(Number(process.exitCode ?? 0));
      throw e;
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? EXIT.conformant);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (e instanceof UserError) {
      process.stderr.write(`ecr-conformance: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`ecr-conformance: internal error (a bug, please report it):\n${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
