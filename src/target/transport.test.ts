// Single exchanges scripted with nock: what the transports record, and how faults, throttles and
// the budget are handled. No socket leaves the process.
import { getEventListeners } from 'node:events';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { catalogue } from '../judge/catalogue.ts';
import { judgeCase } from '../judge/judge.ts';
import { amzTarget, operationSpec } from '../spec/index.ts';
import type { Knowledge } from '../model.ts';
import { makeEcrClient } from './client.ts';
import { BudgetExhausted, Target, THROTTLE_EXTRA_ATTEMPTS, type TargetOptions } from './target.ts';

const HOST = 'http://ecr.nock.test';
const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' };
const D = `sha256:${'d'.repeat(64)}`;
const K: Knowledge = { otherAccountId: '0', repositories: {}, missingRepositories: [] };
const options = (o: Partial<TargetOptions> = {}): TargetOptions => ({ endpoint: HOST, region: 'us-east-1', timeoutMs: 2_000, rps: 0, maxRequests: 0, concurrency: 2, transport: 'sdk', ...o });

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

const bcla = () => nock(HOST).post('/').matchHeader('x-amz-target', amzTarget('BatchCheckLayerAvailability'));

describe('the SDK transport', () => {
  it('records the bytes the SDK sent and the raw answer it parsed', async () => {
    const answer = { layers: [{ layerDigest: D, layerAvailability: 'UNAVAILABLE' }], failures: [] };
    bcla().reply(200, answer, JSON_TYPE);
    const target = new Target(options());
    const x = await target.send('c', { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } });
    target.close();
    expect(JSON.parse(x.request.body)).toEqual({ repositoryName: 'repo', layerDigests: [D] });
    expect(x.request.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=<redacted>/);
    expect(JSON.stringify(x.request.headers)).not.toMatch(/AKIA|Signature=[0-9a-f]{64}/);
    expect(JSON.parse(x.response!.body)).toEqual(answer);
    expect(x.sdk).toMatchObject({ outcome: 'output', status: 200, requestId: 'req-1' });
  });

  it('keeps what the SDK made of an error whose type is only in the header, and the judge fails it', async () => {
    bcla().reply(400, { message: 'bad' }, { ...JSON_TYPE, 'x-amzn-errortype': 'InvalidParameterException:http://internal.amazon.com/' });
    const target = new Target(options());
    const x = await target.send('c', { label: 'only', body: { repositoryName: 'repo', layerDigests: [] } });
    target.close();
    expect(x.sdk).toMatchObject({ outcome: 'error', errorName: 'InvalidParameterException', fault: 'client', status: 400 });
    const f = judgeCase('c', [x], K, catalogue()).find((y) => y.ruleId === 'framing.error-type');
    expect(f).toMatchObject({ verdict: 'FAIL' });
    expect(f!.message).toMatch(/only the x-amzn-ErrorType header/);
  });

  it('retries a reset connection as the SDK does, and turns one that stays reset into a transport fault', async () => {
    const { maxAttempts } = operationSpec().clients.retry.value;
    const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    for (const transport of ['sdk', 'raw'] as const) {
      // A keep-alive connection the server closed as the request went out: the retry gets the answer.
      bcla().replyWithError(reset());
      bcla().reply(200, { layers: [], failures: [] }, JSON_TYPE);
      const target = new Target(options({ transport }));
      const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } };
      const x = await target.send('c', step);
      expect(x.response?.status, transport).toBe(200);
      expect(x.retries).toBe(1);
      expect(target.recovered).toBe(1);
      // Reset on every attempt: a fault, after exactly maxAttempts requests.
      bcla().times(maxAttempts).replyWithError(reset());
      const y = await target.send('c', step);
      target.close();
      expect(y.response).toBeUndefined();
      expect(y.fault?.kind).toBe('reset');
      expect(target.requestsUsed).toBe(2 + maxAttempts);
      expect(nock.pendingMocks()).toEqual([]);
    }
  });

  it('gives back the retry tokens a retry cost once it gets an answer, as the SDK\'s standard mode does', async () => {
    const policy = operationSpec().clients.retry.value;
    const throttle = [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { ...JSON_TYPE, 'retry-after': '0.001' }] as const;
    // More throttles, each answered on its retry, than the bucket could pay for without the refunds.
    const rounds = Math.ceil(policy.initialTokens / policy.retryCost) + 5;
    const target = new Target(options());
    const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } };
    for (let i = 0; i < rounds; i++) {
      bcla().reply(...throttle);
      bcla().reply(200, { layers: [], failures: [] }, JSON_TYPE);
      expect((await target.send('c', step)).response?.status).toBe(200);
    }
    target.close();
    expect(target.recovered).toBe(rounds);
  });

  it('sends what the SDK cannot express (a mistyped member) raw, signed', async () => {
    let seen: { body: string; auth: string } | undefined;
    bcla().reply(function (_uri, body) {
      seen = { body: typeof body === 'string' ? body : JSON.stringify(body), auth: String(this.req.headers['authorization']) };
      return [400, { __type: 'SerializationException', message: 'x' }, JSON_TYPE];
    });
    const target = new Target(options());
    const x = await target.send('c', { label: 'only', body: { repositoryName: 'repo', layerDigests: 7 } });
    target.close();
    expect(seen!.body).toBe('{"repositoryName":"repo","layerDigests":7}');
    expect(seen!.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/us-east-1\/ecr\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    expect(x.sdk).toBeUndefined();
    expect(x.response?.status).toBe(400);
  });

  it('records each of many calls in flight at once as its own, the same input sent twice included', async () => {
    // The SDK resolves its middleware once (cacheMiddleware), so every call shares one context: the
    // recording must follow the call's own request, not anything the calls share.
    bcla().times(24).delay(20).reply(200, (_uri, body) => {
      const d = (JSON.parse(String(body)) as { layerDigests: string[] }).layerDigests[0];
      return { layers: [{ layerDigest: d, layerAvailability: 'UNAVAILABLE' }], failures: [] };
    }, JSON_TYPE);
    const target = new Target(options({ concurrency: 24 }));
    const twice = { label: 'twice', body: { repositoryName: 'repo', layerDigests: [`sha256:${'0'.repeat(64)}`] } };
    const steps = Array.from({ length: 22 }, (_, i) => ({ label: `s${i}`, body: { repositoryName: 'repo', layerDigests: [`sha256:${String(i + 1).padStart(64, '0')}`] } }));
    const xs = await Promise.all([twice, ...steps, twice].map((step) => target.send('c', step)));
    target.close();
    [twice, ...steps, twice].forEach((step, i) => {
      expect(JSON.parse(xs[i]!.request.body)).toEqual(step.body);
      expect(JSON.parse(xs[i]!.response!.body).layers[0].layerDigest).toBe(step.body.layerDigests[0]);
    });
  });
});

describe('the bounded handler', () => {
  it('ends every call in flight on Ctrl-C, and lets go of the signal when destroyed', async () => {
    const controller = new AbortController();
    const client = makeEcrClient({ endpoint: HOST, signal: controller.signal, timeoutMs: 5_000 });
    nock(HOST).post('/').times(3).delay(4_000).reply(200, { repositories: [] }, JSON_TYPE);
    const started = Date.now();
    const calls = Array.from({ length: 3 }, () => client.send(new DescribeRepositoriesCommand({})).then(() => 'answered', (e: Error) => e.message));
    setTimeout(() => controller.abort(), 50);
    expect(await Promise.all(calls)).toEqual(Array(3).fill('DescribeRepositories: interrupted'));
    expect(Date.now() - started).toBeLessThan(2_000);
    client.destroy();
    // A client destroyed before Ctrl-C leaves nothing behind on the run's signal.
    const live = new AbortController();
    const clients = Array.from({ length: 3 }, () => makeEcrClient({ endpoint: HOST, signal: live.signal }));
    for (const c of clients) c.destroy();
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0);
  });
});

describe('the request gate', () => {
  it('retries a throttle with backoff and never hands it to the judge', async () => {
    bcla().times(2).reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, JSON_TYPE);
    bcla().reply(200, { layers: [], failures: [] }, JSON_TYPE);
    const target = new Target(options());
    const x = await target.send('c', { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } });
    target.close();
    expect(x.response?.status).toBe(200);
    expect(target.throttled).toBe(2);
    expect(target.requestsUsed).toBe(3);
  });

  it('is patient with throttles (a per-second quota throttles early retries again) and still stops', async () => {
    const policy = operationSpec().clients.retry.value;
    const attempts = policy.maxAttempts + THROTTLE_EXTRA_ATTEMPTS;
    expect(attempts).toBeGreaterThanOrEqual(8);
    const throttle = [400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { ...JSON_TYPE, 'retry-after': '0.01' }] as const;
    const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } };
    // Throttled on every attempt but the last: the answer is judged.
    bcla().times(attempts - 1).reply(...throttle);
    bcla().reply(200, { layers: [], failures: [] }, JSON_TYPE);
    const target = new Target(options());
    expect((await target.send('c', step)).response?.status).toBe(200);
    expect(target.throttled).toBe(attempts - 1);
    // Throttled on every attempt: the last throttle comes back (unjudged), after exactly `attempts` requests.
    bcla().times(attempts).reply(...throttle);
    const x = await target.send('c', step);
    target.close();
    expect(JSON.parse(x.response!.body).__type).toBe('ThrottlingException');
    expect(x.retries).toBe(attempts - 1);
    expect(target.requestsUsed).toBe(2 * attempts);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('stops at the request budget', async () => {
    bcla().times(2).reply(200, { layers: [], failures: [] }, JSON_TYPE);
    const target = new Target(options({ maxRequests: 2 }));
    const step = { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } };
    await target.send('c', step);
    await target.send('c', step);
    await expect(target.send('c', step)).rejects.toBeInstanceOf(BudgetExhausted);
    target.close();
  });

  it('spaces requests to the rate limit', async () => {
    bcla().times(5).reply(200, { layers: [], failures: [] }, JSON_TYPE);
    const target = new Target(options({ rps: 20, transport: 'raw' }));
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => target.send('c', { label: 'only', body: { repositoryName: 'repo', layerDigests: [D] } })));
    target.close();
    // Five requests at 20/s need at least four gaps of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
