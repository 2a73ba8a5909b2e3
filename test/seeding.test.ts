// What a run stores on the target and how: a layer sent in two parts (so that a size kept from one part
// shows), and seeding and cleanup calls under a quota — a throttle slows the whole run down (as one of a
// case does) and is retried, also when removing what the run created, so it does not leave a repository.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DeleteRepositoryCommand, DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { type RunningRegistry as Registry, startRegistry } from '../src/registry/server.ts';
import { Target } from '../src/target/target.ts';
import { run } from '../src/run/runner.ts';
import { makeEcrClient } from '../src/target/client.ts';
import { completeStarted, createRepository, deletedRepositoryAnswer, deleteRepository, putImageUnuploaded, sha256Digest, uploadCrossed, uploadMismatched, uploadParts, uploadPartsCrossed, uploadTogether } from '../src/target/seed.ts';
import { awsError, operationOf, withRepositoryName } from './fixtures/takeover.ts';

const throttle = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  awsError(res, 'ThrottlingException', 'Rate exceeded');
};
const target = (endpoint: string, rps = 0) => ({ endpoint, region: 'us-east-1', timeoutMs: 5_000, rps, maxRequests: 0, concurrency: 4, transport: 'raw' as const });

describe('the layer sent in parts', () => {
  /** The embedded registry, noting the size of every UploadLayerPart body. */
  const counting = async (sizes: number[]) => startRegistry({ hooks: { takeOver: (req) => { if (operationOf(req) === 'UploadLayerPart') sizes.push(Number(req.headers['content-length'])); return false; } } });

  it('goes in two parts: against real ECR the first of the smallest part size ECR allows, against an emulator a small one', async () => {
    const aws: number[] = [];
    const local: number[] = [];
    const [a, b] = [await counting(aws), await counting(local)];
    try {
      const onAws = await run({ kind: 'aws', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(a.endpoint) });
      expect(onAws.summary.verdict).toBe('CONFORMANT');
      // Base64 in JSON: the 5 MiB part is over 7 MB on the wire; the byte after it is a part of its own.
      expect(aws.filter((n) => n > 5 * 1024 * 1024).length).toBe(1);
      const onEmulator = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(b.endpoint) });
      expect(onEmulator.summary.verdict).toBe('CONFORMANT');
      // No part near 5 MiB (that it goes in two parts, size-of-last-part in test/mutants.e2e.test.ts shows).
      expect(Math.max(...local)).toBeLessThan(64 * 1024);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('is not failed where the target cannot take it, but classify.present then lacks that part of its evidence', async () => {
    const small = await startRegistry({ limits: { maxLayerBytes: 1024 * 1024 } });
    try {
      const refused = await run({ kind: 'aws', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(small.endpoint) });
      expect(refused.summary.verdict).toBe('INCOMPLETE');
      const present = refused.rules.find((r) => r.id === 'classify.present')!;
      expect(present.verdict).toBe('SKIPPED');
      expect(present.message).toMatch(/none of them about a layer uploaded in two parts, whose size is their sum: needs multipart-layer: cannot store a layer in two parts \(LimitExceededException/);
    } finally {
      await small.close();
    }
  });

  it('goes again with a first part of 5 MiB where the target refuses a smaller one, as ECR does (LayerPartTooSmallException)', async () => {
    const sizes: number[] = [];
    const strict = await startRegistry({
      quirks: { minimumPartBytes: 5 * 1024 * 1024 },
      hooks: { takeOver: (req) => { if (operationOf(req) === 'UploadLayerPart') sizes.push(Number(req.headers['content-length'])); return false; } },
    });
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(strict.endpoint) });
      expect(r.summary.verdict).toBe('CONFORMANT');
      expect(r.capabilities.notes.join('\n')).toMatch(/refused a first part of 4096 bytes \(LayerPartTooSmallException.*sent again with a first part of 5242880 bytes/);
      // The small first part, then the 5 MiB one (over 7 MB as base64 in JSON).
      expect(sizes.filter((n) => n > 5 * 1024 * 1024).length).toBe(1);
    } finally {
      await strict.close();
    }
  });
});

describe('the image manifest', () => {
  const putImageAnswered = (answer: (res: ServerResponse, manifest: string) => void) => startRegistry({
    hooks: {
      takeOver: (req, res) => {
        if (operationOf(req) !== 'PutImage') return false;
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => { body += c; });
        req.on('end', () => answer(res, (JSON.parse(body) as { imageManifest: string }).imageManifest));
        return true;
      },
    },
  });
  const image = (res: ServerResponse, image: Record<string, unknown>) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ image }));
  };
  const present = async (registry: { endpoint: string; close: () => Promise<void> }) => {
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(registry.endpoint) });
      return { r, present: r.rules.find((x) => x.id === 'classify.present')! };
    } finally {
      await registry.close();
    }
  };

  for (const [how, answer, why] of [
    ['refused (an emulator without PutImage)', (res: ServerResponse) => awsError(res, 'InternalFailure', 'The API action PutImage is not implemented', 501), /needs image-manifest: cannot put an image manifest \(InternalFailure/],
    ['answered with another manifest than it was sent', (res: ServerResponse, m: string) => image(res, { imageId: { imageDigest: sha256Digest(Buffer.from(m)) }, imageManifest: `${m} ` }), /needs image-manifest: PutImage answered an imageManifest other than the one it was sent/],
  ] as const) {
    it(`${how}: classify.present is not failed, but lacks the part about media types a manifest gives`, async () => {
      const { r, present: p } = await present(await putImageAnswered(answer));
      expect(r.summary.verdict).toBe('INCOMPLETE');
      expect(p.verdict).toBe('SKIPPED');
      expect(p.message).toMatch(/none of them about a layer an accepted image manifest references, with the media type it gave/);
      expect(p.message).toMatch(why);
    });
  }

  it('accepted with another image digest than its manifest\'s (as moto\'s pull request hashes the layer digests): the manifest still gave its blobs their media types', async () => {
    // This PutImage stores nothing, so the config blob keeps the media type of an upload: a FAIL, with the setup finding beside it.
    const { r, present: p } = await present(await putImageAnswered((res) => image(res, { imageId: { imageDigest: `sha256:${'0'.repeat(64)}` } })));
    expect(p.verdict).toBe('FAIL');
    expect(p.message).toMatch(/which an accepted manifest references as application\/vnd\.docker\.container\.image\.v1\+json, is answered with mediaType "application\/vnd\.docker\.image\.rootfs\.diff\.tar\.gzip"/);
    expect(r.capabilities.setupFindings.join('\n')).toMatch(/PutImage answered imageDigest "sha256:0{64}" for a manifest whose sha256 is/);
  });
});

describe('what cleanup removes', () => {
  it('not a repository someone else made between our check and our CreateRepository (the 2-character edge)', async () => {
    let taken = '';
    const registry = await startRegistry({
      hooks: {
        takeOver: (req, res) => {
          if (operationOf(req) !== 'CreateRepository') return false;
          withRepositoryName(req, (name) => {
            if (name.length !== 2) {
              // Not raced: created as the registry would, and answered in its shape.
              registry.store.create(registry.store.accountId, name);
              res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ repository: { repositoryName: name, registryId: registry.store.accountId } }));
              return;
            }
            // Another client won the race for the free 2-character name.
            taken = name;
            registry.store.create(registry.store.accountId, name);
            awsError(res, 'RepositoryAlreadyExistsException', `The repository with name '${name}' already exists`);
          });
          return true;
        },
      },
    });
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 1, shrink: false, rules: 'framing.*', target: target(registry.endpoint) });
      expect(taken).toHaveLength(2);
      expect(registry.store.list(registry.store.accountId).map((x) => x.name)).toEqual([taken]);
      expect(r.leftovers).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});

describe('seeding and cleanup under throttling', () => {
  it('a throttled DeleteRepository at cleanup is retried: nothing is left behind', async () => {
    let deletes = 0;
    const registry = await startRegistry({ hooks: { takeOver: (req, res) => operationOf(req) === 'DeleteRepository' && deletes++ % 2 === 0 ? (throttle(req, res), true) : false } });
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'framing.*', target: target(registry.endpoint) });
      expect(deletes).toBeGreaterThan(0);
      expect(r.leftovers).toEqual([]);
      expect(registry.store.list(registry.store.accountId)).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it('a seeding call throttled more often than the SDK alone retries still goes through; a server error and a quota get their three attempts', async () => {
    const seen = { CreateRepository: 0, DeleteRepository: 0, DescribeRepositories: 0 };
    const registry = await startRegistry({
      hooks: {
        takeOver: (req, res) => {
          const op = operationOf(req);
          if (op === 'CreateRepository' && seen.CreateRepository++ < 4) return (throttle(req, res), true);
          if (op === 'DeleteRepository') { seen.DeleteRepository++; req.resume(); awsError(res, 'ServerException', 'down', 500); return true; }
          if (op === 'DescribeRepositories') { seen.DescribeRepositories++; req.resume(); awsError(res, 'LimitExceededException', 'would exceed a service limit'); return true; }
          return false;
        },
      },
    });
    const t = new Target(target(registry.endpoint));
    try {
      // Throttled four times (the SDK alone makes three attempts), answered the fifth and last.
      await t.client.send(new CreateRepositoryCommand({ repositoryName: 'patient' }));
      expect(seen.CreateRepository).toBe(5);
      await expect(t.client.send(new DeleteRepositoryCommand({ repositoryName: 'patient' }))).rejects.toMatchObject({ name: 'ServerException' });
      expect(seen.DeleteRepository).toBe(3);
      // The SDK counts LimitExceededException as a throttle, but it names a quota (spec: errors.quotaLimits): no extra attempts.
      await expect(t.client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({ name: 'LimitExceededException' });
      expect(seen.DescribeRepositories).toBe(3);
    } finally {
      t.close();
      await registry.close();
    }
  }, 60_000);

  it('a throttled seeding call slows the run down, as a throttled case does', async () => {
    let parts = 0;
    const registry = await startRegistry({ hooks: { takeOver: (req, res) => operationOf(req) === 'UploadLayerPart' && parts++ === 0 ? (throttle(req, res), true) : false } });
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'framing.*', target: target(registry.endpoint, 400) });
      expect(parts).toBeGreaterThan(1);
      expect(r.provenance.requests.slowestRps).toBeLessThan(400);
      expect(r.summary.verdict).toBe('CONFORMANT');
    } finally {
      await registry.close();
    }
  });
});

describe('a repository just deleted', () => {
  /** The embedded registry, still answering checks for `forgetMs` after each DeleteRepository (a store slow to forget). */
  const slowToForget = async (forgetMs: number) => {
    let deletedAt = -Infinity;
    let stale = 0;
    const registry = await startRegistry({
      hooks: {
        answer: (a, op) => { if (op === 'DeleteRepository') deletedAt = Date.now(); return a; },
        // Only recreate cases run (one at a time), so a check this soon after a delete is of the deleted repository.
        takeOver: (req, res) => {
          if (operationOf(req) !== 'BatchCheckLayerAvailability' || Date.now() - deletedAt >= forgetMs) return false;
          stale++;
          req.resume();
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end('{"layers":[],"failures":[]}');
          return true;
        },
      },
    });
    return { registry, stale: () => stale };
  };
  const recreate = (endpoint: string, kind: 'endpoint' | 'aws' = 'endpoint') => run({ kind, seed: 3, runs: 2, shrink: false, rules: 'metamorphic.recreate-forgets', target: target(endpoint) });

  it('may take a moment to be gone: a check that finds it gone within the window is not a FAIL', async () => {
    const { registry, stale } = await slowToForget(400);
    try {
      const r = await recreate(registry.endpoint);
      expect(stale()).toBeGreaterThan(0);
      expect(r.summary.verdict).toBe('CONFORMANT');
    } finally {
      await registry.close();
    }
  });

  it('still answering after the window is a FAIL of metamorphic.recreate-forgets, naming what it answered', async () => {
    const { registry } = await slowToForget(5_000);
    try {
      const r = await recreate(registry.endpoint);
      const rule = r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!;
      expect(rule.verdict).toBe('FAIL');
      expect(rule.message).toMatch(/a check in it still answered after 1\.75 s: a success: \{"layers":\[\],"failures":\[\]\}; expected RepositoryNotFoundException/);
    } finally {
      await registry.close();
    }
  }, 30_000);

  it('against AWS, of which nothing public says how soon it forgets, the window is 7.5 s: 3 s is not a FAIL there', async () => {
    const { registry, stale } = await slowToForget(3_000);
    try {
      const r = await recreate(registry.endpoint, 'aws');
      expect(stale()).toBeGreaterThan(2);
      expect(r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!.verdict).toBe('PASS');
    } finally {
      await registry.close();
    }
  }, 60_000);
});

describe('a repository just created', () => {
  /**
   * The embedded registry, not showing a repository for `showMs` after it is created (in BatchCheckLayerAvailability,
   * the layer uploads and DescribeRepositories) — every time, or (`again`) only when it is created again under a name
   * deleted before, as ECR creates repositories asynchronously.
   */
  const slowToShow = async (showMs: number, again = false, describeSees = false) => {
    const createdAt = new Map<string, number>();
    const deleted = new Set<string>();
    let hidden = 0;
    const recent = (name: string) => Date.now() - (createdAt.get(name) ?? -Infinity) < showMs;
    const registry = await startRegistry({
      hooks: {
        resolveRepository: (id, _explicit, name, find) => {
          if (!recent(name)) return find(id, name);
          hidden++;
          return undefined;
        },
        answer: (a, op) => {
          const body = JSON.parse(String(a.body || '{}')) as { repository?: { repositoryName: string }; repositories?: { repositoryName: string }[] };
          if (op === 'DeleteRepository' && body.repository) deleted.add(body.repository.repositoryName);
          if (op === 'CreateRepository' && body.repository && (!again || deleted.has(body.repository.repositoryName))) createdAt.set(body.repository.repositoryName, Date.now());
          const missing = op === 'DescribeRepositories' && !describeSees ? body.repositories?.find((r) => recent(r.repositoryName)) : undefined;
          if (!missing) return a;
          hidden++;
          return { ...a, status: 400, body: JSON.stringify({ __type: 'RepositoryNotFoundException', message: `The repository with name '${missing.repositoryName}' does not exist` }) };
        },
      },
    });
    return { registry, hidden: () => hidden };
  };

  it('may take a moment to show: setup and a check right after CreateRepository look again, and nothing is found wrong', async () => {
    const { registry, hidden } = await slowToShow(600);
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'metamorphic.*', target: target(registry.endpoint) });
      expect(hidden()).toBeGreaterThan(0);
      expect(r.capabilities.setupFindings).toEqual([]);
      expect(r.capabilities.unverified).toEqual({});
      expect(r.rules.filter((x) => x.verdict === 'FAIL')).toEqual([]);
      expect(r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!.verdict).toBe('PASS');
    } finally {
      await registry.close();
    }
  }, 30_000);

  it('the layer uploads may not see it yet where DescribeRepositories already does: the first upload is tried again', async () => {
    const { registry, hidden } = await slowToShow(600, false, true);
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'classify.present', target: target(registry.endpoint) });
      expect(hidden()).toBeGreaterThan(0);
      expect(r.capabilities.missing).toEqual({});
      expect(r.capabilities.setupFindings).toEqual([]);
    } finally {
      await registry.close();
    }
  }, 30_000);

  it('created again but never showing within the window is a FAIL of metamorphic.recreate-forgets', async () => {
    const { registry } = await slowToShow(60_000, true);
    try {
      const r = await run({ kind: 'endpoint', seed: 3, runs: 2, shrink: false, rules: 'metamorphic.recreate-forgets', target: target(registry.endpoint) });
      const rule = r.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!;
      expect(rule.verdict).toBe('FAIL');
      expect(rule.message).toMatch(/deleted and created again, a check in it got HTTP 400 RepositoryNotFoundException/);
    } finally {
      await registry.close();
    }
  }, 30_000);
});

describe('what setup says when an upload call gets no answer it can read', () => {
  it('names the status of a gateway\'s HTML 502 and of an empty 504, not what the SDK made of them', async () => {
    for (const [status, type, body, said] of [[502, 'text/html', '<html>502 Bad Gateway</html>', 'HTTP 502 whose body is not JSON'], [504, 'text/plain', '', 'HTTP 504 that names no error type']] as const) {
      const registry = await startRegistry({ hooks: { takeOver: (req, res) => (operationOf(req) === 'InitiateLayerUpload' ? (req.resume(), res.writeHead(status, { 'content-type': type }).end(body), true) : false) } });
      try {
        const r = await run({ kind: 'endpoint', seed: 3, runs: 1, shrink: false, rules: 'framing.*', target: target(registry.endpoint) });
        expect(r.capabilities.missing['stored-layers'], String(status)).toBe(`cannot store layers through the layer-upload API (${said})`);
      } finally {
        await registry.close();
      }
    }
  }, 60_000);
});

describe('a scenario that deleted its repository and could not create it again', () => {
  // After the first DeleteRepository (a scenario's), CreateRepository answers 503 `refusals` times.
  const refusing = (refusals: number) => {
    const seen = { deletes: 0, refused: 0, creates: 0 };
    return {
      seen,
      start: () => startRegistry({
        hooks: {
          takeOver: (req, res) => {
            const op = operationOf(req);
            if (op === 'DeleteRepository') seen.deletes++;
            if (op !== 'CreateRepository' || seen.deletes === 0) return false;
            seen.creates++;
            if (seen.refused >= refusals) return false;
            seen.refused++;
            req.resume();
            awsError(res, 'ServiceUnavailable', 'busy', 503);
            return true;
          },
        },
      }),
    };
  };

  it('is created again after the case, so the scenarios after it find their repository: no FAIL for what the target never did', async () => {
    const r503 = refusing(3);
    const registry = await r503.start();
    try {
      const r = await run({ kind: 'endpoint', seed: 1, runs: 30, shrink: false, target: target(registry.endpoint) });
      expect(r503.seen.refused).toBe(3);
      expect(r503.seen.creates).toBeGreaterThan(3);
      expect(r.rules.filter((x) => x.verdict === 'FAIL').map((x) => `${x.id}: ${x.message}`)).toEqual([]);
    } finally {
      await registry.close();
    }
  }, 60_000);

  it('while it cannot be, the scenarios that name it are not sent, and the run is INCOMPLETE rather than failed', async () => {
    const r503 = refusing(Infinity);
    const registry = await r503.start();
    try {
      const r = await run({ kind: 'endpoint', seed: 1, runs: 30, shrink: false, target: target(registry.endpoint) });
      expect(r.rules.filter((x) => x.verdict === 'FAIL').map((x) => `${x.id}: ${x.message}`)).toEqual([]);
      expect(r.summary.verdict).toBe('INCOMPLETE');
      expect(r.summary.notes.join('\n')).toMatch(/the target refused \d+ scenario actions \(first: create-repository \S+\/isolated_primary: refused \(ServiceUnavailable: busy\)\)/);
    } finally {
      await registry.close();
    }
  }, 60_000);
});

describe('a target that deletes repositories asynchronously', () => {
  // Its DeleteRepository answers at once and takes effect 2.5 s later: past the 1.75 s an emulator is given.
  const runWith = async (settleMs?: number) => {
    const registry = await startRegistry({ quirks: { deleteAfterMs: 2_500 } });
    try {
      return await run({ kind: 'endpoint', seed: 1, runs: 10, shrink: false, rules: 'metamorphic.recreate-forgets', target: { ...target(registry.endpoint), ...(settleMs !== undefined ? { settleMs } : {}) } });
    } finally {
      await registry.close();
    }
  };

  it('is failed with the window named, and passes with a window of the user\'s (--settle) that is long enough', async () => {
    const short = (await runWith()).rules.find((x) => x.id === 'metamorphic.recreate-forgets')!;
    expect(short.verdict).toBe('FAIL');
    expect(short.message).toMatch(/still answered after 1\.75 s/);
    const widened = await runWith(4_000);
    const long = widened.rules.find((x) => x.id === 'metamorphic.recreate-forgets')!;
    expect(long.verdict, long.message).toBe('PASS');
    // A report whose verdict rests on a window of the user's says which.
    expect(widened.provenance.target.settleMs).toBe(4_000);
  }, 120_000);
});

describe('asking a deleted repository whether it is gone', () => {
  const ask = (answer: (res: ServerResponse) => void) => {
    let checks = 0;
    return onRegistry({ hooks: { takeOver: (req, res) => operationOf(req) === 'BatchCheckLayerAvailability' ? (checks++, req.resume(), answer(res), true) : false } }, ['gone'], async (client) => {
      await deleteRepository(client, { repositoryName: 'gone' });
      const said = await deletedRepositoryAnswer(client, { repositoryName: 'gone' }, `sha256:${'0'.repeat(64)}`, 'RepositoryNotFoundException', [0, 1, 1], async () => {}).then((a) => ({ a }), (e: Error) => ({ e: e.message }));
      return { said, checks };
    });
  };

  it('RepositoryNotFoundException: gone, at the first look', async () => {
    expect(await ask((res) => awsError(res, 'RepositoryNotFoundException', 'no such repository'))).toEqual({ said: { a: undefined }, checks: 1 });
  });

  it('an answer at every look (a success, a server error) shows it still there', async () => {
    expect(await ask((res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"layers":[],"failures":[]}'))).toMatchObject({ said: { a: expect.stringMatching(/^a success/) }, checks: 3 });
    expect(await ask((res) => awsError(res, 'ServerException', 'down', 500))).toMatchObject({ said: { a: 'ServerException: down' }, checks: 3 });
  });

  it('a throttle, an unavailable service or a refusal of the caller at the last look is no answer about the repository: thrown, so no rule takes it for one', async () => {
    for (const [type, status] of [['ThrottlingException', 400], ['TooManyRequestsException', 429], ['ServiceUnavailable', 503], ['BadGateway', 502], ['AccessDeniedException', 400], ['ExpiredTokenException', 400]] as const) {
      const r = await ask((res) => awsError(res, type, 'not now', status));
      expect(r.checks, type).toBe(3);
      expect(r.said, type).toEqual({ e: expect.stringContaining(`no answer about the repository at the last look: ${type}`) });
    }
  });
});

/** Starts a registry with `options` and the repositories named, runs `act` against it with a client that tries once, and tears both down. */
async function onRegistry<T>(options: Parameters<typeof startRegistry>[0], repositories: string[], act: (client: ECRClient, registry: Registry) => Promise<T>): Promise<T> {
  const registry = await startRegistry(options);
  const client = makeEcrClient({ endpoint: registry.endpoint, maxAttempts: 1 });
  try {
    for (const repositoryName of repositories) await createRepository(client, { repositoryName });
    return await act(client, registry);
  } finally {
    client.destroy();
    await registry.close();
  }
}

/** Whether the registry's repository `name` holds `digest`. */
const holds = (registry: Registry, name: string, digest: string) => registry.store.hasLayer(registry.store.find(registry.store.accountId, name)!, digest);

/** Runs `upload` against a registry with repositories `names`: its answer, and which of them hold `bytes` after. */
const storedAfter = <T>(names: string[], bytes: Buffer, upload: (client: ECRClient) => Promise<T>) => (options: Parameters<typeof startRegistry>[0]) =>
  onRegistry(options, names, async (client, registry) => ({ ...(await upload(client)), stored: names.map((n) => holds(registry, n, sha256Digest(bytes))) }));

describe('an upload completed under a digest that is not its content\'s', () => {
  const bytes = Buffer.from('the content sent\n');
  const claimed = sha256Digest(Buffer.from('other content, never sent\n'));
  const mismatched = (options: Parameters<typeof startRegistry>[0]) => onRegistry(options, ['life'], (client) => uploadMismatched(client, { repositoryName: 'life' }, bytes, claimed));

  it('is refused by the reference registry, as ECR refuses it (InvalidLayerException), and accepted by a store that ignores the digest it is told', async () => {
    expect((await mismatched({})).value).toEqual({ completed: false, answer: 'CompleteLayerUpload refused it: InvalidLayerException (HTTP 400)' });
    const ignoring = await mismatched({ quirks: { completionIgnoresClaim: true } });
    expect(ignoring.value).toEqual({ completed: true, answer: `CompleteLayerUpload accepted it, answering layerDigest ${JSON.stringify(sha256Digest(bytes))}` });
    expect(ignoring.disagreements).toEqual([]);
  });

  it('counts any error the target answers as a refusal, with its status; a connection that fails is not an answer', async () => {
    const crash = await mismatched({ hooks: { takeOver: (req, res) => { if (operationOf(req) !== 'CompleteLayerUpload') return false; req.resume(); awsError(res, 'ServerException', 'boom', 500); return true; } } });
    expect(crash.value.answer).toBe('CompleteLayerUpload refused it: ServerException (HTTP 500)');
    await expect(mismatched({ hooks: { takeOver: (req) => { if (operationOf(req) !== 'CompleteLayerUpload') return false; req.socket.destroy(); return true; } } })).rejects.toThrow();
  });
});

describe('an image put whose manifest names a layer never uploaded', () => {
  const config = Buffer.from('{"the config":"of an image"}\n');
  const named = { digest: sha256Digest(Buffer.from('named, never sent\n')), size: 18 };
  const put = (options: Parameters<typeof startRegistry>[0]) => onRegistry(options, ['life'], async (client, registry) => {
    const r = await putImageUnuploaded(client, { repositoryName: 'life' }, config, named);
    return { ...r, stored: [sha256Digest(config), named.digest].map((d) => holds(registry, 'life', d)) };
  });

  it('is refused by the reference registry, as ECR refuses it (LayersNotFoundException), after its config was uploaded', async () => {
    const r = await put({});
    expect(r.value).toEqual({ completed: false, answer: 'PutImage refused it: LayersNotFoundException (HTTP 400)' });
    expect(r.disagreements).toEqual([]);
    expect(r.stored).toEqual([true, false]);
  });

  it('is accepted by a PutImage that does not check, which stores the named layer or not', async () => {
    const unchecked = await put({ quirks: { manifestUnchecked: true } });
    expect(unchecked.value.completed).toBe(true);
    expect(unchecked.value.answer).toMatch(/^PutImage accepted it, answering imageDigest "sha256:[0-9a-f]{64}"$/);
    expect(unchecked.stored).toEqual([true, false]);
    expect((await put({ quirks: { manifestStoresLayers: true } })).stored).toEqual([true, true]);
  });

  it('throws when PutImage\'s connection fails: no answer is no refusal', async () => {
    await expect(put({ hooks: { takeOver: (req) => { if (operationOf(req) !== 'PutImage') return false; req.socket.destroy(); return true; } } })).rejects.toThrow();
  });
});

describe('an upload started in one repository and completed through another', () => {
  const bytes = Buffer.from('sent to one repository, completed through another\n');
  const crossed = storedAfter(['from', 'to'], bytes, (client) => uploadCrossed(client, { repositoryName: 'from' }, { repositoryName: 'to' }, bytes));

  it('is refused by the reference registry, as ECR refuses it (UploadNotFoundException), and stores nothing', async () => {
    const r = await crossed({});
    expect(r.value).toEqual({ completed: false, answer: 'CompleteLayerUpload refused it: UploadNotFoundException (HTTP 400)' });
    expect(r.stored).toEqual([false, false]);
  });

  it('is accepted where uploads live in one table keyed by id, the layer filed in the repository named or the upload\'s own', async () => {
    const named = await crossed({ quirks: { uploadsById: 'completion-repository' } });
    expect(named.value.completed).toBe(true);
    expect(named.stored).toEqual([false, true]);
    expect((await crossed({ quirks: { uploadsById: 'upload-repository' } })).stored).toEqual([true, false]);
  });
});

describe('an upload left open while its repository is deleted and created again', () => {
  const bytes = Buffer.from('sent to an upload completed after its repository was deleted and created again\n');
  const stale = storedAfter(['life'], bytes, async (client) => {
    const { value: uploadId } = await uploadParts(client, { repositoryName: 'life' }, bytes);
    await deleteRepository(client, { repositoryName: 'life' });
    await createRepository(client, { repositoryName: 'life' });
    return { value: await completeStarted(client, { repositoryName: 'life' }, uploadId, bytes) };
  });

  it('is gone with the repository in the reference registry, as in ECR (UploadNotFoundException), and stores nothing', async () => {
    const r = await stale({});
    expect(r.value).toEqual({ completed: false, answer: 'CompleteLayerUpload refused it: UploadNotFoundException (HTTP 400)' });
    expect(r.stored).toEqual([false]);
  });

  it('completes into the new repository where DeleteRepository leaves the uploads table alone', async () => {
    const r = await stale({ quirks: { deleteKeepsUploads: true } });
    expect(r.value.completed).toBe(true);
    expect(r.stored).toEqual([true]);
  });
});

describe('parts sent through another repository than the upload\'s', () => {
  const bytes = Buffer.from('sent through one repository to an upload of another\n');
  const crossed = storedAfter(['own', 'through'], bytes, (client) => uploadPartsCrossed(client, { repositoryName: 'own' }, { repositoryName: 'through' }, bytes));

  it('are refused by the reference registry, as ECR refuses them (UploadNotFoundException), and so is the completion of the empty upload (EmptyUploadException)', async () => {
    const r = await crossed({});
    expect(r.value).toEqual({ completed: false, answer: 'UploadLayerPart refused it: UploadNotFoundException (HTTP 400); CompleteLayerUpload refused it: EmptyUploadException (HTTP 400)' });
    expect(r.stored).toEqual([false, false]);
  });

  it('land in the upload where UploadLayerPart finds it by id alone, and its completion stores the layer in its own repository', async () => {
    const r = await crossed({ quirks: { partsById: true } });
    expect(r.value.completed).toBe(true);
    expect(r.value.answer).toMatch(/^UploadLayerPart accepted it, sent every part; CompleteLayerUpload accepted it/);
    expect(r.stored).toEqual([true, false]);
  });
});

describe('layers uploaded together', () => {
  const blobs = [1, 2, 3].map((i) => Buffer.from(`uploaded together, ${i}\n`));
  const pushed = (options: Parameters<typeof startRegistry>[0]) => onRegistry(options, ['life'], async (client, registry) => {
    const r = await uploadTogether(client, { repositoryName: 'life' }, blobs);
    return { results: r.map((x) => (x.status === 'fulfilled' ? x.value.value : `refused: ${(x.reason as Error).name}`)), stored: blobs.map((b) => holds(registry, 'life', sha256Digest(b))) };
  });

  it('go in step: every upload started, then every part sent, then every upload completed', async () => {
    const calls: string[] = [];
    const r = await pushed({ hooks: { takeOver: (req) => { calls.push(operationOf(req)!); return false; } } });
    expect(r.results).toEqual(blobs.map(sha256Digest));
    expect(r.stored).toEqual([true, true, true]);
    const uploads = calls.filter((c) => c !== 'CreateRepository');
    expect(uploads).toEqual([...Array(3).fill('InitiateLayerUpload'), ...Array(3).fill('UploadLayerPart'), ...Array(3).fill('CompleteLayerUpload')]);
  });

  it('each has its own outcome: one refused leaves the others stored', async () => {
    let initiated = 0;
    const r = await pushed({ hooks: { takeOver: (req, res) => { if (operationOf(req) !== 'InitiateLayerUpload' || ++initiated !== 2) return false; req.resume(); awsError(res, 'ServerException', 'boom', 500); return true; } } });
    expect(r.results).toEqual([sha256Digest(blobs[0]!), 'refused: ServerException', sha256Digest(blobs[2]!)]);
    expect(r.stored).toEqual([true, false, true]);
  });

  it('lose all but the last completed in a store that writes back the repository as it read it when the upload started', async () => {
    const r = await pushed({ quirks: { uploadSnapshotsLayers: true } });
    expect(r.results).toEqual(blobs.map(sha256Digest));
    expect(r.stored.filter(Boolean)).toHaveLength(1);
  });
});
