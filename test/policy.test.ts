// The least-privilege policy allows exactly what a run and a cleanup do: the embedded registry
// enforces it as IAM would (serve --policy) and reports every authorization; every one must be
// allowed (no fewer), and every action on every resource the policy names must have been needed (no
// more). Both for a full run with --aws semantics and for read-only mode.
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicy, wildcard, type Authorization, type IamPolicy } from '../src/registry/iam.ts';
import { startRegistry } from '../src/registry/server.ts';
import { deleteLeftovers, findLeftovers } from '../src/run/cleanup.ts';
import { leastPrivilegePolicy } from '../src/run/policy.ts';
import { run } from '../src/run/runner.ts';
import { creationTags } from '../src/run/setup.ts';
import { makeEcrClient } from '../src/target/client.ts';

const CREDS = { accessKeyId: 'AKIAPOLICYTEST000001', secretAccessKey: 'policy-test-secret-access-key-000001' };

/** Runs the suite (and a cleanup of one leftover) under `policy`; returns every authorization decided. */
async function underPolicy(policy: IamPolicy, o: { repository?: string } = {}) {
  const seen: (Authorization & { operation: string; allowed: boolean })[] = [];
  const registry = await startRegistry({ policy, onAuthorize: (a) => seen.push(a) });
  const client = makeEcrClient({ endpoint: registry.endpoint, credentials: CREDS });
  try {
    if (o.repository) {
      // The repository a read-only run checks exists already; its creation is not the run's.
      registry.store.create(registry.store.accountId, o.repository);
    }
    const result = await run({
      kind: 'aws', seed: 11, runs: 60, ...(o.repository ? { repository: o.repository } : {}),
      target: { aws: true, endpoint: registry.endpoint, region: 'us-east-1', credentials: CREDS, timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 8, transport: 'sdk' },
    });
    if (!o.repository) {
      // A leftover of a run killed before its cleanup, found and deleted by `cleanup --yes`.
      await client.send(new CreateRepositoryCommand({ repositoryName: 'ecr-conformance-0badc0de/primary', tags: creationTags('0badc0de', new Date(0)) }));
      const found = await findLeftovers(client, { olderThanMs: 60_000 });
      expect(found.leftovers.map((l) => l.name)).toEqual(['ecr-conformance-0badc0de/primary']);
      expect(await deleteLeftovers(client, found.leftovers)).toEqual([]);
    }
    return { seen, result, left: registry.store.list(registry.store.accountId).map((r) => r.name) };
  } finally {
    client.destroy();
    await registry.close();
  }
}

/** Every (action, resource pattern) pair the policy allows. */
function grants(policy: IamPolicy): { action: string; resource: string }[] {
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  return policy.Statement.flatMap((s) => list(s.Action).flatMap((action) => list(s.Resource).map((resource) => ({ action, resource }))));
}

describe('ecr-conformance policy', () => {
  for (const mode of ['full', 'read-only'] as const) {
    it(`${mode}: allows every authorization a run needs, and needs every grant it makes`, async () => {
      const repository = mode === 'read-only' ? 'team/app' : undefined;
      const policy = parsePolicy(leastPrivilegePolicy(repository ? { repository } : {}));
      const { seen, result, left } = await underPolicy(policy, repository ? { repository } : {});
      expect(seen.filter((a) => !a.allowed).map((a) => `${a.action} ${a.resource}`)).toEqual([]);
      // No fewer: the run had what it needed.
      expect(result.summary.counts.FAIL).toBe(0);
      expect(result.summary.counts.ERROR).toBe(0);
      if (mode === 'full') {
        expect(result.summary.verdict).toBe('CONFORMANT');
        expect(left).toEqual([]);
      } else {
        expect(seen.every((a) => a.action === 'ecr:BatchCheckLayerAvailability')).toBe(true);
        expect(left).toEqual(['team/app']);
      }
      // No more: every grant was used.
      const unused = grants(policy).filter((g) => !seen.some((a) => wildcard(g.action, a.action, true) && wildcard(g.resource, a.resource)));
      expect(unused).toEqual([]);
    });
  }

  it('without one grant, the run is refused what it needs (the evaluator is not a rubber stamp)', async () => {
    const full = leastPrivilegePolicy();
    const narrowed: IamPolicy = { ...full, Statement: full.Statement.map((s) => s.Sid === 'CheckLayers' ? { ...s, Resource: (s.Resource as string[]).filter((r) => !r.endsWith('/?')) } : s) };
    const { seen } = await underPolicy(narrowed);
    expect(seen.some((a) => !a.allowed && a.action === 'ecr:BatchCheckLayerAvailability' && /repository\/.$/.test(a.resource))).toBe(true);
  });

  it('the evaluator: an explicit Deny wins, wildcards match as IAM\'s do, conditions are refused', () => {
    const p = parsePolicy({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'ecr:*', Resource: 'arn:aws:ecr:*:*:repository/app-*' },
      { Effect: 'Deny', Action: 'ecr:DeleteRepository', Resource: '*' },
    ] });
    const at = (action: string, name: string) => evaluate(p, { action, resource: `arn:aws:ecr:us-east-1:123456789012:repository/${name}` }).allowed;
    expect(at('ecr:BatchCheckLayerAvailability', 'app-1/nested')).toBe(true);
    expect(at('ECR:batchchecklayeravailability', 'app-1')).toBe(true);
    expect(at('ecr:BatchCheckLayerAvailability', 'other')).toBe(false);
    expect(at('ecr:DeleteRepository', 'app-1')).toBe(false);
    expect(wildcard('repository/?', 'repository/ab')).toBe(false);
    expect(() => parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] })).toThrow(/Condition is not evaluated/);
    expect(() => parsePolicy({ Statement: [] })).toThrow(/Version/);
  });
});
