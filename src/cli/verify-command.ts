// `ecr-conformance verify`: the Pact contracts against any endpoint (the embedded registry by default).
import { secrets } from './secrets.ts';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { exitCodeFor, readUserFile, TargetError, UsageError } from '../errors.ts';
import { type ContentTypeProxy, startContentTypeProxy } from '../pact/content-type-proxy.ts';
import { probeOperation } from '../run/setup.ts';
import { brokerFromEnv, publishPacts, versionFromEnv } from '../pact/broker.ts';
import { EXAMPLE_PACT_FILE, PACT_FILE } from '../pact/interactions.ts';
import { verificationResult } from '../pact/result.ts';
import type { verifyPacts } from '../pact/verify.ts';
import { ensureWritable, FORMATS, parseFormats, writeReports } from '../report/write.ts';
import { versions } from '../run/versions.ts';
import { Target } from '../target/target.ts';
import { renderOptions, renderTable } from './render.ts';
import { positiveInt, prepareTarget, resolveTarget, startEmbeddedIfNeeded } from './target-flags.ts';
import { inert } from '../report/text.ts';

const CONTRACTS = fileURLToPath(new URL('../../contracts/pact/', import.meta.url));

interface VerifyFlags { endpoint?: string; aws?: boolean; region?: string; pact: string[]; timeout: number; reportDir: string; format: string; verbose?: boolean; color?: boolean; name?: string }

/** Pact colours its own output; what we show of it is plain text. */
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('Verify the Pact contracts of BatchCheckLayerAvailability against an endpoint (the embedded registry by default). With PACT_BROKER_BASE_URL set, publish the contracts and the verification result to that Pact Broker.')
    .option('--endpoint <url>', 'the endpoint to verify (also AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL)')
    .option('--aws', 'verify real Amazon ECR through the default credential chain')
    .option('--region <region>', 'AWS region (also AWS_REGION, AWS_DEFAULT_REGION)')
    .option('--pact <file...>', 'pact files to verify (default: contracts/pact/, the CLI page example only against the embedded registry)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--timeout <ms>', 'deadline for each request', positiveInt('--timeout'), 10_000)
    .option('--report-dir <dir>', 'where the verification report goes', 'reports/pact')
    .option('--format <list>', `report formats: ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--name <name>', 'what reports and matrix call the target (the same --name as its run puts both in one column)')
    .option('--verbose', 'show Pact\'s own output (on stderr, secrets masked)')
    .option('--no-color', 'no colour on the terminal (also NO_COLOR, and whenever stdout is not a terminal)')
    .action(async (flags: VerifyFlags) => {
      let formats: ReturnType<typeof parseFormats>;
      try {
        formats = parseFormats(flags.format);
      } catch (e) {
        throw new UsageError(`--format: ${(e as Error).message}`);
      }
      for (const file of flags.pact) readUserFile(file, 'BAD_PACT', '--pact: ');
      const resolved = resolveTarget({ ...flags, transport: 'sdk' }, process.env);
      await prepareTarget(resolved);
      ensureWritable(flags.reportDir, '--report-dir');
      const registry = await startEmbeddedIfNeeded(resolved, undefined, { preloadExample: true });
      const files = flags.pact.length > 0 ? flags.pact : [`${CONTRACTS}${PACT_FILE}`, ...(registry ? [`${CONTRACTS}${EXAMPLE_PACT_FILE}`] : [])];
      const broker = brokerFromEnv(process.env);
      const target = new Target(resolved.options);
      const started = Date.now();
      const notes: string[] = [];
      let proxy: ContentTypeProxy | undefined;
      try {
        // The same first request, and the same reading of its answer, as run.
        const probe = await probeOperation(target, 'ecr-conformance-probe-missing');
        if (probe.fault) throw new TargetError(probe.fault);
        if (probe.notImplemented) notes.push(`the target does not implement BatchCheckLayerAvailability (${probe.answer.summary}); the interactions are verified for the record`);
        // Real ECR answers x-amz-json-1.1 and checks the Host it was signed for: no proxy in between.
        if (resolved.kind !== 'aws') proxy = await startContentTypeProxy(target.endpoint, { timeoutMs: flags.timeout, maxBytes: 8 * 1024 * 1024 });
        let brokerOptions: Parameters<typeof verifyPacts>[0]['broker'];
        if (broker) {
          const consumer = versionFromEnv(process.env, versions().suite);
          const provider = versionFromEnv({ ...process.env, PACT_CONSUMER_VERSION: process.env['PACT_PROVIDER_VERSION'], PACT_CONSUMER_BRANCH: process.env['PACT_PROVIDER_BRANCH'] }, versions().suite);
          for (const line of await publishPacts(broker, files, consumer.version, consumer.branch)) notes.push(`published to the Pact Broker: ${line}`);
          brokerOptions = { ...broker, providerVersion: provider.version, ...(provider.branch ? { providerBranch: provider.branch } : {}), ...(consumer.branch ? { consumerBranch: consumer.branch } : {}) };
          notes.push(`verification result published as provider version ${provider.version}${provider.branch ? ` (${provider.branch})` : ''}`);
        }
        // Pact (and its native library) is loaded only by the command that needs it: every other command starts lighter.
        const { verifyPacts: verify } = await import('../pact/verify.ts');
        const verification = await verify({
          providerBaseUrl: proxy?.url ?? target.endpoint, pactFiles: files,
          seeding: { endpoint: target.endpoint, region: resolved.options.region, timeoutMs: flags.timeout, credentials: await target.credentials() },
          ...(flags.verbose ? { onOutput: (text: string) => process.stderr.write(inert(stripAnsi(text)).replace(/\\u000a/g, '\n')) } : {}),
          holdsExample: registry !== undefined, timeoutMs: flags.timeout, ...(brokerOptions ? { broker: brokerOptions } : {}),
        });
        const result = verificationResult(verification, {
          target: { kind: resolved.kind, description: target.description, region: resolved.options.region, transport: 'sdk', ...(flags.name !== undefined ? { name: flags.name } : {}) },
          startedAt: new Date(started).toISOString(), durationMs: Date.now() - started,
          // Ours, the provider states' seeding, and the verifier's: counted by the proxy, or (straight to real ECR) one per interaction.
          requests: { used: target.requestsUsed + (verification.seedingRequests ?? 0) + (proxy?.forwarded ?? verification.interactions.length), budget: 0, throttled: target.throttled, rps: resolved.options.rps }, notes,
          ...(probe.notImplemented ? { notImplemented: probe.notImplemented } : {}),
          ...(proxy ? { contentTypes: { answers: proxy.answers, relabelled: proxy.relabelled } } : {}),
        });
        const written = writeReports(flags.reportDir, result, formats, secrets(), process.env['GITHUB_STEP_SUMMARY']);
        process.stdout.write(`\n${renderTable(result, renderOptions(process.stdout, process.env, flags.color === false))}\nreports: ${written.join(', ')}\n`);
        process.exitCode = exitCodeFor(result.summary.verdict);
      } finally {
        await proxy?.close();
        target.close();
        await registry?.close();
      }
    });
}
