// policy and cleanup: what a platform team needs before and after a run on a real AWS account.
import type { Command } from 'commander';
import { TargetError, UsageError } from '../errors.ts';
import { deleteLeftovers, findLeftovers, parseDuration } from '../run/cleanup.ts';
import { leastPrivilegePolicy } from '../run/policy.ts';
import { Target, type TargetOptions } from '../target/target.ts';
import { inert } from '../report/text.ts';
import { addTargetFlags, prepareTarget, resolveTarget, type TargetFlags } from './target-flags.ts';

interface PolicyFlags { repository?: string; region?: string; accountId?: string; partition: string }
interface CleanupFlags extends TargetFlags { olderThan: string; yes?: boolean }

export function registerAwsCommands(program: Command): void {
  program
    .command('policy')
    .description('Print the least-privilege IAM policy (JSON) a run against real ECR needs: a full run creates, fills and deletes only ecr-conformance-* repositories; with --repository, read-only mode needs BatchCheckLayerAvailability alone.')
    .option('--repository <name>', 'read-only mode: the existing repository the run checks (run --repository)')
    .option('--region <region>', 'limit the policy to one region (default: any)')
    .option('--account-id <id>', 'limit the policy to one account (default: any)')
    .option('--partition <name>', 'the ARN partition (aws, aws-cn, aws-us-gov)', 'aws')
    .action((flags: PolicyFlags) => {
      if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId)) throw new UsageError(`--account-id takes 12 digits, got '${flags.accountId}'`);
      if (!/^aws(-[a-z]+)*$/.test(flags.partition)) throw new UsageError(`--partition '${flags.partition}' is not an AWS partition`);
      const policy = leastPrivilegePolicy({
        partition: flags.partition,
        ...(flags.repository !== undefined ? { repository: flags.repository } : {}),
        ...(flags.region !== undefined ? { region: flags.region } : {}),
        ...(flags.accountId !== undefined ? { accountId: flags.accountId } : {}),
      });
      process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    });

  addTargetFlags(program
    .command('cleanup')
    .description('List the repositories earlier runs left behind (a run killed with kill -9, a cancelled CI job): named ecr-conformance-<run id>, carrying the suite\'s creator tag where the target keeps tags. Deletes them only with --yes; never anything else.'), { single: true })
    .option('--older-than <duration>', 'only repositories created at least this long ago (90s, 30m, 2h, 7d; 0 for all), so that runs in progress are left alone', '1h')
    .option('--yes', 'delete what is listed (default: list only)')
    .action(async (flags: CleanupFlags) => {
      let olderThanMs: number;
      try {
        olderThanMs = parseDuration(flags.olderThan);
      } catch (e) {
        throw new UsageError(`--older-than: ${(e as Error).message}`);
      }
      if (flags.mutant !== undefined) throw new UsageError('--mutant does not apply to cleanup');
      const resolved = resolveTarget(flags, process.env);
      if (resolved.kind === 'embedded') throw new UsageError('cleanup needs a target: --aws, or --endpoint URL (the embedded registry keeps nothing between runs)');
      await prepareTarget(resolved);
      const target = new Target({ ...resolved.options, endpoint: resolved.options.endpoint } as TargetOptions);
      try {
        const client = target.cleanupClient;
        const found = await findLeftovers(client, { olderThanMs }).catch((e: Error) => {
          throw new TargetError(`cannot list the repositories on ${target.description}: ${e.name}: ${inert(e.message.split('\n')[0] ?? '')}`, 'CLEANUP_LIST');
        });
        const where = target.description;
        for (const p of found.passed) process.stdout.write(`left alone: ${inert(p.name)} (${p.why})\n`);
        if (found.leftovers.length === 0) {
          process.stdout.write(`no repositories left by earlier runs on ${where}${olderThanMs > 0 ? ` older than ${flags.olderThan}` : ''}\n`);
          return;
        }
        process.stdout.write(`${found.leftovers.length} repositor${found.leftovers.length === 1 ? 'y' : 'ies'} left by earlier runs on ${where}:\n`);
        for (const l of found.leftovers) {
          process.stdout.write(`  ${inert(l.name)}  created ${l.createdAt?.toISOString() ?? 'at an unknown time'}${l.run ? `, run ${inert(l.run)}` : ''} (found by ${l.by})\n`);
        }
        if (!flags.yes) {
          process.stdout.write('nothing deleted: run again with --yes to delete these\n');
          return;
        }
        const failed = await deleteLeftovers(client, found.leftovers, (name) => process.stdout.write(`deleted ${inert(name)}\n`));
        for (const f of failed) process.stderr.write(`ecr-conformance: could not delete ${inert(f.name)}: ${inert(f.why)}\n`);
        if (failed.length > 0) process.exitCode = 1;
      } finally {
        target.close();
      }
    });
}
