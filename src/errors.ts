import { readFileSync } from 'node:fs';

// Errors a user can cause: each has a stable code, a one-line message and the exit code it maps to.
// Anything else that reaches the CLI is a bug and prints its stack.

export const EXIT = { conformant: 0, notConformant: 1, usage: 2, untestable: 3, incomplete: 4, interrupted: 130 } as const;

/** The exit code of a verdict, the same for every command that reaches one. */
export function exitCodeFor(verdict: 'CONFORMANT' | 'INCOMPLETE' | 'NOT_CONFORMANT' | 'NOT_IMPLEMENTED' | 'UNTESTABLE', o: { failOnDivergent?: boolean; divergent?: number } = {}): number {
  if (verdict === 'CONFORMANT') return o.failOnDivergent && (o.divergent ?? 0) > 0 ? EXIT.notConformant : EXIT.conformant;
  if (verdict === 'INCOMPLETE') return EXIT.incomplete;
  if (verdict === 'UNTESTABLE') return EXIT.untestable;
  return EXIT.notConformant;
}

export class UserError extends Error {
  constructor(readonly code: string, message: string, readonly exitCode: number) {
    super(message);
  }
}

/** Bad flags, bad files, bad configuration: exit 2. */
export class UsageError extends UserError {
  constructor(message: string, code = 'USAGE') {
    super(code, message, EXIT.usage);
  }
}

/** The target cannot be tested (unreachable, refuses every call): exit 3. */
export class TargetError extends UserError {
  constructor(message: string, code = 'TARGET_UNREACHABLE') {
    super(code, message, EXIT.untestable);
  }
}

/** Reads a file the user named; a missing or unreadable one is a usage error with the reason. */
export function readUserFile(file: string, code: string, prefix = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${prefix}cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, code);
  }
}
