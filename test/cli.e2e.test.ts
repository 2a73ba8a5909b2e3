// The real binary: argv, environment, exit codes, the report on disk, and what never reaches it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTANTS } from '../src/registry/mutants.ts';
import { startRegistry, type RunningRegistry } from '../src/registry/server.ts';
import { RESULT_SCHEMA, type RunResult } from '../src/run/result.ts';
import { catalogue } from '../src/judge/catalogue.ts';
import { BIN, CLEAN_ENV, cli, report, tmp } from './fixtures/cli.ts';
import { operationSpec, specChecksum } from '../src/spec/index.ts';

const oneLine = (s: string) => s.trim().split('\n');

let registry: RunningRegistry;
beforeAll(async () => { registry = await startRegistry(); });
afterAll(async () => registry.close());

describe.concurrent('ecr-conformance run', () => {
  it('against the embedded registry: exit 0, a table, a versioned report with provenance', async () => {
    const dir = tmp();
    const r = await cli(['run', '--runs', '10', '--seed', '5', '--report-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CONFORMANT: \d+ PASS/m);
    const doc = report(dir);
    expect(doc.schema).toBe(RESULT_SCHEMA);
    expect(doc.provenance).toMatchObject({ seed: 5, runs: 10, node: process.version, spec: { checksum: specChecksum() }, target: { kind: 'embedded', description: 'embedded reference registry' }, sdk: { version: '3.1169.0' } });
    expect(doc.provenance.requests.used).toBeGreaterThan(doc.summary.exchanges);
    expect(doc.rules).toHaveLength(catalogue().length);
  });

  it('against a mutant: exit 1 and a replay command that reproduces the counterexample', async () => {
    const dir = tmp();
    const r = await cli(['run', '--mutant', 'drop-absent', '--runs', '20', '--seed', '3', '--report-dir', dir]);
    expect(r.code).toBe(1);
    const replay = /partition\.complete: npx ecr-conformance (run .*)$/m.exec(r.stdout)?.[1];
    expect(replay).toBeDefined();
    const again = tmp();
    const r2 = await cli([...replay!.split(' '), '--report-dir', again]);
    expect(r2.code).toBe(1);
    const doc = report(again);
    expect(doc.summary.cases).toBe(1);
    expect(doc.rules.map((x) => [x.id, x.verdict])).toEqual([['partition.complete', 'FAIL']]);
    expect(doc.rules[0]!.counterexample!.exchanges[0]!.request.body).toBe(report(dir).rules.find((x) => x.id === 'partition.complete')!.counterexample!.exchanges[0]!.request.body);
    // The command names the case generator its id comes from; under another one it is refused, not run.
    expect(replay).toMatch(/ --generator \d+ --replay /);
    const stale = await cli([...replay!.replace(/--generator \d+/, '--generator 1').split(' '), '--report-dir', tmp()]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/--generator 1: the case id comes from case generator 1, and this build's is \d+/);
  });

  it('a repository that does not exist (--repository): INCOMPLETE, exit 4, the cause named in every format, never a green badge', async () => {
    const dir = tmp();
    const r = await cli(['run', '--repository', 'nosuchrepo', '--runs', '3', '--seed', '5', '--report-dir', dir]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^INCOMPLETE: /m);
    expect(r.stdout).toMatch(/the target lacks repository.*: repository "nosuchrepo" \(--repository\) does not exist on the target/);
    const doc = report(dir);
    expect(doc.summary.verdict).toBe('INCOMPLETE');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/🟡 ECR BatchCheckLayerAvailability conformance: INCOMPLETE[\s\S]*does not exist on the target/);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<property name="incomplete.cause.1" value="[^"]*nosuchrepo/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<h1 id="verdict">INCOMPLETE<\/h1>/);
    const badge = JSON.parse(readFileSync(join(dir, 'badge.json'), 'utf8')) as { message: string; color: string };
    expect(badge).toMatchObject({ color: 'yellow' });
    expect(badge.message).toMatch(new RegExp(`^\\d+/${catalogue().length}, incomplete$`));
  });

  it('--rules narrows what is sent as well as what is judged, and says how many rules were selected', async () => {
    const dir = tmp();
    const r = await cli(['run', '--rules', 'validate.too-many', '--runs', '10', '--seed', '5', '--report-dir', dir]);
    expect(r.code).toBe(0);
    const doc = report(dir);
    expect(doc.coverage.properties.map((p) => p.name)).toEqual(['too-many-by-one', 'too-many']);
    expect(Object.keys(doc.coverage.expectedOutcomes)).toEqual(['InvalidParameterException']);
    expect(r.stdout).toMatch(new RegExp(`1 of ${catalogue().length} rules selected`));
  });

  it('an unknown rule id: one line, exit 2, no report', async () => {
    const dir = tmp();
    const r = await cli(['run', '--rules', 'framing.*,nonsense.rule', '--report-dir', dir]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(['ecr-conformance: unknown rule id or pattern: nonsense.rule (ecr-conformance rules lists them)']);
    expect(existsSync(join(dir, 'conformance.json'))).toBe(false);
  });

  it('an unknown flag: exit 2 without a stack trace', async () => {
    const r = await cli(['run', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--settle takes milliseconds, at least 1, and --help says what it waits for', async () => {
    const bad = await cli(['run', '--settle', '0']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toEqual(['ecr-conformance: --settle must be an integer of at least 1, got \'0\'']);
    const help = await cli(['run', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--settle <ms> how long a repository may take to show after CreateRepository and to go after DeleteRepository/);
  });

  it('an unreachable endpoint: one line, exit 3, no report', async () => {
    const dir = tmp();
    const r = await cli(['run', '--endpoint', 'http://127.0.0.1:9', '--report-dir', dir]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(existsSync(join(dir, 'conformance.json'))).toBe(false);
  });

  it('honours AWS_ENDPOINT_URL_ECR, and no credential reaches the report or the output', async () => {
    const dir = tmp();
    // A broken target, so that the report carries counterexamples with their signed requests.
    const broken = await startRegistry({ hooks: MUTANTS.find((m) => m.id === 'drop-absent')!.hooks! });
    const canary = { AWS_ACCESS_KEY_ID: 'AKIACANARY0000000001', AWS_SECRET_ACCESS_KEY: 'canary-secret-do-not-print', AWS_SESSION_TOKEN: 'canary-session-token-xyz' };
    const r = await cli(['run', '--runs', '5', '--seed', '9', '--report-dir', dir], { AWS_ENDPOINT_URL_ECR: broken.endpoint, ...canary });
    await broken.close();
    expect(r.code).toBe(1);
    const text = readFileSync(join(dir, 'conformance.json'), 'utf8');
    expect(report(dir).provenance.target).toMatchObject({ kind: 'endpoint', description: broken.endpoint });
    for (const secret of Object.values(canary)) {
      expect(text).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(text).toMatch(/Credential=<redacted>/);
  });

  it('stops on SIGINT, removes what it created, exits 130 with a report marked interrupted', async () => {
    const target = await startRegistry();
    const dir = tmp();
    try {
      const r = await cli(['run', '--endpoint', target.endpoint, '--runs', '100000', '--seed', '1', '--concurrency', '2', '--report-dir', dir], {}, (child) => {
        const poll = setInterval(() => {
          if (target.store.list(target.store.accountId).length >= 2) { clearInterval(poll); setTimeout(() => child.kill('SIGINT'), 300); }
        }, 50);
      });
      expect(r.code).toBe(130);
      expect(target.store.list(target.store.accountId)).toEqual([]);
      expect(report(dir).provenance.interrupted).toBe(true);
    } finally {
      await target.close();
    }
  });
});

describe.concurrent('ecr-conformance check', () => {
  const example = operationSpec().examples[0]!;

  it('answers the CLI page example with its documented output, then the rules that apply', async () => {
    const r = await cli(['check', '--repository-name', example.request.repositoryName, '--layer-digests', ...example.request.layerDigests]);
    expect(r.code).toBe(0);
    const [answer] = r.stdout.split('\nrules that apply:\n');
    expect(answer!.trim()).toBe(JSON.stringify(example.response, null, 4));
    expect(r.stdout).toMatch(/PASS\s+classify\.present/);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('judges NOT_IMPLEMENTED as run does, instead of passing rules, against a target that answers an HTML 500', async () => {
    const r = await cli(['check', '--mutant', 'html-500', '--repository-name', 'ab', '--layer-digests', 'sha256:abc']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT_IMPLEMENTED: the target does not implement BatchCheckLayerAvailability \(HTTP 500 with a non-JSON body\)$/m);
    expect(r.stdout).not.toMatch(/PASS/);
  });

  // A load balancer's HTML 503 page was taken for "not implemented" (a 5xx that is not JSON), as moto's HTML 500 rightly is.
  it('a target behind a load balancer that only ever answers 503 is UNTESTABLE, neither judged nor NOT_IMPLEMENTED', async () => {
    for (const [type, body] of [['text/html', '<html><body>503 Service Temporarily Unavailable</body></html>'], ['application/x-amz-json-1.1', '{"__type":"ServiceUnavailable","message":"busy"}']] as const) {
      const registry = await startRegistry({ hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(503, { 'content-type': type }).end(body); return true; } } });
      try {
        const r = await cli(['check', '--endpoint', registry.endpoint, '--repository-name', 'ab', '--layer-digests', `sha256:${'a'.repeat(64)}`]);
        expect(r.code, type).toBe(3);
        expect(r.stdout, type).toMatch(/^UNTESTABLE: HTTP 503/m);
        expect(r.stdout, type).not.toMatch(/\b(PASS|FAIL)\b|NOT_IMPLEMENTED/);
      } finally {
        await registry.close();
      }
    }
  });

  it('a success that is not JSON fails wire.json, as in a run: NOT_CONFORMANT, not UNTESTABLE', async () => {
    const r = await cli(['check', '--mutant', 'trailing-commas', '--repository-name', example.request.repositoryName, '--layer-digests', ...example.request.layerDigests]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+wire\.json\s+HTTP 200 with a body that is not JSON \(JSON\.parse: "Unexpected token ']', .*\},\].*"\): "\{/);
    expect(r.stdout).toMatch(/^NOT_CONFORMANT$/m);
  });

  it('prints the input and output skeletons without sending anything', async () => {
    const input = await cli(['check', '--generate-cli-skeleton']);
    expect(JSON.parse(input.stdout)).toEqual({ registryId: '', repositoryName: '', layerDigests: [''] });
    const output = await cli(['check', '--generate-cli-skeleton', 'output']);
    expect(Object.keys(JSON.parse(output.stdout))).toEqual(['layers', 'failures']);
  });

  it('reads --cli-input-yaml, lets flags override it, and reports an error as the CLI does', async () => {
    const r = await cli(['check', '--cli-input-yaml', 'repositoryName: cluster-autoscaler\nlayerDigests: ["x"]', '--repository-name', 'Bad_Name']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^An error occurred \(InvalidParameterException\) when calling the BatchCheckLayerAvailability operation: .*repositoryName/);
    expect(r.stdout).toMatch(/PASS\s+validate\.repository-name-pattern/);
  });

  it('missing arguments and bad input files get one line and exit 2', async () => {
    const missing = await cli(['check', '--repository-name', 'x']);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toEqual(['ecr-conformance: the following arguments are required: --layer-digests']);
    const bad = await cli(['check', '--cli-input-json', 'file:///nonexistent/input.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot read \/nonexistent\/input.json: ENOENT/);
  });
});

describe.concurrent('environment errors: one line, a documented exit code, found before the run', () => {
  it('--version prints the version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('a flag that does not apply to the command is refused', async () => {
    const r = await cli(['check', '--rps', '3', '--repository-name', 'ab', '--layer-digests', 'x']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(["ecr-conformance: unknown option '--rps' (--help for usage)"]);
  });

  it('a --report-dir or a GITHUB_STEP_SUMMARY that cannot be written: exit 2 before anything is sent', async () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    const dir = await cli(['run', '--report-dir', join(file, 'reports')]);
    expect(dir.code).toBe(2);
    expect(oneLine(dir.stderr)).toEqual([`ecr-conformance: --report-dir ${join(file, 'reports')} cannot be written: ENOTDIR`]);
    const summary = await cli(['run', '--report-dir', tmp()], { GITHUB_STEP_SUMMARY: join(file, 'summary.md') });
    expect(summary.code).toBe(2);
    expect(summary.stderr).toMatch(/^ecr-conformance: GITHUB_STEP_SUMMARY .* cannot be appended to: ENOTDIR\n$/);
  });

  it('no AWS credentials for --aws: the chain\'s reason in one line, exit 2', async () => {
    const home = tmp();
    const r = await cli(['run', '--aws', '--region', 'eu-west-1', '--report-dir', tmp()], { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_CONFIG_FILE: join(home, 'none') });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^ecr-conformance: no AWS credentials: the default chain .* says: /);
  });

  it('a case path fast-check cannot follow is a usage error', async () => {
    const r = await cli(['run', '--seed', '1', '--replay', 'batch-short@5:0:99999', '--report-dir', tmp()]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/case batch-short@5:0:99999: the path does not lead to a case/);
  });

  it('output piped into a command that stops reading ends quietly', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'rules'], { env: { ...CLEAN_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout!.once('data', () => child.stdout!.destroy());
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).not.toMatch(/EPIPE|at /);
    expect(r.code).toBe(0);
  });

  it('merge refuses an incomplete set of shards and names the missing ones', async () => {
    const dirs = [tmp(), tmp()];
    await Promise.all([1, 3].map((i, n) => cli(['run', '--runs', '1', '--seed', '2', '--shard', `${i}/3`, '--rules', 'framing.*', '--report-dir', dirs[n]!])));
    const r = await cli(['merge', join(dirs[0]!, 'conformance.json'), join(dirs[1]!, 'conformance.json'), '--report-dir', tmp()]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(['ecr-conformance: shard 2 of 3 missing: merge needs the report of every shard']);
  });
});

describe('report, diff, replay and merge', () => {
  it('work from saved reports as the README describes', async () => {
    const [broken, good, s1, s2] = [tmp(), tmp(), tmp(), tmp()];
    const runs = await Promise.all([
      cli(['run', '--mutant', 'drop-absent', '--runs', '10', '--seed', '2', '--report-dir', broken]),
      cli(['run', '--runs', '10', '--seed', '2', '--report-dir', good]),
      cli(['run', '--runs', '10', '--seed', '2', '--shard', '1/2', '--report-dir', s1]),
      cli(['run', '--runs', '10', '--seed', '2', '--shard', '2/2', '--report-dir', s2]),
    ]);
    // A shard alone lacks the evidence the whole run gathers: INCOMPLETE (exit 4) until merged.
    expect(runs.map((r) => r.code)).toEqual([1, 0, 4, 4]);
    expect(runs[2]!.stdout).toMatch(/shard 1 of 2: merge the shards/);

    const regression = await cli(['diff', join(good, 'conformance.json'), join(broken, 'conformance.json')]);
    expect(regression.code).toBe(1);
    expect(regression.stdout).toMatch(/REGRESSED \(1\):\n {2}partition\.complete: PASS → FAIL/);
    const fix = await cli(['diff', join(broken, 'conformance.json'), join(good, 'conformance.json')]);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/FIXED \(1\):\n {2}partition\.complete: FAIL → PASS/);

    const again = tmp();
    const rendered = await cli(['report', join(broken, 'conformance.json'), '--report-dir', again]);
    expect(rendered.code).toBe(0);
    expect(readFileSync(join(again, 'junit.xml'), 'utf8')).toBe(readFileSync(join(broken, 'junit.xml'), 'utf8'));

    const replayDir = tmp();
    const stillBroken = await cli(['replay', join(broken, 'conformance.json'), 'partition.complete', '--report-dir', replayDir]);
    expect(stillBroken.stdout).toMatch(/STILL BROKEN\s+partition\.complete/);
    const fixed = await cli(['replay', join(broken, 'conformance.json'), 'partition.complete', '--endpoint', registry.endpoint, '--report-dir', replayDir]);
    expect(fixed.stdout).toMatch(/FIXED\s+partition\.complete/);
    // A report from an older case generator names cases this build would make differently: refused, not replayed wrongly.
    const old = JSON.parse(readFileSync(join(broken, 'conformance.json'), 'utf8')) as RunResult;
    delete old.provenance.suite.generator;
    writeFileSync(join(replayDir, 'old.json'), JSON.stringify(old));
    const refusedReplay = await cli(['replay', join(replayDir, 'old.json'), 'partition.complete', '--report-dir', replayDir]);
    expect(refusedReplay.code).toBe(2);
    expect(refusedReplay.stderr).toMatch(/case generator 1 .*this build's generator is \d+/);

    const merged = tmp();
    const m = await cli(['merge', join(s1, 'conformance.json'), join(s2, 'conformance.json'), '--report-dir', merged]);
    expect(m.code).toBe(0);
    const whole = report(good);
    const joined = report(merged);
    expect(joined.summary).toEqual(whole.summary);
    expect(joined.rules.map((x) => [x.id, x.verdict, x.passed])).toEqual(whole.rules.map((x) => [x.id, x.verdict, x.passed]));
    const refused = await cli(['merge', join(s1, 'conformance.json'), join(good, 'conformance.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/shard/);
  });
});
