// The committed cassettes: documented scenarios recorded from the embedded registry, the AWS CLI
// page's example, and hand-made variants that a conformant server may legally send.
import { startRegistry } from '../registry/server.ts';
import { amzTarget, operationSpec } from '../spec/index.ts';
import { createRepository, uploadLayer } from '../target/seed.ts';
import { Target } from '../target/target.ts';
import { CASSETTE_VERSION, type Cassette, type CassetteInteraction } from './cassette.ts';
import { FIXED_REQUEST_ID, toInteraction } from './record.ts';

const REPO = 'ecr-conformance-cassettes';
const LAYER = Buffer.from('ecr-conformance cassette layer\n');
const ABSENT = `sha256:${'0'.repeat(63)}2`;
const JSON_TYPE = operationSpec().framing.contentType.value;

type Input = { repositoryName: string; layerDigests: string[]; registryId?: string };

function scenarios(present: string): [string, string, Input][] {
  const limits = operationSpec().input;
  const max = limits.layerDigests.maxItems.value;
  return [
    ['stored-absent-malformed', 'a stored, an absent and a malformed digest', { repositoryName: REPO, layerDigests: [present, ABSENT, 'not-a-digest'] }],
    ['stored-layer', 'a stored layer', { repositoryName: REPO, layerDigests: [present] }],
    ['duplicates', 'a digest requested twice', { repositoryName: REPO, layerDigests: [present, present] }],
    ['empty-string-digest', 'the empty string as a digest', { repositoryName: REPO, layerDigests: [''] }],
    ['grey-digest', 'an uppercase-hex digest', { repositoryName: REPO, layerDigests: [`sha256:${'AB'.repeat(32)}`] }],
    ['own-registry-id', 'the caller\'s own registryId', { registryId: '123456789012', repositoryName: REPO, layerDigests: [present] }],
    ['hundred-digests', `${max} digests (accepted)`, { repositoryName: REPO, layerDigests: Array.from({ length: max }, (_, i) => `sha256:${i.toString(16).padStart(64, 'c')}`) }],
    ['empty-list', 'an empty digest list', { repositoryName: REPO, layerDigests: [] }],
    ['too-many', `${max + 1} digests`, { repositoryName: REPO, layerDigests: Array.from({ length: max + 1 }, (_, i) => `sha256:${i.toString(16).padStart(64, 'd')}`) }],
    ['digest-too-long', `a digest of ${limits.layerDigests.items.maxLength.value + 1} characters`, { repositoryName: REPO, layerDigests: [`sha256:${'e'.repeat(limits.layerDigests.items.maxLength.value - 6)}`] }],
    ['bad-repository-name', 'a repository name outside the pattern', { repositoryName: 'Bad_Name', layerDigests: [present] }],
    ['bad-registry-id', 'a registry id that is not 12 digits', { registryId: 'abc', repositoryName: REPO, layerDigests: [present] }],
    ['missing-repository', 'a repository that does not exist', { repositoryName: `${REPO}-missing`, layerDigests: [present] }],
  ];
}

/** Records the documented scenarios from a fresh embedded registry: deterministic, byte for byte. */
export async function recordDocumented(): Promise<Cassette> {
  const registry = await startRegistry();
  const target = new Target({ endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 1, transport: 'sdk' });
  try {
    await createRepository(target.client, { repositoryName: REPO });
    const present = (await uploadLayer(target.client, { repositoryName: REPO }, LAYER)).value;
    const interactions: CassetteInteraction[] = [];
    for (const [id, title, input] of scenarios(present)) {
      const x = await target.send(id, { label: 'only', body: input });
      const i = toInteraction(x, id, title, { maskAccountIds: false, keepRequestIds: false });
      if (i) interactions.push(i);
    }
    return { cassetteVersion: CASSETTE_VERSION, name: 'documented', description: 'The documented scenarios, recorded from the embedded reference registry', source: { kind: 'embedded', recordedWith: `@aws-sdk/client-ecr (sdk transport)` }, interactions };
  } finally {
    target.close();
    await registry.close();
  }
}

export async function recordExample(): Promise<Cassette> {
  const registry = await startRegistry({ preloadExample: true });
  const target = new Target({ endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5_000, rps: 0, maxRequests: 0, concurrency: 1, transport: 'sdk' });
  try {
    const example = operationSpec().examples[0]!;
    const x = await target.send('cli-example', { label: 'only', body: example.request });
    const i = toInteraction(x, 'cli-example', example.title, { maskAccountIds: false, keepRequestIds: false })!;
    return { cassetteVersion: CASSETTE_VERSION, name: 'cli-example', description: 'The AWS CLI page example, answered as documented', source: { kind: 'example' }, interactions: [i] };
  } finally {
    target.close();
    await registry.close();
  }
}

/** Answers a conformant server may legally send, which clients must survive. */
export function variants(): Cassette {
  const present = `sha256:${'a'.repeat(64)}`;
  const input: Input = { repositoryName: REPO, layerDigests: [present, 'not-a-digest'] };
  const request = { headers: { 'content-type': JSON_TYPE, 'x-amz-target': amzTarget('BatchCheckLayerAvailability') }, body: JSON.stringify(input) };
  const ok = (body: string, extra: Record<string, string> = {}) => ({ status: 200, headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': FIXED_REQUEST_ID, ...extra }, body });
  const err = (status: number, body: unknown, extra: Record<string, string> = {}) => ({ status, headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': FIXED_REQUEST_ID, ...extra }, body: JSON.stringify(body) });
  const layer = (over: Record<string, unknown> = {}) => ({ layerDigest: present, layerAvailability: 'AVAILABLE', layerSize: 1234, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...over });
  const failure = { layerDigest: 'not-a-digest', failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' };
  const v = (id: string, title: string, response: CassetteInteraction['response']): CassetteInteraction => ({ id, title, origin: 'variant', input, request, response });
  return {
    cassetteVersion: CASSETTE_VERSION,
    name: 'variants',
    description: 'Hand-made answers a conformant server may legally send and every client must survive',
    source: { kind: 'hand-made' },
    interactions: [
      v('enum-archived', 'ARCHIVED, a value SDKs older than the 2025-11-19 model do not know', ok(JSON.stringify({ layers: [layer({ layerAvailability: 'ARCHIVED' })], failures: [failure] }))),
      v('enum-unknown', 'enum values no model has yet', ok(JSON.stringify({ layers: [layer({ layerAvailability: 'FROZEN' })], failures: [{ ...failure, failureCode: 'SomeNewCode' }] }))),
      v('unknown-members', 'members no model has (top level and inside a layer)', ok(JSON.stringify({ layers: [layer({ storageClass: 'STANDARD' })], failures: [failure], registryId: '123456789012', repositoryName: REPO }))),
      v('empty-lists-omitted', 'empty lists left out', ok(JSON.stringify({ layers: [layer()] }))),
      v('layer-size-near-2-53', 'layerSize 2^53 - 1, the largest integer a JavaScript number holds exactly', ok(`{"layers":[{"layerDigest":"${present}","layerAvailability":"AVAILABLE","layerSize":9007199254740991,"mediaType":"application/octet-stream"}],"failures":[]}`)),
      v('empty-body', 'a 200 with an empty body', ok('')),
      v('error-type-bare', 'error type as Name', err(400, { __type: 'RepositoryNotFoundException', message: "The repository with name 'x' does not exist" })),
      v('error-type-namespaced', 'error type as ns#Name', err(400, { __type: 'com.amazonaws.ecr#RepositoryNotFoundException', message: 'not found' })),
      v('error-type-uri', 'error type as ns#Name:uri', err(400, { __type: 'com.amazonaws.ecr#InvalidParameterException:http://internal.amazon.com/coral/com.amazon.coral.validate/', message: 'Invalid parameter' })),
      v('error-type-header-only', 'error type only in the x-amzn-ErrorType header', err(400, { message: 'Invalid parameter' }, { 'x-amzn-errortype': 'InvalidParameterException:http://internal.amazon.com/coral/com.amazon.coral.validate/' })),
      v('error-code-member', 'error type in a body code member, message capitalised', err(400, { code: 'RepositoryNotFoundException', Message: 'not found' })),
      v('error-header-body-disagree', 'header and body name different errors (clients differ on which wins)', err(400, { __type: 'RepositoryNotFoundException', message: 'from the body' }, { 'x-amzn-errortype': 'InvalidParameterException' })),
      v('server-exception', 'ServerException, HTTP 500', err(500, { __type: 'ServerException', message: 'internal error' })),
      v('throttling', 'a throttle, an error the model does not list', err(400, { __type: 'ThrottlingException', message: 'Rate exceeded' })),
    ],
  };
}
