// Seams where a mutant changes one behaviour of the reference registry. The faithful registry uses none.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Repository, StoredLayer } from './store.ts';

export interface Limits {
  minItems: number;
  maxItems: number;
  digestMaxLength: number;
  nameMinLength: number;
  nameMaxLength: number;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface BatchCheckOutput {
  layers?: Record<string, unknown>[];
  failures?: Record<string, unknown>[];
  [extra: string]: unknown;
}

export interface BatchCheckContext {
  digests: string[];
  repository: Repository;
  registryId: string;
  explicitRegistryId: boolean;
  /** How many BatchCheckLayerAvailability calls this registry answered before this one. */
  callIndex: number;
}

export interface RegistryHooks {
  limits?: Partial<Limits>;
  skip?: { repositoryNamePattern?: boolean; registryIdPattern?: boolean; memberTypes?: boolean };
  /** Where a layer is looked up; the default is the repository's own store. */
  lookupLayer?: (repository: Repository, digest: string, all: Repository[]) => StoredLayer | undefined;
  /** Which repository an explicit registryId resolves to. */
  resolveRepository?: (registryId: string, explicit: boolean, name: string, find: (id: string, n: string) => Repository | undefined) => Repository | undefined;
  /** Rewrites the BatchCheckLayerAvailability output before it is serialized. */
  batchCheck?: (output: BatchCheckOutput, context: BatchCheckContext) => BatchCheckOutput;
  /** Rewrites any answer before it is written. */
  answer?: (answer: Answer, operation: string) => Answer;
  /** Takes the raw exchange over (hostile mutants); returns true when it did. */
  takeOver?: (req: IncomingMessage, res: ServerResponse) => boolean;
}
