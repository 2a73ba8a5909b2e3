// Hostile targets, each a loopback server that attacks one call the suite makes, against the real
// binary: every run ends within its deadlines, with the exit code it must have, its reports written,
// its memory bounded, and nothing the target sends reaching the terminal raw.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { cli as run, report, tmp, type Ran } from './fixtures/cli.ts';
import { awsError, operationOf, withRepositoryName } from './fixtures/takeover.ts';

const registries: RunningRegistry[] = [];
afterAll(async () => Promise.all(registries.map((r) => r.close())));

/** Runs the binary; samples its resident memory from /proc while it runs. */
const cli = (args: string[], onStart?: (child: ChildProcess) => void): Promise<Ran> => run(args, {}, onStart, { encoding: 'latin1', sampleRss: true });


/** The embedded registry, with one operation taken over by `attack`. */
async function hostile(operation: string, attack: (req: IncomingMessage, res: ServerResponse) => void): Promise<RunningRegistry> {
  const registry = await startRegistry({
    hooks: {
      takeOver: (req, res) => {
        if (operationOf(req) !== operation) return false;
        attack(req, res);
        return true;
      },
    },
  });
  registries.push(registry);
  return registry;
}

const deep = () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

describe.concurrent('hostile answers to setup and cleanup calls', () => {
  it('CreateRepository never answers: exit 3 within the deadline, reports written', async () => {
    const target = await hostile('CreateRepository', (req) => { req.resume(); });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--timeout', '1000', '--report-dir', dir]);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(15_000);
    expect(report(dir).summary.verdict).toBe('UNTESTABLE');
    expect(report(dir).faults[0]!.summary).toMatch(/CreateRepository: no complete answer within the 1000 ms deadline/);
    expect(r.stderr).not.toMatch(/WARN/);
  });

  it('CreateRepository makes the repository but its answer never comes: cleanup removes it all the same', async () => {
    const target: RunningRegistry = await hostile('CreateRepository', (req) => withRepositoryName(req, (name) => { target.store.create(target.store.accountId, name); }));
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--timeout', '1000', '--report-dir', dir]);
    expect(r.code).toBe(3);
    expect(report(dir).faults[0]!.summary).toMatch(/CreateRepository: no complete answer/);
    expect(target.store.list(target.store.accountId).map((x) => x.name)).toEqual([]);
    expect(report(dir).leftovers).toEqual([]);
  });

  it('CreateRepository refused, DeleteRepository too: no leftovers named for repositories that never were', async () => {
    let deletes = 0;
    const registry = await startRegistry({
      hooks: {
        takeOver: (req, res) => {
          const op = operationOf(req);
          if (op !== 'CreateRepository' && op !== 'DeleteRepository') return false;
          if (op === 'DeleteRepository') deletes++;
          req.resume();
          awsError(res, 'AccessDeniedException', 'not allowed');
          return true;
        },
      },
    });
    registries.push(registry);
    const dir = tmp();
    const r = await cli(['run', '--endpoint', registry.endpoint, '--runs', '1', '--report-dir', dir]);
    expect(r.code, r.stderr).toBe(4);
    expect(report(dir).leftovers).toEqual([]);
    expect(deletes).toBe(0);
  });

  it('CreateRepository answers an endless body: exit 3, memory bounded', async () => {
    const target = await hostile('CreateRepository', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => { while (res.write(chunk)) { /* fill */ } };
      res.on('drain', pump);
      pump();
      res.on('close', () => res.removeAllListeners('drain'));
    });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--timeout', '5000', '--report-dir', dir]);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.peakRssMiB).toBeLessThan(512);
    expect(report(dir).faults[0]!.summary).toMatch(/CreateRepository: the response body exceeded \d+ bytes/);
  });

  it('CreateRepository answers a gzip bomb: exit 3, nothing binary on the terminal', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const target = await hostile('CreateRepository', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--report-dir', dir]);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/not JSON .*Content-Encoding gzip/);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\xff]/);
  });

  it('DeleteRepository never answers: the reports exist, the leftovers are named with the command that deletes them', async () => {
    const target = await hostile('DeleteRepository', (req) => { req.resume(); });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--timeout', '700', '--rules', 'framing.*', '--report-dir', dir]);
    expect(r.ms).toBeLessThan(30_000);
    const doc = report(dir);
    expect(doc.leftovers.length).toBeGreaterThan(0);
    for (const name of target.store.list(target.store.accountId).map((x) => x.name)) {
      expect(doc.leftovers.join('\n')).toContain(name);
      expect(r.stderr).toContain(`aws ecr delete-repository --force --repository-name ${name} --endpoint-url ${target.endpoint}`);
    }
  });

  it('DeleteRepository fails: the leftovers are named in every format and on stderr', async () => {
    const target = await hostile('DeleteRepository', (req, res) => {
      req.resume();
      awsError(res, 'AccessDeniedException', 'not allowed to delete');
    });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--rules', 'framing.*', '--report-dir', dir]);
    const left = target.store.list(target.store.accountId).map((x) => x.name);
    expect(left.length).toBeGreaterThan(0);
    for (const file of ['conformance.json', 'report.html', 'summary.md', 'junit.xml']) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const name of left) expect(text, file).toContain(name);
    }
    for (const name of left) {
      expect(r.stdout).toContain(name);
      expect(r.stderr).toContain(`--repository-name ${name}`);
    }
  });

  it('a 429 with Retry-After: 3600 is honoured only up to the cap, and --max-time cuts the wait', async () => {
    const target = await hostile('BatchCheckLayerAvailability', (req, res) => {
      req.resume();
      res.writeHead(429, { 'content-type': 'application/x-amz-json-1.1', 'retry-after': '3600', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--max-time', '3', '--report-dir', dir]);
    expect(r.ms).toBeLessThan(12_000);
    expect(r.code).toBe(3);
    expect(report(dir).faults[0]!.summary).toMatch(/429 ThrottlingException/);
  });
});

describe.concurrent('hostile answers to the operation under test', () => {
  it('answers nested 100,000 deep are faults, never a crash of a rule', async () => {
    const target = await startRegistry({
      hooks: { answer: (a, op) => (op === 'BatchCheckLayerAvailability' && a.status === 200 && a.body.toString().includes('"failures":[{') ? { ...a, body: deep() } : a) },
    });
    registries.push(target);
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--report-dir', dir]);
    expect([3, 4]).toContain(r.code);
    const doc = report(dir);
    expect(doc.rules.map((x) => x.message).join('\n')).not.toMatch(/rule itself failed|Maximum call stack/);
    expect(doc.faults.map((f) => f.summary).join('\n')).toMatch(/nested deeper than 64 levels/);
  });

  it('one 7 MiB string in an answer: a small report, bounded memory and time', async () => {
    const huge = 'x'.repeat(7 * 1024 * 1024);
    const target = await startRegistry({
      hooks: { answer: (a, op) => (op === 'BatchCheckLayerAvailability' && a.status === 200 ? { ...a, body: JSON.stringify({ layers: [], failures: [{ layerDigest: huge, failureCode: 'InvalidLayerDigest', failureReason: 'x' }] }) } : a) },
    });
    registries.push(target);
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--timeout', '5000', '--report-dir', dir]);
    expect([3, 4]).toContain(r.code);
    expect(r.ms).toBeLessThan(60_000);
    expect(r.peakRssMiB).toBeLessThan(512);
    expect(statSync(join(dir, 'conformance.json')).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('terminal escapes in error messages stay inert on the terminal and in Markdown', async () => {
    const evil = '\x1b]0;pwned\x07\x1b[2J\r\nCONFORMANT: 48 PASS\u202e';
    const target = await startRegistry({
      hooks: { answer: (a, op) => (op === 'BatchCheckLayerAvailability' && a.status === 400 ? { ...a, body: JSON.stringify({ __type: 'InvalidParameterException', message: evil }) } : a) },
    });
    registries.push(target);
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--report-dir', dir]);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/[\x07\x1b\r]|\u202e/);
    expect(r.stdout).not.toMatch(/^CONFORMANT: 48 PASS/m);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\x07\x1b\r]|\u202e/);
    expect(md).not.toMatch(/^CONFORMANT/m);
  });

  it('--rps leaves no listener behind per wait', async () => {
    const target = await startRegistry();
    registries.push(target);
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--rps', '2000', '--report-dir', tmp()]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
  });
});

describe('Ctrl-C', () => {
  it('twice, 2 ms apart: exits at once and names every repository that may be left', async () => {
    const target = await startRegistry();
    registries.push(target);
    const dir = tmp();
    const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '100000', '--concurrency', '2', '--report-dir', dir], (child) => {
      const poll = setInterval(() => {
        if (target.store.list(target.store.accountId).length >= 5) {
          clearInterval(poll);
          setTimeout(() => { child.kill('SIGINT'); setTimeout(() => child.kill('SIGINT'), 2); }, 200);
        }
      }, 20);
    });
    expect(r.code).toBe(130);
    const left = target.store.list(target.store.accountId).map((x) => x.name);
    for (const name of left) expect(r.stderr).toContain(name);
  });

  it('acts within a second even while a call hangs', async () => {
    let hanging = false;
    const target = await hostile('CreateRepository', (req) => { hanging = true; req.resume(); });
    const dir = tmp();
    let sent = 0;
    const r = await cli(['run', '--endpoint', target.endpoint, '--timeout', '60000', '--report-dir', dir], (child) => {
      // Ctrl-C once the call is in flight (the binary may take a while to start on a loaded machine).
      const poll = setInterval(() => {
        if (!hanging) return;
        clearInterval(poll);
        setTimeout(() => { sent = Date.now(); child.kill('SIGINT'); }, 300);
      }, 20);
    });
    expect(Date.now() - sent).toBeLessThan(3_000);
    expect(r.code).toBe(130);
    expect(existsSync(join(dir, 'conformance.json'))).toBe(true);
  });
});
