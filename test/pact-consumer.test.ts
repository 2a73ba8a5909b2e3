// Pact consumer tests: the real @aws-sdk/client-ecr against the Pact mock server, one interaction per
// documented scenario. The contract is written to a temporary folder and must be byte-identical to the
// committed contracts/pact/ files (UPDATE_PACT=1 writes them instead).
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchCheckLayerAvailabilityCommand, InvalidParameterException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { MatchersV3, PactV4, SpecificationVersion } from '@pact-foundation/pact';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_CONSUMER, EXAMPLE_PACT_FILE, PACT_ABSENT, PACT_CONSUMER, PACT_FILE, PACT_LAYER, PACT_MALFORMED, PACT_MISSING_REPOSITORY,
  PACT_PROVIDER, PACT_REPOSITORY, patterns, STATE,
} from '../src/pact/interactions.ts';
import { amzTarget, operationSpec } from '../src/spec/index.ts';
import { makeEcrClient } from '../src/target/client.ts';

const { eachLike, integer, like, regex } = MatchersV3;
const P = patterns();
const dir = mkdtempSync(join(tmpdir(), 'pact-'));
const COMMITTED = fileURLToPath(new URL('../contracts/pact/', import.meta.url));
const pact = new PactV4({ consumer: PACT_CONSUMER, provider: PACT_PROVIDER, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });
const examplePact = new PactV4({ consumer: EXAMPLE_CONSUMER, provider: PACT_PROVIDER, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });

const amzJson = regex(P.contentType, 'application/x-amz-json-1.1');
const requestHeaders = { 'X-Amz-Target': amzTarget('BatchCheckLayerAvailability'), 'Content-Type': amzJson };
const repoState = { repositoryName: PACT_REPOSITORY };
const layerState = { repositoryName: PACT_REPOSITORY, content: PACT_LAYER.content };
const digest = (example: string) => regex(P.layerDigest, example);
const errorBody = (name: string, message: string) => ({ __type: regex(P.errorType(name), name), message: like(message) });
const send = (url: string, input: { repositoryName: string; layerDigests: string[]; registryId?: string | undefined }) => {
  const client = makeEcrClient({ endpoint: url });
  return client.send(new BatchCheckLayerAvailabilityCommand(input)).finally(() => client.destroy());
};
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('the BatchCheckLayerAvailability contract', () => {
  it('a batch with a stored, an absent and a malformed digest', async () => {
    await pact.addInteraction()
      .given(STATE.repository, repoState).given(STATE.layer, layerState)
      .uponReceiving('a batch with a stored, an absent and a malformed digest')
      .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody({ repositoryName: PACT_REPOSITORY, layerDigests: [digest(PACT_LAYER.digest), digest(PACT_ABSENT), like(PACT_MALFORMED)] }))
      .willRespondWith(200, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody({
        // Where the never-stored digest goes is not documented (an UNAVAILABLE layer or a
        // MissingLayerDigest failure): the matchers accept both.
        layers: eachLike({ layerDigest: digest(PACT_LAYER.digest), layerAvailability: regex(P.availability, 'AVAILABLE') }),
        failures: eachLike({ layerDigest: like(PACT_MALFORMED), failureCode: regex(P.failureCode, 'InvalidLayerDigest'), failureReason: like('Invalid layer digest') }),
      }))
      .executeTest(async (server) => {
        const out = await send(server.url, { repositoryName: PACT_REPOSITORY, layerDigests: [PACT_LAYER.digest, PACT_ABSENT, PACT_MALFORMED] });
        expect(out.layers?.[0]?.layerAvailability).toBe('AVAILABLE');
        expect(out.failures?.[0]?.failureCode).toBe('InvalidLayerDigest');
      });
  });

  it('a stored layer', async () => {
    await pact.addInteraction()
      .given(STATE.repository, repoState).given(STATE.layer, layerState)
      .uponReceiving('a stored layer')
      .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody({ repositoryName: PACT_REPOSITORY, layerDigests: [digest(PACT_LAYER.digest)] }))
      .willRespondWith(200, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody({
        layers: eachLike({ layerDigest: digest(PACT_LAYER.digest), layerAvailability: regex('^AVAILABLE$', 'AVAILABLE'), layerSize: integer(PACT_LAYER.size), mediaType: like('application/vnd.docker.image.rootfs.diff.tar.gzip') }),
      }))
      .executeTest(async (server) => {
        const out = await send(server.url, { repositoryName: PACT_REPOSITORY, layerDigests: [PACT_LAYER.digest] });
        expect(out.layers?.[0]).toMatchObject({ layerAvailability: 'AVAILABLE', layerSize: PACT_LAYER.size });
      });
  });

  it('a digest requested twice', async () => {
    await pact.addInteraction()
      .given(STATE.repository, repoState).given(STATE.layer, layerState)
      .uponReceiving('a digest requested twice')
      .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody({ repositoryName: PACT_REPOSITORY, layerDigests: [digest(PACT_LAYER.digest), digest(PACT_LAYER.digest)] }))
      // Answered once or once per occurrence: not documented, both match.
      .willRespondWith(200, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody({ layers: eachLike({ layerDigest: digest(PACT_LAYER.digest), layerAvailability: regex('^AVAILABLE$', 'AVAILABLE') }) }))
      .executeTest(async (server) => {
        const out = await send(server.url, { repositoryName: PACT_REPOSITORY, layerDigests: [PACT_LAYER.digest, PACT_LAYER.digest] });
        expect(out.layers?.length).toBeGreaterThan(0);
      });
  });

  const spec = operationSpec().input;
  const invalid: [string, { repositoryName: string; layerDigests: string[]; registryId?: string }, boolean][] = [
    ['an empty digest list', { repositoryName: PACT_REPOSITORY, layerDigests: [] }, true],
    [`${spec.layerDigests.maxItems.value + 1} digests`, { repositoryName: PACT_REPOSITORY, layerDigests: Array.from({ length: spec.layerDigests.maxItems.value + 1 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`) }, true],
    [`a digest of ${spec.layerDigests.items.maxLength.value + 1} characters`, { repositoryName: PACT_REPOSITORY, layerDigests: [`sha256:${'a'.repeat(spec.layerDigests.items.maxLength.value - 6)}`] }, true],
    ['a repository name outside the pattern', { repositoryName: 'Invalid_Repository', layerDigests: [PACT_LAYER.digest] }, false],
    ['a registry id that is not 12 digits', { registryId: 'not-an-account', repositoryName: PACT_REPOSITORY, layerDigests: [PACT_LAYER.digest] }, true],
  ];
  for (const [what, input, needsRepository] of invalid) {
    it(`${what} → 400 InvalidParameterException`, async () => {
      const builder = pact.addInteraction();
      const given = needsRepository ? builder.given(STATE.repository, repoState) : builder;
      await given
        .uponReceiving(`${what}`)
        .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody(input))
        .willRespondWith(400, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody(errorBody('InvalidParameterException', 'Invalid parameter')))
        .executeTest(async (server) => {
          const err = await rejection(send(server.url, input));
          expect(err).toBeInstanceOf(InvalidParameterException);
        });
    });
  }

  it('a repository that does not exist → 400 RepositoryNotFoundException', async () => {
    const input = { repositoryName: PACT_MISSING_REPOSITORY, layerDigests: [PACT_LAYER.digest] };
    await pact.addInteraction()
      .given(STATE.noRepository, { repositoryName: PACT_MISSING_REPOSITORY })
      .uponReceiving('a repository that does not exist')
      .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody(input))
      .willRespondWith(400, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody(errorBody('RepositoryNotFoundException', `The repository with name '${PACT_MISSING_REPOSITORY}' does not exist`)))
      .executeTest(async (server) => {
        expect(await rejection(send(server.url, input))).toBeInstanceOf(RepositoryNotFoundException);
      });
  });

  it('the AWS CLI page example (its own contract: its layer bytes are not public, so only a registry that holds it can verify it)', async () => {
    const example = operationSpec().examples[0]!;
    const layer = (example.response['layers'] as { layerDigest: string; layerSize: number; mediaType: string }[])[0]!;
    await examplePact.addInteraction()
      .given(STATE.example, { repositoryName: example.request.repositoryName, layerDigest: layer.layerDigest })
      .uponReceiving('the AWS CLI page example')
      .withRequest('POST', '/', (b) => b.headers(requestHeaders).jsonBody(example.request))
      .willRespondWith(200, (b) => b.headers({ 'Content-Type': amzJson }).jsonBody({
        layers: eachLike({ layerDigest: digest(layer.layerDigest), layerAvailability: regex('^AVAILABLE$', 'AVAILABLE'), layerSize: integer(layer.layerSize), mediaType: like(layer.mediaType) }),
      }))
      .executeTest(async (server) => {
        const out = await send(server.url, example.request);
        expect(out.layers?.[0]?.layerSize).toBe(layer.layerSize);
      });
  });
});

afterAll(() => {
  for (const file of [PACT_FILE, EXAMPLE_PACT_FILE]) {
    if (process.env['UPDATE_PACT']) copyFileSync(join(dir, file), join(COMMITTED, file));
  }
});

describe('the committed contract', () => {
  it.sequential('is what the consumer tests write, byte for byte (UPDATE_PACT=1 npx vitest run test/pact-consumer.test.ts refreshes it)', () => {
    for (const file of [PACT_FILE, EXAMPLE_PACT_FILE]) {
      if (process.env['UPDATE_PACT']) continue;
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(COMMITTED, file), 'utf8'));
    }
  });
});
