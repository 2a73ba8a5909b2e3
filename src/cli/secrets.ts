// Secrets never leave the process: every credential the CLI learns of — from the environment, or
// resolved through the default chain (shared config and credentials files, SSO, a process, a
// container endpoint) — is masked in everything it prints and writes, together with every SigV4
// signature and anything shaped like an access key id, also when a target echoes them back.
import { redactText } from '../target/redact.ts';

const known = new Set<string>();
let installed = false;

/**
 * Shorter values are not masked: no real AWS credential is this short (access key ids have 20
 * characters, secret keys 40), while emulators' conventional 'test' or 'dummy' would garble every
 * word containing them ("validate.wrong-type" with a secret of "wrong").
 */
export const MIN_SECRET_LENGTH = 8;

/** Adds secrets to mask from now on. */
export function addSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= MIN_SECRET_LENGTH) known.add(v);
}

/** The credentials the environment holds. */
export function addSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  addSecrets(env['AWS_ACCESS_KEY_ID'], env['AWS_SECRET_ACCESS_KEY'], env['AWS_SESSION_TOKEN']);
}

export const secrets = (): string[] => [...known];
export const redact = (text: string): string => redactText(text, known);

/** Masks everything written to stdout and stderr through Node's streams, once for the whole process. */
export function redactConsole(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? redact(chunk) : Buffer.isBuffer(chunk) ? redact(chunk.toString('utf8')) : chunk, ...rest)) as typeof stream.write;
  }
}
