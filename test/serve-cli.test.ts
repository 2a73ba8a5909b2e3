// The real binary: `serve --preload-example` answers the seed page's call as documented and stops cleanly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchCheckLayerAvailabilityCommand } from '@aws-sdk/client-ecr';
import { startRegistry } from '../src/registry/server.ts';
import { describe, expect, it } from 'vitest';
import { operationSpec } from '../src/spec/index.ts';
import { makeEcrClient } from '../src/target/client.ts';

const BIN = fileURLToPath(new URL('../bin/ecr-conformance.js', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('ecr-conformance serve', () => {
  it('prints its endpoint, answers the documented call verbatim, stops on SIGTERM with exit 0', async () => {
    const proc = run(['serve', '--preload-example', '--port', '0']);
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(proc.out());
        if (m) { clearInterval(timer); resolve(m[1]!); }
      }, 50);
      void proc.exited.then(() => { clearInterval(timer); reject(new Error(`exited early: ${proc.err()}`)); });
    });
    const example = operationSpec().examples[0]!;
    const client = makeEcrClient({ endpoint });
    const out = await client.send(new BatchCheckLayerAvailabilityCommand(example.request));
    client.destroy();
    expect({ layers: out.layers, failures: out.failures }).toEqual(example.response);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('rejects a bad port with one line and exit 2', async () => {
    const proc = run(['serve', '--port', 'seventy']);
    expect(await proc.exited).toBe(2);
    expect(proc.err().trim().split('\n')[0]).toMatch(/--port must be an integer/);
    expect(proc.err()).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a port in use and a host that does not resolve: one line each, exit 2', async () => {
    const taken = await startRegistry();
    try {
      const inUse = run(['serve', '--port', new URL(taken.endpoint).port]);
      expect(await inUse.exited).toBe(2);
      expect(inUse.err().trim()).toBe(`ecr-conformance: cannot listen on 127.0.0.1:${new URL(taken.endpoint).port}: EADDRINUSE`);
      const nowhere = run(['serve', '--host', 'no-such-host.invalid']);
      expect(await nowhere.exited).toBe(2);
      expect(nowhere.err().trim()).toMatch(/^ecr-conformance: cannot listen on no-such-host\.invalid:0: (ENOTFOUND|EAI_AGAIN)$/);
    } finally {
      await taken.close();
    }
  });
});
