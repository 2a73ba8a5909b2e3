// `run --dry-run`: what a run would do against a target, sending it nothing. The same run, with the
// same options and seed, is played against an in-process embedded registry that answers as the AWS
// reference does; every request it receives is counted. A target that answers otherwise makes a run
// that differs (a missing repository ends the setup early; throttles add retries), so the plan is
// what a conformant target costs.
import { startRegistry } from '../registry/server.ts';
import { DUMMY_CREDENTIALS } from '../target/client.ts';
import { run, type RunOptions } from './runner.ts';
import { OWN_REPOSITORY } from './setup.ts';

export interface Plan {
  /** Requests by operation, in the order first sent. */
  requests: Record<string, number>;
  total: number;
  /** Repositories the run creates (the run id as <run>: a real run draws its own). */
  repositories: string[];
  /** Layer bytes uploaded with UploadLayerPart. */
  bytesUploaded: number;
  cases: number;
  seed: number;
  /** Seconds at the configured rate; undefined without one (as fast as the target answers). */
  seconds?: number;
  /** What would cut the run short, if anything. */
  cut: string[];
}

export async function planRun(o: RunOptions): Promise<Plan> {
  const requests: Record<string, number> = {};
  const repositories: string[] = [];
  let bytesUploaded = 0;
  const registry = await startRegistry({
    ...(o.accountId ? { accountId: o.accountId } : {}),
    onRequest: (operation, body) => {
      requests[operation] = (requests[operation] ?? 0) + 1;
      let parsed: Record<string, unknown> = {};
      try { parsed = JSON.parse(body) as Record<string, unknown>; } catch { /* counted, nothing more */ }
      if (operation === 'CreateRepository' && typeof parsed['repositoryName'] === 'string') {
        const name = parsed['repositoryName'].replace(/^(ecr-conformance-)[0-9a-f]{8}/, '$1<run>');
        if (OWN_REPOSITORY.test(parsed['repositoryName']) && !repositories.includes(name)) repositories.push(name);
      }
      if (operation === 'UploadLayerPart' && typeof parsed['layerPartBlob'] === 'string') bytesUploaded += Buffer.from(parsed['layerPartBlob'], 'base64').length;
    },
  });
  try {
    if (o.repository !== undefined) {
      // Read-only mode checks an existing repository: the stand-in has it, with the declared layers.
      const repo = registry.store.create(registry.store.accountId, o.repository)!;
      for (const p of o.present ?? []) registry.store.putLayer(repo, p.digest, { size: p.size ?? 1, mediaType: null }, 0);
    }
    const { signal: _s, ledger: _l, beforeCleanup: _b, onProgress: _p, onExchange: _e, durationMs: _soak, ...rest } = o;
    const { deadline: _d, ...target } = o.target;
    const result = await run({ ...rest, target: { ...target, endpoint: registry.endpoint, credentials: DUMMY_CREDENTIALS, rps: 0, maxRequests: 0 }, maxTimeMs: 0 });
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    const cut: string[] = [];
    const seconds = o.target.rps > 0 ? total / o.target.rps : undefined;
    if (o.durationMs) cut.push(`soak (--duration): this is one round; more rounds of about ${total} requests each follow until ${Math.round(o.durationMs / 1000)} s have passed`);
    if (o.target.maxRequests > 0 && total > o.target.maxRequests) cut.push(`the request budget (--max-requests ${o.target.maxRequests}) ends the run after ${o.target.maxRequests} of about ${total} requests: expect INCOMPLETE`);
    if (o.maxTimeMs && seconds !== undefined && seconds * 1000 > o.maxTimeMs) cut.push(`the time budget (--max-time ${o.maxTimeMs / 1000}) ends the run after ${o.maxTimeMs / 1000} of about ${Math.ceil(seconds)} s: expect INCOMPLETE`);
    return { requests, total, repositories, bytesUploaded, cases: result.summary.cases, seed: o.seed, ...(seconds !== undefined ? { seconds } : {}), cut };
  } finally {
    await registry.close();
  }
}
