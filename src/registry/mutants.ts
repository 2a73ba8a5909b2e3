// Mutants: variants of the reference registry that each break one behaviour. The suite proves a
// rule can fail by running against them; users can serve them to see what a finding looks like.
import { Readable } from 'node:stream';
import type { RegistryBehaviour } from './behaviour.ts';
import type { Answer, BatchCheckOutput, RegistryHooks } from './hooks.ts';
import type { Repository } from './store.ts';

export interface Mutant {
  id: string;
  description: string;
  hooks?: RegistryHooks;
  behaviour?: Partial<RegistryBehaviour>;
}

type Item = Record<string, unknown>;
const mapLayers = (f: (l: Item) => Item | undefined) => (o: BatchCheckOutput): BatchCheckOutput => ({
  ...o, ...(o.layers ? { layers: o.layers.map(f).filter((l): l is Item => l !== undefined) } : {}),
});
const mapFailures = (f: (l: Item) => Item) => (o: BatchCheckOutput): BatchCheckOutput => ({ ...o, ...(o.failures ? { failures: o.failures.map(f) } : {}) });
const rewriteErrors = (f: (body: Item, a: Answer) => Answer) => (a: Answer): Answer => {
  if (a.status < 300) return a;
  return f(JSON.parse(a.body.toString()) as Item, a);
};
const isCanonical = (d: string) => /^sha256:[a-f0-9]{64}$/.test(d);
const emptyRepository = (name: string, registryId: string): Repository => ({ name, registryId, createdAt: new Date(0), layers: new Map(), uploads: new Map(), images: new Map() });

export const MUTANTS: readonly Mutant[] = [
  { id: 'content-type-json', description: 'answers with Content-Type application/json', hooks: { answer: (a) => ({ ...a, headers: { ...a.headers, 'content-type': 'application/json' } }) } },
  { id: 'no-request-id', description: 'sends no x-amzn-RequestId header', hooks: { answer: (a) => { const { ['x-amzn-requestid']: _, ...headers } = a.headers; return { ...a, headers }; } } },
  { id: 'error-type-in-header-only', description: 'names the error type only in x-amzn-ErrorType, not in the body', hooks: { answer: rewriteErrors((b, a) => { const { __type: _, ...rest } = b; return { ...a, body: JSON.stringify(rest) }; }) } },
  { id: 'not-found-404', description: 'answers RepositoryNotFoundException with HTTP 404', hooks: { answer: (a) => (a.status === 400 && a.body.includes('RepositoryNotFoundException') ? { ...a, status: 404 } : a) } },
  { id: 'extra-top-level-members', description: 'adds registryId and repositoryName to the output, as one emulator does', hooks: { batchCheck: (o, c) => ({ ...o, registryId: c.registryId, repositoryName: c.repository.name }) } },
  { id: 'layer-size-as-string', description: 'sends layerSize as a JSON string', hooks: { batchCheck: mapLayers((l) => (l['layerSize'] === undefined ? l : { ...l, layerSize: String(l['layerSize']) })) } },
  { id: 'failure-extra-member', description: 'puts repositoryName inside every failure', hooks: { batchCheck: (o, c) => mapFailures((f) => ({ ...f, repositoryName: c.repository.name }))(o) } },
  { id: 'lowercase-availability', description: 'writes layerAvailability in lower case', hooks: { batchCheck: mapLayers((l) => ({ ...l, layerAvailability: String(l['layerAvailability']).toLowerCase() })) } },
  {
    id: 'malformed-in-layers', description: 'reports malformed digests as UNAVAILABLE layers instead of failures',
    hooks: { batchCheck: (o) => ({ layers: [...(o.layers ?? []), ...(o.failures ?? []).map((f) => ({ layerDigest: f['layerDigest'], layerAvailability: 'UNAVAILABLE' }))], failures: [] }) },
  },
  { id: 'drop-absent', description: 'leaves never-stored digests out of the answer', hooks: { batchCheck: mapLayers((l) => (l['layerAvailability'] === 'UNAVAILABLE' ? undefined : l)) } },
  {
    id: 'absent-in-both', description: 'reports a never-stored digest both as UNAVAILABLE and as a MissingLayerDigest failure',
    hooks: { batchCheck: (o) => ({ ...o, failures: [...(o.failures ?? []), ...(o.layers ?? []).filter((l) => l['layerAvailability'] === 'UNAVAILABLE').map((l) => ({ layerDigest: l['layerDigest'], failureCode: 'MissingLayerDigest', failureReason: 'not found' }))] }) },
  },
  { id: 'extra-digest', description: 'adds a digest nobody asked for', hooks: { batchCheck: (o) => ({ ...o, layers: [...(o.layers ?? []), { layerDigest: `sha256:${'e'.repeat(64)}`, layerAvailability: 'UNAVAILABLE' }] }) } },
  {
    id: 'lowercase-echo', description: 'echoes digests in lower case',
    hooks: { batchCheck: (o) => mapFailures((f) => ({ ...f, layerDigest: String(f['layerDigest']).toLowerCase() }))(mapLayers((l) => ({ ...l, layerDigest: String(l['layerDigest']).toLowerCase() }))(o)) },
  },
  { id: 'accept-empty-list', description: 'accepts an empty layerDigests list', hooks: { limits: { minItems: 0 } } },
  { id: 'accept-101', description: 'accepts more than 100 digests', hooks: { limits: { maxItems: 1000 } } },
  { id: 'accept-long-digest', description: 'accepts digests longer than 1000 characters', hooks: { limits: { digestMaxLength: 1_000_000 } } },
  { id: 'accept-any-name-length', description: 'does not check the repositoryName length', hooks: { limits: { nameMinLength: 0, nameMaxLength: 1_000_000 } } },
  { id: 'no-repository-name-pattern', description: 'does not check the repositoryName pattern', hooks: { skip: { repositoryNamePattern: true } } },
  { id: 'accept-any-registry-id', description: 'does not check the registryId pattern', hooks: { skip: { registryIdPattern: true } } },
  { id: 'crash-on-bad-members', description: 'crashes (500) on a missing or mistyped member instead of a client error', hooks: { skip: { memberTypes: true } } },
  {
    id: 'missing-repository-as-failures', description: 'answers a missing repository with per-digest results instead of RepositoryNotFoundException',
    hooks: { resolveRepository: (id, _explicit, name, find) => find(id, name) ?? emptyRepository(name, id) },
  },
  { id: 'reject-100', description: 'rejects a list of exactly 100 digests', hooks: { limits: { maxItems: 99 } } },
  { id: 'wrong-layer-size', description: 'reports a stored layer one byte larger than stored', hooks: { batchCheck: mapLayers((l) => (typeof l['layerSize'] === 'number' ? { ...l, layerSize: (l['layerSize'] as number) + 1 } : l)) } },
  {
    id: 'absent-available', description: 'reports every well-formed digest as AVAILABLE',
    hooks: { batchCheck: mapLayers((l) => (l['layerAvailability'] === 'UNAVAILABLE' ? { ...l, layerAvailability: 'AVAILABLE', layerSize: 0, mediaType: 'application/octet-stream' } : l)) },
  },
  { id: 'empty-failure-reason', description: 'sends an empty failureReason', hooks: { batchCheck: mapFailures((f) => ({ ...f, failureReason: '' })) } },
  {
    id: 'first-only', description: 'answers by position: only the first digest of a list is looked up',
    hooks: { batchCheck: (o, c) => mapLayers((l) => (l['layerAvailability'] === 'AVAILABLE' && l['layerDigest'] !== c.digests[0] ? { layerDigest: l['layerDigest'], layerAvailability: 'UNAVAILABLE' } : l))(o) },
  },
  {
    id: 'batch-size-sensitive', description: 'loses stored layers in batches of more than 10 digests',
    hooks: { batchCheck: (o, c) => (c.digests.length > 10 ? mapLayers((l) => (l['layerAvailability'] === 'AVAILABLE' ? { layerDigest: l['layerDigest'], layerAvailability: 'UNAVAILABLE' } : l))(o) : o) },
  },
  {
    id: 'mutating-check', description: 'stores every absent canonical digest it is asked about, so a second check differs',
    hooks: { batchCheck: (o, c) => { for (const d of c.digests) if (isCanonical(d) && !c.repository.layers.has(d)) c.repository.layers.set(d, { size: 0, mediaType: null }); return o; } },
  },
  { id: 'explicit-registry-id-not-found', description: 'treats an explicit registryId, even the caller\'s own, as another registry', hooks: { resolveRepository: (id, explicit, name, find) => (explicit ? undefined : find(id, name)) } },
  { id: 'shared-layer-store', description: 'finds a layer in any repository of the registry', hooks: { lookupLayer: (repo, digest, all) => repo.layers.get(digest) ?? all.map((r) => r.layers.get(digest)).find(Boolean) } },
  {
    id: 'inconsistent-absent', description: 'answers never-stored digests sometimes as UNAVAILABLE, sometimes as MissingLayerDigest',
    hooks: {
      batchCheck: (o) => {
        const odd = (l: Item) => l['layerAvailability'] === 'UNAVAILABLE' && /[13579bdf]$/.test(String(l['layerDigest']));
        const moved = (o.layers ?? []).filter(odd).map((l) => ({ layerDigest: l['layerDigest'], failureCode: 'MissingLayerDigest', failureReason: 'not found' }));
        return { layers: (o.layers ?? []).filter((l) => !odd(l)), failures: [...(o.failures ?? []), ...moved] };
      },
    },
  },
  { id: 'absent-as-missing', description: 'answers never-stored digests with MissingLayerDigest (as moto does)', behaviour: { absent: 'missing-failure' } },
  { id: 'collapse-duplicates', description: 'answers a repeated digest once', behaviour: { duplicates: 'collapse' } },
  { id: 'grey-invalid', description: 'rejects non-canonical digests (uppercase hex, sha512, short hex) as InvalidLayerDigest', behaviour: { grey: 'invalid-failure' } },
  { id: 'omit-empty-lists', description: 'leaves empty layers/failures lists out', behaviour: { emptyLists: 'omitted' } },
  { id: 'empty-digest-invalid', description: 'answers the empty digest with InvalidLayerDigest', behaviour: { emptyDigest: 'invalid-failure' } },
  { id: 'old-repository-name-model', description: 'applies the 2015 repositoryName pattern (rejects a__b)', behaviour: { repositoryNameModel: '2015-12-21' } },
  {
    id: 'html-500', description: 'answers every call with an HTML 500 page, as moto does for this operation',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(500, { 'content-type': 'text/html' }).end('<!doctype html><title>500</title><p>NotImplementedError: ECR.batch_check_layer_availability is not yet implemented</p>'); return true; } },
  },
  {
    id: 'not-implemented-501', description: 'answers every call with 501 InternalFailure, as LocalStack does',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(501, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end(JSON.stringify({ __type: 'InternalFailure', message: "API for service 'ecr' not yet implemented or pro feature" })); return true; } },
  },
  { id: 'reset', description: 'resets every connection', hooks: { takeOver: (req) => { req.socket.destroy(); return true; } } },
  { id: 'stall', description: 'never answers', hooks: { takeOver: (req) => { req.resume(); return true; } } },
  {
    id: 'truncated-json', description: 'answers 200 with JSON cut off in the middle',
    hooks: { takeOver: (req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }).end('{"layers":[{"layerDigest":"sha256:'); return true; } },
  },
  {
    id: 'huge-body', description: 'answers with a 500 MB body',
    hooks: {
      takeOver: (req, res) => {
        req.resume();
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const body = new Readable({ read() { sent++; this.push(sent > 500 ? null : chunk); } });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r', 'content-length': String(500 * chunk.length) });
        body.pipe(res);
        res.on('close', () => body.destroy());
        return true;
      },
    },
  },
];

export function mutant(id: string): Mutant | undefined {
  return MUTANTS.find((m) => m.id === id);
}
