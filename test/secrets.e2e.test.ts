// Secrets never leave: canary credentials from a shared credentials file (not the environment), a
// target that echoes every request header — the signature and the session token included — into its
// answers and a header of its own, and every command run against it. Everything printed and every file
// written is searched for the canaries and for any SigV4 signature.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { CLEAN_ENV, cli as run } from './fixtures/cli.ts';

const CANARY = { accessKeyId: 'AKIACANARYPROFILE001', secret: 'canary-profile-secret-do-not-print', token: 'canary-profile-session-token-do-not-print' };
const home = mkdtempSync(join(tmpdir(), 'ecr-canary-'));
let target: RunningRegistry;
let env: Record<string, string>;
const outputs: { command: string; text: string }[] = [];

async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const r = await run(args, env);
  const out = r.stdout + r.stderr;
  outputs.push({ command: args.join(' '), text: out });
  return { code: r.code, out };
}

/** Every header of the request, as text: what an echoing target sends back. */
const echo = (req: IncomingMessage) => Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('; ');

beforeAll(async () => {
  writeFileSync(join(home, 'credentials'), `[canary]\naws_access_key_id = ${CANARY.accessKeyId}\naws_secret_access_key = ${CANARY.secret}\naws_session_token = ${CANARY.token}\n`);
  writeFileSync(join(home, 'config'), '[profile canary]\nregion = us-east-1\n');
  env = { ...CLEAN_ENV, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_PROFILE: 'canary', AWS_EC2_METADATA_DISABLED: 'true', PACT_DO_NOT_TRACK: 'true' };
  // Every answer of the operation under test carries the request's headers: in a header of its own,
  // and, for requests that list more than one digest, in an error message.
  target = await startRegistry({
    hooks: {
      takeOver: (req, res) => {
        if (!String(req.headers['x-amz-target']).endsWith('.BatchCheckLayerAvailability')) return false;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          const many = /"layerDigests":\[[^\]]*,/.test(body);
          const text = JSON.stringify(many ? { __type: 'InvalidParameterException', message: `you sent ${echo(req)}` } : { layers: [], failures: [] });
          res.writeHead(many ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r', 'x-echo': echo(req).replace(/[^\x20-\x7e]/g, '?') }).end(text);
        });
        return true;
      },
    },
  });
});
afterAll(async () => target.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('canary credentials from a profile, a target that echoes them', () => {
  it('never appear in anything any command prints or writes', async () => {
    const dir = (name: string) => join(home, name);
    const runs = [
      await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--seed', '3', '--report-dir', dir('run')]),
      await cli(['run', '--endpoint', target.endpoint, '--runs', '1', '--seed', '3', '--shard', '1/1', '--report-dir', dir('shard')]),
      await cli(['check', '--endpoint', target.endpoint, '--repository-name', 'ab', '--layer-digests', 'sha256:abc', 'sha256:def']),
      await cli(['verify', '--endpoint', target.endpoint, '--verbose', '--report-dir', dir('verify')]),
      await cli(['record', '--endpoint', target.endpoint, '--runs', '1', '--seed', '3', '--out', dir('cassettes')]),
      await cli(['replay', join(dir('run'), 'conformance.json'), 'validate.accepts-valid', '--report-dir', dir('replay')]),
      await cli(['report', join(dir('run'), 'conformance.json'), '--report-dir', dir('report')]),
      await cli(['merge', join(dir('shard'), 'conformance.json'), '--report-dir', dir('merge')]),
      await cli(['diff', join(dir('run'), 'conformance.json'), join(dir('shard'), 'conformance.json')]),
    ];
    // The commands ran and judged the echo: the echoed headers reached the reports, masked.
    expect(runs[0]!.code).toBe(1);
    const written = filesUnder(home).filter((f) => !/\/(credentials|config)$/.test(f));
    expect(written.length).toBeGreaterThan(20);
    const everything = [...outputs.map((o) => ({ where: `output of ${o.command}`, text: o.text })), ...written.map((f) => ({ where: f, text: readFileSync(f, 'utf8') }))];
    expect(everything.some((e) => e.text.includes('you sent'))).toBe(true);
    expect(everything.some((e) => e.text.includes('Signature=<redacted>'))).toBe(true);
    for (const { where, text } of everything) {
      for (const secret of Object.values(CANARY)) expect(text, where).not.toContain(secret);
      expect(text, where).not.toMatch(/Signature=[0-9a-f]{64}/);
    }
  });
});

describe('what counts as a secret', () => {
  it('masks real-length credentials everywhere, but not an emulator\'s "test" that would garble ordinary words', async () => {
    const { addSecrets, redact, MIN_SECRET_LENGTH } = await import('../src/cli/secrets.ts');
    addSecrets('test', 'wrong', 'a-forty-character-secret-access-key-0001');
    expect(redact('validate.wrong-type passed the test; key a-forty-character-secret-access-key-0001')).toBe('validate.wrong-type passed the test; key <redacted>');
    expect(MIN_SECRET_LENGTH).toBeLessThanOrEqual(20);
  });
});
