// Verifies the Pact contracts against any endpoint with Pact's own verifier. Provider states are set
// up through the same seeding code the judge uses (create the repository, upload the layer) and
// removed afterwards; only what was created here is deleted.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { Verifier } from '@pact-foundation/pact';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createRepository, creationRefused, deleteRepository, uploadLayer } from '../target/seed.ts';
import type { BrokerConfig } from './broker.ts';
import { EXAMPLE_CONSUMER, PACT_CONSUMER, PACT_PROVIDER, STATE } from './interactions.ts';
import { sigv4RequestFilter } from './sign.ts';

export interface VerifyOptions {
  providerBaseUrl: string;
  /** Local pact files; ignored when a broker is given. */
  pactFiles: string[];
  broker?: BrokerConfig & { providerVersion: string; providerBranch?: string; consumerBranch?: string };
  /** Where provider states are set up (CreateRepository, the layer-upload API), and as whom. */
  seeding: { endpoint: string; region: string; timeoutMs: number; credentials: AwsCredentialIdentity };
  /** The embedded registry holds the AWS CLI page example; other targets cannot be given it. */
  holdsExample: boolean;
  timeoutMs: number;
  /** Sees Pact's own output as it comes (verify --verbose); it is captured either way. */
  onOutput?: (text: string) => void;
}

/** What the verifier needs in the process that runs it. */
export interface InProcessOptions extends Omit<VerifyOptions, 'seeding' | 'onOutput'> {
  client: ECRClient;
  credentials: AwsCredentialIdentityProvider;
  region: string;
}

export interface InteractionOutcome {
  pact: string;
  description: string;
  passed: boolean;
  mismatches: string[];
}

export interface Verification {
  passed: boolean;
  interactions: InteractionOutcome[];
  /** The verifier could not run at all (unreachable broker, no pacts): why. */
  error?: string;
  /** Everything Pact printed (from native code, straight to its stdout): shown only when asked. */
  output?: string;
  /** Requests the provider states' seeding sent (in the verifier's process). */
  seedingRequests?: number;
}

const CHILD = new URL(`./verify-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Runs Pact's verifier in a child process: its native code writes to file descriptor 1, which no
 * Node stream can mask or quiet. The parent captures that output (to mask secrets in it and show it
 * only on request) and gets the outcome over IPC.
 */
export function verifyPacts(o: VerifyOptions): Promise<Verification> {
  const { onOutput, ...options } = o;
  // From the sources, the child needs tsx: resolved from here, not from the working directory, so
  // that verify works wherever it is run.
  const loader = CHILD.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...loader, fileURLToPath(CHILD)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, PACT_DO_NOT_TRACK: 'true' } });
    // Only the end is kept: it holds the last words of a verifier that died.
    let output = '';
    const take = (text: string) => {
      output = (output + text).slice(-OUTPUT_KEPT);
      onOutput?.(text);
    };
    const streams = [child.stdout!, child.stderr!].map((stream) => {
      const lines = lineBuffer(take);
      stream.on('data', (c: Buffer) => lines.push(c));
      return lines;
    });
    let result: Verification | undefined;
    child.on('message', (m) => { result = m as Verification; });
    child.on('error', reject);
    // 'close', not 'exit': the child's last output may still be in the pipes when it exits.
    child.on('close', (code) => {
      for (const lines of streams) lines.end();
      if (result) resolve({ ...result, output });
      else resolve({ passed: false, interactions: [], error: `the Pact verifier process ended with exit code ${code}: ${output.trim().split('\n').pop() ?? ''}`, output });
    });
    child.send(options);
  });
}

/** How much of the verifier's output is kept for the report of a verifier that died. */
const OUTPUT_KEPT = 64 * 1024;
/** A line longer than this is handed on in pieces, so that no output can fill memory. */
export const MAX_LINE = 1024 * 1024;

/**
 * Hands a stream's text on in whole lines, decoded as UTF-8 across chunk boundaries: a pipe read can
 * end in the middle of a character or of a credential, and masking sees each written piece alone, so
 * a secret cut in two would be shown as two unmasked halves.
 */
export function lineBuffer(emit: (text: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  return {
    push(chunk) {
      const text = partial + decoder.write(chunk);
      const end = text.lastIndexOf('\n') + 1;
      partial = text.slice(end);
      if (end > 0) emit(text.slice(0, end));
      if (partial.length > MAX_LINE) {
        emit(partial);
        partial = '';
      }
    },
    end() {
      const rest = partial + decoder.end();
      partial = '';
      if (rest !== '') emit(rest);
    },
  };
}

type Params = Record<string, unknown> | undefined;
const param = (p: unknown, key: string) => String((p as Params)?.[key] ?? '');

/** The provider states, set up and torn down through the seeding client (exported for its tests). */
export function stateHandlers(o: Pick<InProcessOptions, 'client' | 'holdsExample'>) {
  const created = new Set<string>();
  const exists = async (name: string) => {
    try {
      await o.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'RepositoryNotFoundException') return false;
      throw e;
    }
  };
  return {
    [STATE.repository]: {
      setup: async (p?: unknown) => {
        const name = param(p, 'repositoryName');
        try {
          await createRepository(o.client, { repositoryName: name });
          created.add(name);
        } catch (e) {
          if ((e as Error).name === 'RepositoryAlreadyExistsException') return {};
          // Unanswered (a deadline, a reset, a 5xx): it may exist all the same, so teardown tries.
          if (!creationRefused(e)) created.add(name);
          throw new Error(`cannot create repository ${name} on the target: ${(e as Error).name}: ${(e as Error).message}`);
        }
        return {};
      },
      teardown: async (p?: unknown) => {
        const name = param(p, 'repositoryName');
        if (!created.delete(name)) return {};
        try {
          await deleteRepository(o.client, { repositoryName: name });
        } catch (e) {
          if ((e as Error).name !== 'RepositoryNotFoundException') throw e;
        }
        return {};
      },
    },
    [STATE.layer]: async (p?: unknown) => {
      try {
        const r = await uploadLayer(o.client, { repositoryName: param(p, 'repositoryName') }, Buffer.from(param(p, 'content')));
        if (r.disagreements.length > 0) throw new Error(`the layer-upload API's answers disagree with the upload: ${r.disagreements[0]}`);
      } catch (e) {
        if ((e as Error).name !== 'LayerAlreadyExistsException') throw new Error(`cannot store the layer through the layer-upload API: ${(e as Error).name}: ${(e as Error).message}`);
      }
      return {};
    },
    [STATE.noRepository]: async (p?: unknown) => {
      const name = param(p, 'repositoryName');
      if (await exists(name)) throw new Error(`repository ${name} exists on the target, and this interaction needs it absent; the suite deletes only what it created`);
      return {};
    },
    [STATE.example]: async () => {
      if (!o.holdsExample) throw new Error('this interaction needs the AWS CLI page example layer, whose bytes are not public: only a registry that holds it (the embedded one) can verify it');
      return {};
    },
  };
}

/** Reads the verifier's JSON summary (resolved on success, in the error message on failure). */
function readSummary(pact: string, text: string): InteractionOutcome[] | undefined {
  let doc: { interactionResults?: { description: string; result: string }[]; errors?: { interaction: string; mismatch?: { mismatches?: { path?: string; mismatch?: string; type?: string }[]; message?: string } }[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return undefined;
  }
  const errors = doc.errors ?? [];
  return (doc.interactionResults ?? []).map((r) => {
    const mine = errors.filter((e) => e.interaction.endsWith(` - ${r.description}`) || e.interaction === r.description);
    // The status first: it says most about a target that does not implement the operation.
    const rank = (type?: string) => (type === 'StatusMismatch' ? 0 : type === 'HeaderMismatch' ? 1 : 2);
    const mismatches = mine.flatMap((e) => [...(e.mismatch?.mismatches ?? [])].sort((a, b) => rank(a.type) - rank(b.type))
      .map((m) => `${m.path ? `${m.path}: ` : ''}${m.mismatch ?? m.type ?? ''}`)
      .concat(e.mismatch?.mismatches ? [] : [e.mismatch?.message ?? 'failed']));
    return { pact, description: r.description, passed: r.result === 'OK', mismatches };
  });
}

export async function verifyInProcess(o: InProcessOptions): Promise<Verification> {
  const sources: { name: string; options: Record<string, unknown> }[] = o.broker
    ? [{
      name: `${o.broker.url} (pacts for ${PACT_PROVIDER})`,
      options: {
        pactBrokerUrl: o.broker.url,
        ...(o.broker.token ? { pactBrokerToken: o.broker.token } : {}),
        ...(o.broker.username ? { pactBrokerUsername: o.broker.username, pactBrokerPassword: o.broker.password ?? '' } : {}),
        consumerVersionSelectors: [PACT_CONSUMER, ...(o.holdsExample ? [EXAMPLE_CONSUMER] : [])].map((consumer) => ({ consumer, ...(o.broker!.consumerBranch ? { branch: o.broker!.consumerBranch } : { latest: true }) })),
        publishVerificationResult: true,
        providerVersion: o.broker.providerVersion,
        ...(o.broker.providerBranch ? { providerVersionBranch: o.broker.providerBranch } : {}),
      },
    }]
    : o.pactFiles.map((file) => ({ name: basename(file), options: { pactUrls: [file] } }));
  const interactions: InteractionOutcome[] = [];
  let error: string | undefined;
  for (const source of sources) {
    const verifier = new Verifier({
      provider: PACT_PROVIDER,
      providerBaseUrl: o.providerBaseUrl,
      logLevel: 'error',
      timeout: o.timeoutMs,
      changeOrigin: true,
      stateHandlers: stateHandlers(o),
      requestFilter: sigv4RequestFilter(o.providerBaseUrl, o.region, o.credentials),
      ...source.options,
    } as unknown as ConstructorParameters<typeof Verifier>[0]);
    let text: string;
    try {
      text = String(await verifier.verifyProvider());
    } catch (e) {
      text = (e as Error).message;
    }
    const outcomes = readSummary(source.name, text);
    if (outcomes === undefined || outcomes.length === 0) error = `${source.name}: ${text.split('\n')[0]!.slice(0, 300)}`;
    else interactions.push(...outcomes);
  }
  return { passed: error === undefined && interactions.every((i) => i.passed), interactions, ...(error !== undefined ? { error } : {}) };
}
