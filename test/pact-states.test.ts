// The provider states `verify` sets up on the target: a repository whose CreateRepository answer never
// came may exist all the same, so teardown deletes it; one the target refused is not deleted (it never was).
import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATE } from '../src/pact/interactions.ts';
import { stateHandlers } from '../src/pact/verify.ts';
import { startRegistry } from '../src/registry/server.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { awsError, operationOf, withRepositoryName } from './fixtures/takeover.ts';

const NAME = 'ecr-conformance-pact/state';

/** The embedded registry with CreateRepository taken over; counts DeleteRepository calls. */
async function registryWith(create: (req: IncomingMessage, res: ServerResponse, name: string) => void) {
  const seen = { deletes: 0 };
  const registry = await startRegistry({
    hooks: {
      takeOver: (req, res) => {
        if (operationOf(req) === 'DeleteRepository') seen.deletes++;
        if (operationOf(req) !== 'CreateRepository') return false;
        withRepositoryName(req, (name) => create(req, res, name));
        return true;
      },
    },
  });
  return { registry, seen, state: stateHandlers({ client: makeEcrClient({ endpoint: registry.endpoint, timeoutMs: 400 }), holdsExample: false })[STATE.repository] };
}

describe('verify\'s repository state', () => {
  it('deletes at teardown a repository whose CreateRepository made it but never answered', async () => {
    const { registry, seen, state } = await registryWith((_req, _res, name) => { registry.store.create(registry.store.accountId, name); });
    try {
      await expect(state.setup({ repositoryName: NAME })).rejects.toThrow(/cannot create repository/);
      expect(registry.store.list(registry.store.accountId).map((r) => r.name)).toEqual([NAME]);
      await state.teardown({ repositoryName: NAME });
      expect(seen.deletes).toBe(1);
      expect(registry.store.list(registry.store.accountId)).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it('does not delete what the target refused to create', async () => {
    const { registry, seen, state } = await registryWith((_req, res) => {
      awsError(res, 'AccessDeniedException', 'not allowed');
    });
    try {
      await expect(state.setup({ repositoryName: NAME })).rejects.toThrow(/AccessDeniedException/);
      await state.teardown({ repositoryName: NAME });
      expect(seen.deletes).toBe(0);
    } finally {
      await registry.close();
    }
  });
});
