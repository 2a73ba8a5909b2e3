// The --aws code path, end to end, against the embedded registry acting as a strict stand-in for AWS
// (serve --require-sigv4 --deny --quota): the real binary, the default credential chain,
// AWS_ENDPOINT_URL_ECR, and AWS's own answers to a missing permission, a bad signature and a quota.
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { creationTags } from '../src/run/setup.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { cli, report, serve, tmp } from './fixtures/cli.ts';

const KEY = { id: 'AKIASTANDINTEST00001', secret: 'stand-in-secret-access-key-0001' };
const creds = { AWS_ACCESS_KEY_ID: KEY.id, AWS_SECRET_ACCESS_KEY: KEY.secret };

async function against(serveFlags: string[], run: (endpoint: string) => Promise<void>) {
  const registry = await serve(['--require-sigv4', '--credential', `${KEY.id}:${KEY.secret}`, ...serveFlags]);
  try {
    await run(registry.endpoint);
  } finally {
    expect((await registry.stop()).code).toBe(0);
  }
}

describe('run --aws against a strict stand-in for AWS', () => {
  it('signed right and allowed everything: CONFORMANT, nothing left behind', async () => {
    await against([], async (endpoint) => {
      const dir = tmp();
      const r = await cli(['run', '--aws', '--runs', '10', '--rps', '500', '--report-dir', dir], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const result = report(dir);
      expect(result.provenance.target).toMatchObject({ kind: 'aws', description: `AWS ECR us-east-1 (${endpoint})` });
      expect(result.leftovers).toEqual([]);
      expect(JSON.stringify(result)).not.toContain(KEY.secret);
    });
  });

  it('without CreateRepository permission: one line says so, the run judges what it can, INCOMPLETE', async () => {
    await against(['--deny', 'CreateRepository'], async (endpoint) => {
      const dir = tmp();
      const r = await cli(['run', '--aws', '--runs', '10', '--rps', '500', '--report-dir', dir], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code, r.stderr).toBe(4);
      // Said once (the terminal wraps it; joined, it is one sentence).
      const flat = r.stdout.replace(/\n\s+/g, ' ');
      expect(flat.match(/permission/g)).toHaveLength(1);
      expect(flat).toMatch(/no permission to create repositories \(AccessDeniedException on CreateRepository; `ecr-conformance policy` prints what a full run needs\)/);
      const result = report(dir);
      expect(result.summary.verdict).toBe('INCOMPLETE');
      expect(result.summary.counts.FAIL).toBe(0);
      expect(result.summary.counts.ERROR).toBe(0);
      // What needs no repository was judged: validation and framing.
      const pass = result.rules.filter((x) => x.verdict === 'PASS').map((x) => x.id);
      expect(pass).toEqual(expect.arrayContaining(['framing.error-type', 'validate.repository-name-pattern', 'validate.repository-not-found']));
      // The account id came from the denial's ARN, so registryId rules could be judged.
      expect(pass).toContain('validate.registry-id');
    });
  });

  it('a bad signature: one line naming AWS\'s error, exit 3, no reports of a run that never was', async () => {
    await against([], async (endpoint) => {
      const dir = tmp();
      const r = await cli(['run', '--aws', '--runs', '10', '--report-dir', dir], { AWS_ACCESS_KEY_ID: KEY.id, AWS_SECRET_ACCESS_KEY: 'not-the-secret-the-registry-knows', AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('ecr-conformance:'))).toEqual([
        `ecr-conformance: AWS ECR us-east-1 (${endpoint}) refused the credentials: InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.`,
      ]);
      expect(r.stdout + r.stderr).not.toContain('not-the-secret-the-registry-knows');
      // An unknown key, through check: UNTESTABLE, exit 3.
      const c = await cli(['check', '--aws', '--repository-name', 'some/repo', '--layer-digests', `sha256:${'a'.repeat(64)}`], { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: KEY.secret, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(c.code).toBe(3);
      expect(c.stderr).toMatch(/UnrecognizedClientException/);
    });
  });

  it('throttled at the quota: retried, never a FAIL', async () => {
    await against(['--quota', '40'], async (endpoint) => {
      const dir = tmp();
      const r = await cli(['run', '--aws', '--runs', '6', '--rps', '120', '--report-dir', dir], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      const result = report(dir);
      expect(result.provenance.requests.throttled).toBeGreaterThan(0);
      expect(result.summary.counts.FAIL).toBe(0);
      expect(result.summary.counts.ERROR).toBe(0);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout.replace(/\n\s+/g, ' ')).toMatch(/throttled: the run slowed down to [\d.]+ requests\/s at the lowest \(from --rps 120\)/);
      expect(result.provenance.requests.slowestRps).toBeLessThanOrEqual(60);
    });
  });
});

describe('run --dry-run', () => {
  it('prints the plan and sends nothing, needing no credentials', async () => {
    let requests = 0;
    const sink = createServer((_req, res) => { requests++; res.writeHead(500).end(); });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    try {
      const dir = join(tmp(), 'reports');
      const r = await cli(['run', '--aws', '--dry-run', '--seed', '7', '--runs', '20', '--rps', '20', '--max-requests', '50', '--report-dir', dir], { AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code, r.stderr).toBe(0);
      expect(requests).toBe(0);
      expect(existsSync(dir)).toBe(false);
      expect(r.stdout).toMatch(new RegExp(`^plan: a run against AWS ECR us-east-1 \\(${endpoint.replace(/\./g, '\\.')}\\), seed 7\\. Nothing was sent\\.`));
      const count = (op: string) => Number(new RegExp(`^ {4}${op} +(\\d+)\\b`, 'm').exec(r.stdout)?.[1]);
      expect(count('BatchCheckLayerAvailability')).toBeGreaterThan(20);
      expect(count('CreateRepository')).toBeGreaterThan(0);
      expect(count('DeleteRepository')).toBe(count('CreateRepository'));
      expect(count('total')).toBe(['BatchCheckLayerAvailability', 'CreateRepository', 'DescribeRepositories', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload', 'PutImage', 'DeleteRepository'].reduce((a, op) => a + (count(op) || 0), 0));
      expect(r.stdout).toMatch(/^ {4}ecr-conformance-<run>\/primary$/m);
      expect(Number(/bytes it uploads: (\d+)/.exec(r.stdout)?.[1])).toBeGreaterThan(0);
      expect(r.stdout).toMatch(new RegExp(`duration: about ${Math.ceil(count('total') / 20)} s at --rps 20`));
      expect(r.stdout).toMatch(/note: the request budget \(--max-requests 50\) ends the run after 50 of about \d+ requests: expect INCOMPLETE/);
      // The plan is the run: the same seed against the reference sends what the plan counted.
      const real = await serve([]);
      try {
        const out = tmp();
        await cli(['run', '--endpoint', real.endpoint, '--seed', '7', '--runs', '20', '--report-dir', out]);
        const planned = await cli(['run', '--endpoint', real.endpoint, '--seed', '7', '--runs', '20', '--dry-run']);
        expect(Number(/^ {4}total +(\d+)/m.exec(planned.stdout)?.[1]), planned.stdout + planned.stderr).toBe(report(out).provenance.requests.used);
      } finally {
        await real.stop();
      }
    } finally {
      sink.close();
    }
  });
});

describe('ecr-conformance cleanup', () => {
  it('lists what earlier runs left, deletes it only with --yes, and nothing else ever', async () => {
    await against([], async (endpoint) => {
      const client = makeEcrClient({ endpoint, credentials: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
      const old = new Date(Date.now() - 3 * 3600_000);
      const make = (name: string, tags?: { Key: string; Value: string }[]) => client.send(new CreateRepositoryCommand({ repositoryName: name, ...(tags ? { tags } : {}) }));
      await make('ecr-conformance-0123abcd/primary', creationTags('0123abcd', old));
      await make('ecr-conformance-0123abcd/lifecycle', creationTags('0123abcd', old));
      await make('ecr-conformance-fedcba98/primary', creationTags('fedcba98', new Date()));
      await make('ecr-conformance-aaaabbbb/primary');
      await make('ecr-conformance-ccccdddd/app', [{ Key: 'team', Value: 'payments' }]);
      await make('ecr-conformance-pact');
      await make('team/app');
      const env = { ...creds, AWS_ENDPOINT_URL_ECR: endpoint };
      const names = async () => ((await client.send(new DescribeRepositoriesCommand({}))).repositories ?? []).map((r) => r.repositoryName).sort();

      const listed = await cli(['cleanup', '--aws'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/2 repositories left by earlier runs on AWS ECR us-east-1/);
      expect(listed.stdout).toMatch(/^ {2}ecr-conformance-0123abcd\/primary {2}created .*, run 0123abcd \(found by tag\)$/m);
      expect(listed.stdout).toMatch(/left alone: ecr-conformance-fedcba98\/primary \(younger than --older-than/);
      expect(listed.stdout).toMatch(/left alone: ecr-conformance-ccccdddd\/app \(its name is a run's, but its tags are not the suite's\)/);
      expect(listed.stdout).toMatch(/nothing deleted: run again with --yes/);
      expect(await names()).toHaveLength(7);

      const deleted = await cli(['cleanup', '--aws', '--older-than', '0', '--yes'], env);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toMatch(/^deleted ecr-conformance-aaaabbbb\/primary$/m);
      expect(await names()).toEqual(['ecr-conformance-ccccdddd/app', 'ecr-conformance-pact', 'team/app']);
      expect((await cli(['cleanup', '--aws', '--older-than', '0'], env)).stdout).toMatch(/no repositories left by earlier runs/);
      expect(await cli(['cleanup', '--aws', '--older-than', 'soon'], env)).toMatchObject({ code: 2 });
      expect((await cli(['cleanup'], creds)).stderr).toMatch(/cleanup needs a target: --aws, or --endpoint/);
      client.destroy();
    });
  });

  it('without permission to list: one line, exit 3', async () => {
    await against(['--deny', 'DescribeRepositories'], async (endpoint) => {
      const r = await cli(['cleanup', '--aws'], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ecr-conformance: cannot list the repositories on AWS ECR us-east-1 \(http:\/\/127\.0\.0\.1:\d+\): AccessDeniedException: User: .* is not authorized to perform: ecr:DescribeRepositories/);
    });
  });
});

describe('serve --policy', () => {
  it('enforces the printed least-privilege policy: a full run passes under it, a read-only policy refuses creation', async () => {
    const dir = tmp();
    const full = await cli(['policy']);
    const readOnly = await cli(['policy', '--repository', 'team/app']);
    writeFileSync(join(dir, 'full.json'), full.stdout);
    writeFileSync(join(dir, 'read-only.json'), readOnly.stdout);
    await against(['--policy', join(dir, 'full.json')], async (endpoint) => {
      const r = await cli(['run', '--aws', '--runs', '10', '--rps', '500', '--report-dir', join(dir, 'a')], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code, r.stdout).toBe(0);
    });
    await against(['--policy', join(dir, 'read-only.json')], async (endpoint) => {
      const r = await cli(['run', '--aws', '--runs', '10', '--rps', '500', '--report-dir', join(dir, 'b')], { ...creds, AWS_ENDPOINT_URL_ECR: endpoint });
      expect(r.code).toBe(4);
      expect(r.stdout.replace(/\n\s+/g, ' ')).toMatch(/no permission to create repositories/);
    });
    writeFileSync(join(dir, 'conditional.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] }));
    const refused = await cli(['serve', '--policy', join(dir, 'conditional.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^ecr-conformance: --policy .*conditional\.json: statement 1: Condition is not evaluated here/);
  });
});
