// `ecr-conformance check`: one request with the AWS CLI page's options, its answer in the CLI's
// JSON shape, then the verdict of every rule that applies to it.
import { Option, type Command } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { exitCodeFor, readUserFile, UsageError } from '../errors.ts';
import { decideVerdict, emptyCounts } from '../run/assemble.ts';
import { inert } from '../report/text.ts';
import { catalogue } from '../judge/catalogue.ts';
import { judgeCase } from '../judge/judge.ts';
import { noAnswer, readAnswer } from '../judge/view.ts';
import type { Knowledge } from '../model.ts';
import { operationSpec } from '../spec/index.ts';
import { Target, type TargetOptions } from '../target/target.ts';
import { addTargetFlags, prepareTarget, resolveTarget, startEmbeddedIfNeeded, type TargetFlags } from './target-flags.ts';

interface CheckFlags extends TargetFlags {
  repositoryName?: string;
  layerDigests?: string[];
  registryId?: string;
  cliInputJson?: string;
  cliInputYaml?: string;
  generateCliSkeleton?: string | true;
  present: string[];
}

/** The AWS CLI's skeletons, built from the model's members and enums. */
export function skeleton(kind: string): string {
  const spec = operationSpec();
  if (kind === 'output') {
    const layer = Object.fromEntries(spec.output.layer.members.value.map((m) => [m, m === 'layerSize' ? 0 : m === 'layerAvailability' ? spec.enums.LayerAvailability[0]!.value : '']));
    const failure = Object.fromEntries(spec.output.failure.members.value.map((m) => [m, m === 'failureCode' ? spec.enums.LayerFailureCode[0]!.value : '']));
    return JSON.stringify({ layers: [layer], failures: [failure] }, null, 4);
  }
  const input = { registryId: '', repositoryName: '', layerDigests: [''] };
  return kind === 'yaml-input' ? toYaml(input) : JSON.stringify(input, null, 4);
}

function readInput(value: string, kind: 'json' | 'yaml'): Record<string, unknown> {
  let text = value;
  if (value.startsWith('file://')) text = readUserFile(value.slice('file://'.length), 'USAGE', `--cli-input-${kind}: `);
  let parsed: unknown;
  try {
    parsed = kind === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(`--cli-input-${kind} is not valid ${kind.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--cli-input-${kind} must be an object with repositoryName, layerDigests and optionally registryId`);
  return parsed as Record<string, unknown>;
}

export function registerCheck(program: Command): void {
  addTargetFlags(program.command('check')
    .description('Send one BatchCheckLayerAvailability request, with the AWS CLI\'s options, print the answer as the CLI does and judge it. With no endpoint it asks the embedded registry, preloaded with the CLI page\'s example.'), { single: true })
    .option('--repository-name <name>', 'the repository to check')
    .option('--layer-digests <digest...>', 'the digests to check')
    .option('--registry-id <id>', 'the registry (account id); default: the caller\'s')
    .option('--cli-input-json <json>', 'arguments as JSON (or file://path), as from --generate-cli-skeleton; flags override it')
    .option('--cli-input-yaml <yaml>', 'arguments as YAML (or file://path); flags override it')
    .addOption(new Option('--generate-cli-skeleton [kind]', 'print a skeleton and send nothing: input (default), yaml-input or output').choices(['input', 'yaml-input', 'output']))
    .option('--present <digest[=size]...>', 'digests known to be stored in the repository, so AVAILABLE can be judged', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (flags: CheckFlags) => {
      if (flags.generateCliSkeleton !== undefined) {
        process.stdout.write(`${skeleton(flags.generateCliSkeleton === true ? 'input' : flags.generateCliSkeleton)}\n`);
        return;
      }
      if (flags.cliInputJson !== undefined && flags.cliInputYaml !== undefined) throw new UsageError('--cli-input-json and --cli-input-yaml exclude each other');
      const input: Record<string, unknown> = flags.cliInputJson !== undefined ? readInput(flags.cliInputJson, 'json') : flags.cliInputYaml !== undefined ? readInput(flags.cliInputYaml, 'yaml') : {};
      if (flags.repositoryName !== undefined) input['repositoryName'] = flags.repositoryName;
      if (flags.layerDigests !== undefined) input['layerDigests'] = flags.layerDigests;
      if (flags.registryId !== undefined) input['registryId'] = flags.registryId;
      const missing = ['repositoryName', 'layerDigests'].filter((m) => input[m] === undefined);
      if (missing.length > 0) throw new UsageError(`the following arguments are required: ${missing.map((m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);

      const resolved = resolveTarget(flags, process.env);
      await prepareTarget(resolved);
      const knowledge: Knowledge = { otherAccountId: '000000000000', repositories: {}, missingRepositories: [] };
      const registry = await startEmbeddedIfNeeded(resolved, flags.mutant, { preloadExample: true });
      if (registry) {
        knowledge.accountId = registry.store.accountId;
        for (const repo of registry.store.list(registry.store.accountId)) {
          knowledge.repositories[repo.name] = { layers: Object.fromEntries([...repo.layers].map(([d, l]) => [d, { size: l.size }])), complete: true };
        }
      }
      const name = typeof input['repositoryName'] === 'string' ? input['repositoryName'] : undefined;
      if (name !== undefined && !knowledge.repositories[name] && flags.present.length > 0) {
        knowledge.repositories[name] = { layers: Object.fromEntries(flags.present.map((p) => { const [d, size] = p.split('='); return [d!, size ? { size: Number(size) } : {}]; })), complete: false };
      }
      const target = new Target(resolved.options as TargetOptions);
      try {
        const exchange = await target.send('check', { label: 'only', body: input });
        const answer = readAnswer(exchange);
        if (answer.kind === 'success') process.stdout.write(`${JSON.stringify(answer.json, null, 4)}\n`);
        else if (answer.kind === 'fault') process.stderr.write(`ecr-conformance: ${answer.summary}\n`);
        else process.stderr.write(`An error occurred (${answer.errorType ?? `HTTP ${answer.status}`}) when calling the BatchCheckLayerAvailability operation: ${inert(answer.message ?? exchange.response?.body.slice(0, 200) ?? '')}\n`);
        // The same verdict logic as run: a target that does not implement the operation is NOT_IMPLEMENTED, whatever a rule would say.
        const implemented = answer.kind !== 'not-implemented';
        const findings = implemented ? judgeCase('check', [exchange], knowledge, catalogue()) : [];
        const counts = emptyCounts();
        for (const f of findings) counts[f.verdict]++;
        const verdict = decideVerdict({ implemented, counts, untestable: noAnswer(answer.kind) || answer.kind === 'denied', causes: [] });
        if (implemented) {
          process.stdout.write('\nrules that apply:\n');
          for (const f of findings) process.stdout.write(`  ${f.verdict.padEnd(9)} ${f.ruleId}  ${inert(f.message)}\n`);
          if (findings.length === 0) process.stdout.write('  (none)\n');
        }
        const why = verdict === 'NOT_IMPLEMENTED' ? `: the target does not implement BatchCheckLayerAvailability (${answer.summary})` : verdict === 'UNTESTABLE' ? `: ${answer.summary}` : '';
        process.stdout.write(`\n${verdict}${why}\n`);
        process.exitCode = exitCodeFor(verdict);
      } finally {
        target.close();
        await registry?.close();
      }
    });
}
