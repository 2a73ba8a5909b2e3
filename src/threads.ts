// Starting a worker thread from a module of ours, whether the suite runs from its TypeScript sources
// (tsx registered in the thread first) or from the built JavaScript.
import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * Our threads hold constant-size state (tallies, a registry of small layers), so their heaps are
 * capped: without a cap V8 lets every thread's heap grow as if it had the machine to itself, and a
 * 100,000-case run on two threads passed 500 MiB. The young generation is where a request's short-lived
 * objects die: an explorer's at 8 MiB spent about a fifth more processor time on garbage collection than
 * at 16, which in turn put a 100,000-case run on two workers past 300 MiB; 12 keeps both. The registry's
 * thread allocates little.
 */
export const THREAD_LIMITS = {
  explorer: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 12 },
  registry: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 },
} as const;

export function spawnWorker(module: URL, workerData: unknown, limits: ResourceLimits = THREAD_LIMITS.explorer): Worker {
  if (module.pathname.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); })`, { eval: true, workerData, resourceLimits: limits });
  }
  return new Worker(module, { workerData, resourceLimits: limits });
}

/** The module next to `from` named `name`, with the same extension (.ts from sources, .js when built). */
export const sibling = (from: string, name: string) => new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
