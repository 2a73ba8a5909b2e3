// The real binary: `serve --preload-example` answers the seed page's call as documented and stops cleanly.
import { BatchCheckLayerAvailabilityCommand } from '@aws-sdk/client-ecr';
import { startRegistry } from '../src/registry/server.ts';
import { describe, expect, it } from 'vitest';
import { operationSpec } from '../src/spec/index.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { cli, serve } from './fixtures/cli.ts';

describe('ecr-conformance serve', () => {
  it('prints its endpoint, answers the documented call verbatim, stops on SIGTERM with exit 0', async () => {
    const { endpoint, stop } = await serve(['--preload-example']);
    const example = operationSpec().examples[0]!;
    const client = makeEcrClient({ endpoint });
    const out = await client.send(new BatchCheckLayerAvailabilityCommand(example.request));
    client.destroy();
    expect({ layers: out.layers, failures: out.failures }).toEqual(example.response);
    expect((await stop()).code).toBe(0);
  });

  it('rejects a bad port with one line and exit 2', async () => {
    const r = await cli(['serve', '--port', 'seventy']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/--port must be an integer/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a port in use and a host that does not resolve: one line each, exit 2', async () => {
    const taken = await startRegistry();
    try {
      const inUse = await cli(['serve', '--port', new URL(taken.endpoint).port]);
      expect(inUse.code).toBe(2);
      expect(inUse.stderr.trim()).toBe(`ecr-conformance: cannot listen on 127.0.0.1:${new URL(taken.endpoint).port}: EADDRINUSE`);
      const nowhere = await cli(['serve', '--host', 'no-such-host.invalid']);
      expect(nowhere.code).toBe(2);
      expect(nowhere.stderr.trim()).toMatch(/^ecr-conformance: cannot listen on no-such-host\.invalid:0: (ENOTFOUND|EAI_AGAIN)$/);
    } finally {
      await taken.close();
    }
  });
});
