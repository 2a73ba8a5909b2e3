// Every rule with an exchange that passes it and one that breaks it; plus the laws every rule obeys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange, Knowledge } from '../model.ts';
import { catalogue } from './catalogue.ts';
import { length } from './contract.ts';
import { FingerprintTally } from './fingerprint.ts';
import { facetKey, FindingTally, judgeCase, judgeRun, type JudgedFinding, verdicts, type VerdictContext } from './judge.ts';
import { view } from './view.ts';

const P = `sha256:${'a'.repeat(64)}`; // stored, 10 bytes
const A = `sha256:${'b'.repeat(64)}`; // absent
const GREY = `sha256:${'C'.repeat(64)}`;
const U = `sha256:${'d'.repeat(64)}`; // stored, 4 bytes, no manifest references it
const F = `sha256:${'f'.repeat(64)}`; // the fresh layer a scenario uploads
const CFG = `sha256:${'9'.repeat(64)}`; // stored, 10 bytes, referenced as an image's config
const M = `sha256:${'8'.repeat(64)}`; // stored in two parts, 4097 bytes
const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';
const S512 = `sha512:${'e'.repeat(128)}`;
const S512X = `sha512:${'e'.repeat(100)}`;
const uploaded = { kind: 'upload' as const, repositoryName: 'repo', ok: true, detail: 'accepted', digest: F, size: 7 };
// Read-your-write's layers uploaded together with F: T2 and T3, their calls interleaved.
const T2 = `sha256:${'2'.repeat(64)}`;
const T3 = `sha256:${'3'.repeat(64)}`;
const together = [{ ...uploaded, together: 3 }, { ...uploaded, digest: T2, size: 8, together: 3 }, { ...uploaded, digest: T3, size: 9, together: 3 }];
const uploadedTogether = together.map((action, i): Ex => ({ label: i === 0 ? 'upload' : `upload-${i + 1}`, action }));
// The unfinished-upload scenario: S sent and completed under C (never sent); F sent in parts, never completed.
const S = `sha256:${'5'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const abandoned = { kind: 'upload-unfinished' as const, repositoryName: 'repo', ok: true, detail: 'parts accepted', digest: F, size: 7 };
const mismatched = (completed: boolean) => ({ kind: 'upload-mismatched' as const, repositoryName: 'repo', ok: true, detail: completed ? 'accepted' : 'refused', digest: S, size: 9, claimed: C, completed });
// …and N, named in an image manifest put with PutImage, never uploaded.
const N = `sha256:${'4'.repeat(64)}`;
const named = (completed: boolean) => ({ kind: 'put-image-unuploaded' as const, repositoryName: 'repo', ok: true, detail: completed ? 'PutImage accepted it' : 'PutImage refused it', digest: N, size: 11, completed });
// …and X, sent to an upload started in 'other' and completed through 'repo'.
const X = `sha256:${'7'.repeat(64)}`;
const crossed = (completed: boolean) => ({ kind: 'upload-crossed' as const, repositoryName: 'repo', from: 'other', ok: true, detail: completed ? 'accepted' : 'refused', digest: X, size: 13, completed });
// …and Y, its parts sent through 'repo' to an upload started in 'other', completed there.
const Y = `sha256:${'6'.repeat(64)}`;
const partsCrossed = (completed: boolean) => ({ kind: 'upload-parts-crossed' as const, repositoryName: 'repo', from: 'other', ok: true, detail: completed ? 'accepted' : 'refused', digest: Y, size: 14, completed });
// The recreate scenario's Z: sent to an upload left open before the deletion, completed after the repository was created again.
const Z = `sha256:${'8'.repeat(64)}`;
const started = { kind: 'upload-started' as const, repositoryName: 'repo', ok: true, detail: 'parts accepted', digest: Z, size: 15 };
const finished = (completed: boolean) => ({ kind: 'complete-started' as const, repositoryName: 'repo', ok: true, detail: completed ? 'accepted' : 'refused', digest: Z, size: 15, completed });
const deleted = { kind: 'delete-repository' as const, repositoryName: 'repo', ok: true, detail: 'accepted' };
const created = { kind: 'create-repository' as const, repositoryName: 'repo', ok: true, detail: 'accepted' };
const gone = { kind: 'check-deleted' as const, repositoryName: 'repo', ok: true, detail: 'RepositoryNotFoundException' };
const stillThere = { kind: 'check-deleted' as const, repositoryName: 'repo', ok: false, detail: 'still answered after 1.75 s: a success', answered: 'a success: {"layers":[…]}' };
const K: Knowledge = {
  accountId: '123456789012',
  otherAccountId: '000000000000',
  repositories: { repo: { layers: { [P]: { size: 10, referenced: true }, [U]: { size: 4, referenced: false }, [CFG]: { size: 10, referenced: true, mediaType: CONFIG_TYPE }, [M]: { size: 4097, referenced: false, inParts: true } }, complete: true }, other: { layers: {}, complete: true } },
  primary: 'repo',
  secondary: 'other',
  missingRepositories: ['gone'],
};
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r-1' };
const avail = (d = P, extra: Record<string, unknown> = {}) => ({ layerDigest: d, layerAvailability: 'AVAILABLE', layerSize: 10, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...extra });
const unavail = (d = A) => ({ layerDigest: d, layerAvailability: 'UNAVAILABLE' });
const fail = (d: string, code = 'InvalidLayerDigest', reason = 'bad') => ({ layerDigest: d, failureCode: code, failureReason: reason });

interface Ex { label?: string; req?: unknown; rawReq?: string; status?: number; res?: unknown; rawRes?: string; headers?: Record<string, string>; invalidUtf8?: true; action?: Exchange['action'] }
function ex(e: Ex): Exchange {
  if (e.action) return { caseId: 'c', label: e.label ?? 'action', request: { operation: e.action.kind, headers: {}, body: '{}' }, action: e.action, durationMs: 1 };
  return {
    caseId: 'c', label: e.label ?? 'only',
    request: { operation: 'BatchCheckLayerAvailability', headers: {}, body: e.rawReq ?? JSON.stringify(e.req ?? { repositoryName: 'repo', layerDigests: [P] }) },
    response: { status: e.status ?? 200, headers: e.headers ?? JSON_HEADERS, body: e.rawRes ?? JSON.stringify(e.res ?? { layers: [avail()], failures: [] }), ...(e.invalidUtf8 ? { invalidUtf8: true as const } : {}) },
    durationMs: 1,
  };
}
const err = (type: string, status = 400, extra: Partial<Ex> = {}): Ex => ({ status, res: { __type: type, message: 'm' }, ...extra });
const req = (layerDigests: unknown, more: Record<string, unknown> = {}) => ({ repositoryName: 'repo', layerDigests, ...more });

/** For each rule: cases (one or more exchanges) that must PASS, and cases that must break it. */
const TABLE: Record<string, { pass: Ex[][]; fail: Ex[][] }> = {
  'framing.content-type': { pass: [[{}]], fail: [[{ headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'r' } }]] },
  'framing.request-id': { pass: [[{}], [{ headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-request-id': 'r' } }]], fail: [[{ headers: { 'content-type': 'application/x-amz-json-1.1' } }]] },
  'wire.json': {
    pass: [[{}], [{ rawRes: '{"layers":[{"layerDigest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","layerAvailability":"AVAILABLE","layerSize":10,"mediaType":"\\u0078"}],"failures":[]}' }]],
    fail: [[{ rawRes: '{"layers":[],"failures":[],"layers":[]}' }], [{ invalidUtf8: true }],
      // A success that came whole but is not JSON: a byte-order mark, a trailing comma, a second document.
      [{ rawRes: `\uFEFF${JSON.stringify({ layers: [avail()], failures: [] })}` }], [{ rawRes: JSON.stringify({ layers: [avail()], failures: [] }).replace(']', ',]') }],
      [{ rawRes: `${JSON.stringify({ layers: [avail()], failures: [] })}\n{}` }]],
  },
  'wire.integers': {
    pass: [[{}], [{ rawRes: JSON.stringify({ layers: [avail(P, { layerSize: 9007199254740993 })] }).replace('9007199254740992', '9007199254740993') }]],
    fail: [[{ rawRes: JSON.stringify({ layers: [avail()], failures: [] }).replace('"layerSize":10', '"layerSize":10.0') }], [{ rawRes: JSON.stringify({ layers: [avail()] }).replace('"layerSize":10', '"layerSize":1e1') }],
      [{ rawRes: JSON.stringify({ layers: [avail()] }).replace('"layerSize":10', '"layerSize":9223372036854775808') }]],
  },
  'framing.error-type': {
    pass: [[err('InvalidParameterException')], [{ status: 400, res: { __type: 'com.amazonaws.ecr#RepositoryNotFoundException:http://x', message: 'm' } }]],
    fail: [[{ status: 400, res: { message: 'm' }, headers: { ...JSON_HEADERS, 'x-amzn-errortype': 'InvalidParameterException' } }],
      [{ status: 400, res: { __type: 'InvalidParameterException' } }], [{ status: 400, res: { __type: 'MadeUpException', message: 'm' } }], [{ status: 400, rawRes: 'oops' }]],
  },
  'framing.error-status': { pass: [[err('RepositoryNotFoundException')], [{}]], fail: [[err('RepositoryNotFoundException', 404)], [err('ServerException', 400)], [{ status: 202 }]] },
  'shape.top-level': { pass: [[{}]], fail: [[{ res: { layers: [], failures: [], registryId: '1' } }], [{ res: { layers: {} } }], [{ res: [1] }], [{ res: { layers: [avail()], failures: null } }]] },
  'shape.layer': { pass: [[{}]], fail: [[{ res: { layers: [avail(P, { layerSize: '10' })] } }], [{ res: { layers: [avail(P, { layerSize: -1 })] } }], [{ res: { layers: [avail(P, { extra: 1 })] } }], [{ res: { layers: [{ layerAvailability: 'AVAILABLE' }] } }]] },
  'shape.failure': { pass: [[{ req: req(['x']), res: { layers: [], failures: [fail('x')] } }]], fail: [[{ req: req(['x']), res: { failures: [{ ...fail('x'), repositoryName: 'repo' }] } }], [{ req: req(['x']), res: { failures: [{ layerDigest: 'x' }] } }]] },
  'shape.enums': { pass: [[{}], [{ res: { layers: [avail(P, { layerAvailability: 'ARCHIVED' })] } }]], fail: [[{ res: { layers: [avail(P, { layerAvailability: 'available' })] } }], [{ req: req(['x']), res: { failures: [fail('x', 'NotFound')] } }]] },
  'shape.layer-digest-pattern': { pass: [[{}]], fail: [[{ req: req(['not-a-digest']), res: { layers: [unavail('not-a-digest')], failures: [] } }]] },
  'partition.complete': { pass: [[{}]], fail: [[{ req: req([P, A]), res: { layers: [avail()], failures: [] } }]] },
  'partition.exclusive': { pass: [[{ req: req([P, P]), res: { layers: [avail(), avail()], failures: [] } }]], fail: [[{ req: req([A]), res: { layers: [unavail()], failures: [fail(A, 'MissingLayerDigest')] } }], [{ res: { layers: [avail(), avail()] } }]] },
  'partition.no-extra': { pass: [[{}]], fail: [[{ res: { layers: [avail(), unavail()], failures: [] } }]] },
  'partition.echo': { pass: [[{ req: req([GREY]), res: { layers: [unavail(GREY)] } }]], fail: [[{ req: req([GREY]), res: { layers: [unavail(GREY.toLowerCase())] } }], [{ req: req([` ${A}`]), res: { failures: [fail(A)] } }]] },
  'validate.empty-list': { pass: [[{ req: req([]), ...err('InvalidParameterException') }]], fail: [[{ req: req([]), res: { layers: [], failures: [] } }], [{ req: req([]), ...err('ValidationException') }]] },
  'validate.too-many': { pass: [[{ req: req(Array(101).fill(A)), ...err('InvalidParameterException') }]], fail: [[{ req: req(Array(101).fill(A)), res: { layers: [] } }]] },
  'validate.digest-too-long': { pass: [[{ req: req(['x'.repeat(1001)]), ...err('InvalidParameterException') }]], fail: [[{ req: req(['x'.repeat(1001)]), res: { failures: [fail('x'.repeat(1001))] } }]] },
  'validate.repository-name-length': { pass: [[{ req: { repositoryName: 'a', layerDigests: [A] }, ...err('InvalidParameterException') }]], fail: [[{ req: { repositoryName: 'a'.repeat(257), layerDigests: [A] }, ...err('RepositoryNotFoundException') }]] },
  'validate.repository-name-pattern': { pass: [[{ req: { repositoryName: 'Repo', layerDigests: [A] }, ...err('InvalidParameterException') }]], fail: [[{ req: { repositoryName: 'a..b', layerDigests: [A] }, ...err('RepositoryNotFoundException') }]] },
  'validate.registry-id': { pass: [[{ req: req([A], { registryId: '12' }), ...err('InvalidParameterException') }], [{ req: req([A], { registryId: '' }), ...err('InvalidParameterException') }]], fail: [[{ req: req([A], { registryId: 'abc' }), res: { layers: [unavail()] } }], [{ req: req([A], { registryId: '' }), res: { layers: [unavail()] } }]] },
  'validate.missing-member': { pass: [[{ rawReq: '', ...err('InvalidParameterException') }], [{ req: { layerDigests: [A] }, ...err('InvalidParameterException') }]], fail: [[{ req: { repositoryName: 'repo' }, ...err('ServerException', 500) }]] },
  'validate.wrong-type': { pass: [[{ req: req('sha256:x'), ...err('SerializationException') }]], fail: [[{ req: req(7), res: { layers: [] } }], [{ req: { repositoryName: 5, layerDigests: [A] }, ...err('ServerException', 500) }]] },
  'validate.repository-not-found': {
    pass: [[{ req: { repositoryName: 'gone', layerDigests: ['bad'] }, ...err('RepositoryNotFoundException') }], [{ req: { repositoryName: 'gone', layerDigests: [A, 'bad'] }, ...err('RepositoryNotFoundException') }]],
    fail: [[{ req: { repositoryName: 'gone', layerDigests: [A] }, res: { failures: [fail(A, 'MissingLayerDigest')] } }],
      // A handler that fails malformed digests before it looks the repository up: nothing else listed, it never does.
      [{ req: { repositoryName: 'gone', layerDigests: ['bad', ''] }, res: { layers: [], failures: [fail('bad'), fail('', 'MissingLayerDigest')] } }]],
  },
  'validate.valid-succeeds': {
    pass: [[{}], [{ req: { repositoryName: 'repo', layerDigests: [A], registryId: '123456789012' }, res: { layers: [unavail()], failures: [] } }]],
    fail: [[{ ...err('ServerException', 500) }], [{ status: 500, rawRes: '<html>oops</html>' }], [{ ...err('RepositoryNotFoundException') }], [{ req: req([P], { extra: 1 }), ...err('SerializationException') }]],
  },
  'validate.foreign-registry': {
    pass: [[{ req: req([P], { registryId: '000000000000' }), ...err('RepositoryNotFoundException') }], [{ req: req([P], { registryId: '000000000000' }), ...err('AccessDeniedException') }]],
    fail: [[{ req: req([P], { registryId: '000000000000' }) }], [{ req: req([P], { registryId: '000000000000' }), ...err('InvalidParameterException') }]],
  },
  'validate.accepts-valid': { pass: [[{ req: req(Array(100).fill(A)), res: { layers: Array(100).fill(unavail()) } }], [{ req: { repositoryName: 'ab', layerDigests: [A] }, ...err('RepositoryNotFoundException') }]], fail: [[{ req: req(['x'.repeat(1000)]), ...err('InvalidParameterException') }]] },
  'classify.malformed': { pass: [[{ req: req(['nope', '']), res: { layers: [], failures: [fail('nope'), fail('', 'MissingLayerDigest')] } }]], fail: [[{ req: req(['nope']), res: { layers: [unavail('nope')] } }], [{ req: req(['nope']), res: { failures: [fail('nope', 'MissingLayerDigest')] } }]] },
  'classify.present': {
    pass: [[{}], [{ req: req([U]), res: { layers: [avail(U, { layerSize: 4, mediaType: undefined })] } }], [{ req: req([CFG]), res: { layers: [avail(CFG, { mediaType: CONFIG_TYPE })] } }],
      [{ req: req([P, M]), res: { layers: [avail(), avail(M, { layerSize: 4097, mediaType: undefined })] } }]],
    fail: [[{ res: { layers: [avail(P, { layerSize: 11 })] } }], [{ res: { layers: [unavail(P)] } }], [{ res: { layers: [avail(P, { mediaType: undefined })] } }], [{ res: { failures: [fail(P, 'MissingLayerDigest')] } }],
      // The size of the last part alone, of a layer sent in two: a size column each part overwrote.
      [{ req: req([M]), res: { layers: [avail(M, { layerSize: 1, mediaType: undefined })] } }],
      // A config blob answered with a layer's media type, as a server that reports one fixed type does.
      [{ req: req([CFG]), res: { layers: [avail(CFG)] } }]],
  },
  'classify.absent': { pass: [[{ req: req([A]), res: { layers: [unavail()] } }], [{ req: req([A]), res: { failures: [fail(A, 'MissingLayerDigest')] } }]], fail: [[{ req: req([A]), res: { layers: [avail(A)] } }], [{ req: req([A]), res: { failures: [fail(A, 'InvalidLayerDigest')] } }]] },
  'classify.failure-reason': { pass: [[{ req: req(['x']), res: { failures: [fail('x')] } }]], fail: [[{ req: req(['x']), res: { failures: [fail('x', 'InvalidLayerDigest', '')] } }]] },
  'metamorphic.order': {
    pass: [[{ label: 'original', req: req([P, A]), res: { layers: [avail(), unavail()] } }, { label: 'permuted', req: req([A, P]), res: { layers: [unavail(), avail()] } }]],
    fail: [[{ label: 'original', req: req([P, A]), res: { layers: [avail(), unavail()] } }, { label: 'permuted', req: req([A, P]), res: { layers: [unavail(), unavail(P)] } }]],
  },
  'metamorphic.batch-independence': {
    pass: [[{ label: 'batch', req: req([P, A]), res: { layers: [avail(), unavail()] } }, { label: 'alone', req: req([P]) }],
      [{ label: 'batch', req: req([P, A]), res: { layers: [avail(), unavail()] } }, { label: 'alone', req: req([P]) }, { label: 'alone-absent', req: req([A]), res: { layers: [unavail()] } }]],
    fail: [[{ label: 'batch', req: req([P, A]), res: { layers: [unavail(P), unavail()] } }, { label: 'alone', req: req([P]) }],
      // The batch stored what it was asked about: the absent digest checked alone afterwards is AVAILABLE.
      [{ label: 'batch', req: req([P, A]), res: { layers: [avail(), unavail()] } }, { label: 'alone', req: req([P]) }, { label: 'alone-absent', req: req([A]), res: { layers: [avail(A, { layerSize: 0 })] } }]],
  },
  'metamorphic.idempotent': {
    pass: [[{ label: 'first' }, { label: 'second' }]],
    fail: [[{ label: 'first', req: req([A]), res: { layers: [unavail()] } }, { label: 'second', req: req([A]), res: { layers: [avail(A)] } }]],
  },
  'metamorphic.registry-id': {
    pass: [[{ label: 'implicit' }, { label: 'explicit', req: req([P], { registryId: '123456789012' }) }]],
    fail: [[{ label: 'implicit' }, { label: 'explicit', req: req([P], { registryId: '123456789012' }), ...err('RepositoryNotFoundException') }]],
  },
  'metamorphic.unknown-member': {
    pass: [[{ label: 'plain' }, { label: 'extra-member', req: req([P], { maxResults: 5 }) }]],
    fail: [[{ label: 'plain' }, { label: 'extra-member', req: req([P], { maxResults: 5 }), ...err('SerializationException') }], [{ label: 'plain' }, { label: 'extra-member', req: req([P], { maxResults: 5 }), res: { layers: [unavail(P)] } }]],
  },
  'metamorphic.read-your-write': {
    pass: [[{ label: 'before', req: req([F]), res: { layers: [unavail(F)] } }, { label: 'upload', action: uploaded }, { label: 'after', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }],
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'before', req: req([F]), res: { layers: [unavail(F)] } }, { label: 'upload', action: uploaded }, { label: 'after', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }],
      // Three layers uploaded at once, the first stored in the second repository before.
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'before', req: req([F, T2, T3]), res: { layers: [unavail(F), unavail(T2), unavail(T3)] } }, ...uploadedTogether,
        { label: 'after', req: req([F, T2, T3]), res: { layers: [avail(F, { layerSize: 7 }), avail(T2, { layerSize: 8 }), avail(T3, { layerSize: 9 })] } }],
      // One of them refused: the other two must be there; the refused one is not judged after.
      [{ label: 'before', req: req([F, T2, T3]), res: { layers: [unavail(F), unavail(T2), unavail(T3)] } }, ...uploadedTogether.map((x, i) => (i === 1 ? { ...x, action: { ...x.action!, ok: false, detail: 'refused' } } : x)),
        { label: 'after', req: req([F, T2, T3]), res: { layers: [avail(F, { layerSize: 7 }), unavail(T2), avail(T3, { layerSize: 9 })] } }]],
    fail: [
      // Layers uploaded at once, each upload writing back the repository as it read it when it started: only the last completed stays.
      [{ label: 'before', req: req([F, T2, T3]), res: { layers: [unavail(F), unavail(T2), unavail(T3)] } }, ...uploadedTogether,
        { label: 'after', req: req([F, T2, T3]), res: { layers: [unavail(F), unavail(T2), avail(T3, { layerSize: 9 })] } }],
      // A layer uploaded together with others AVAILABLE before its upload.
      [{ label: 'before', req: req([F, T2, T3]), res: { layers: [unavail(F), avail(T2, { layerSize: 8 }), unavail(T3)] } }, ...uploadedTogether,
        { label: 'after', req: req([F, T2, T3]), res: { layers: [avail(F, { layerSize: 7 }), avail(T2, { layerSize: 8 }), avail(T3, { layerSize: 9 })] } }],[{ label: 'before', req: req([F]), res: { layers: [unavail(F)] } }, { label: 'upload', action: uploaded }, { label: 'after', req: req([F]), res: { layers: [unavail(F)] } }],
      [{ label: 'before', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'upload', action: uploaded }, { label: 'after', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }],
      // Stored in another repository first: a store that skips linking a blob it holds already never shows it here.
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'before', req: req([F]), res: { layers: [unavail(F)] } }, { label: 'upload', action: uploaded }, { label: 'after', req: req([F]), res: { layers: [unavail(F)] } }],
      // Layers filed under a name both repositories flatten to: AVAILABLE before, and the upload then refused as a duplicate.
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'before', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'upload', action: { ...uploaded, ok: false, detail: 'LayerAlreadyExistsException' } }, { label: 'after', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }]],
  },
  'metamorphic.unfinished-upload': {
    pass: [[{ label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(false) }, { label: 'after', req: req([F, S, C]), res: { layers: [unavail(F), unavail(S), unavail(C)] } }],
      // Absent digests as failures are as good; so is a target that took the mismatched completion but stored nothing.
      [{ label: 'mismatch', action: mismatched(true) }, { label: 'abandon', action: abandoned }, { label: 'after', req: req([F, S, C]), res: { failures: [fail(F, 'MissingLayerDigest'), fail(S, 'MissingLayerDigest'), fail(C, 'MissingLayerDigest')] } }],
      // A manifest naming a layer never uploaded, refused as ECR does or accepted (PutImage's business): the layer is not there.
      [{ label: 'name', action: named(false) }, { label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(false) }, { label: 'after', req: req([F, S, C, N]), res: { layers: [unavail(F), unavail(S), unavail(C), unavail(N)] } }],
      [{ label: 'abandon', action: abandoned }, { label: 'name', action: named(true) }, { label: 'after', req: req([F, N]), res: { layers: [unavail(F), unavail(N)] } }],
      // A completion through another repository, refused as ECR refuses it or accepted: the layer is in neither.
      [{ label: 'cross', action: crossed(false) }, { label: 'abandon', action: abandoned }, { label: 'after', req: req([F, X]), res: { layers: [unavail(F), unavail(X)] } },
        { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [F, X] }, res: { layers: [unavail(F), unavail(X)] } }],
      [{ label: 'cross', action: crossed(true) }, { label: 'after', req: req([X]), res: { layers: [unavail(X)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [X] }, res: { layers: [unavail(X)] } }],
      // Parts sent through another repository than the upload's: refused as ECR refuses them, or taken; the layer is in neither.
      [{ label: 'cross-parts', action: partsCrossed(false) }, { label: 'after', req: req([Y]), res: { layers: [unavail(Y)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [Y] }, res: { layers: [unavail(Y)] } }],
      [{ label: 'cross-parts', action: partsCrossed(true) }, { label: 'after', req: req([Y]), res: { failures: [fail(Y, 'MissingLayerDigest')] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [Y] }, res: { layers: [unavail(Y)] } }]],
    fail: [
      // UploadLayerPart finding the upload by id alone: the parts land in the second repository's upload, completed there.
      [{ label: 'cross-parts', action: partsCrossed(true) }, { label: 'after', req: req([Y]), res: { layers: [unavail(Y)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [Y] }, res: { layers: [avail(Y, { layerSize: 14 })] } }],
      // Parts stored as they arrive, under the digest of what came so far.
      [{ label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(false) }, { label: 'after', req: req([F, S, C]), res: { layers: [avail(F, { layerSize: 7 }), unavail(S), unavail(C)] } }],
      // The digest computed from the content, the one claimed ignored (moto's pull request #10195).
      [{ label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(true) }, { label: 'after', req: req([F, S, C]), res: { layers: [unavail(F), avail(S, { layerSize: 9 }), unavail(C)] } }],
      // The digest claimed trusted: content filed under a digest it does not have.
      [{ label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(true) }, { label: 'after', req: req([F, S, C]), res: { layers: [unavail(F), unavail(S), avail(C, { layerSize: 9 })] } }],
      [{ label: 'abandon', action: abandoned }, { label: 'mismatch', action: mismatched(false) }, { label: 'after', req: req([F, S, C]), ...err('ServerException', 500) }],
      // What a manifest names taken to exist (a fake built around images).
      [{ label: 'abandon', action: abandoned }, { label: 'name', action: named(true) }, { label: 'after', req: req([F, N]), res: { layers: [unavail(F), avail(N, { layerSize: 11 })] } }],
      [{ label: 'name', action: named(false) }, { label: 'after', req: req([N]), res: { layers: [avail(N, { layerSize: 11 })] } }],
      // Uploads in one table keyed by id: the layer filed in the repository the completion names…
      [{ label: 'cross', action: crossed(true) }, { label: 'after', req: req([X]), res: { layers: [avail(X, { layerSize: 13 })] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [X] }, res: { layers: [unavail(X)] } }],
      // …or in the one the upload was started in, the completion refused or not; or any layer of the scenario there.
      [{ label: 'cross', action: crossed(true) }, { label: 'after', req: req([X]), res: { layers: [unavail(X)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [X] }, res: { layers: [avail(X, { layerSize: 13 })] } }],
      [{ label: 'abandon', action: abandoned }, { label: 'after', req: req([F]), res: { layers: [unavail(F)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [F] }, res: { layers: [avail(F, { layerSize: 7 })] } }],
      [{ label: 'cross', action: crossed(false) }, { label: 'after', req: req([X]), res: { layers: [unavail(X)] } }, { label: 'after-elsewhere', req: { repositoryName: 'other', layerDigests: [X] }, ...err('ServerException', 500) }]],
  },
  'metamorphic.recreate-forgets': {
    pass: [[{ label: 'upload', action: uploaded }, { label: 'stored', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'delete', action: deleted }, { label: 'create', action: created }, { label: 'recreated', req: req([F]), res: { layers: [unavail(F)] } }],
      [{ label: 'upload', action: uploaded }, { label: 'stored', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'delete', action: deleted }, { label: 'gone', action: gone }, { label: 'create', action: created }, { label: 'recreated', req: req([F]), res: { layers: [unavail(F)] } }],
      // The same layer stored in the second repository first stays there when this one is deleted; an
      // upload left open in it is gone with it.
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'upload', action: uploaded }, { label: 'stored', req: req([F, Z]), res: { layers: [avail(F, { layerSize: 7 }), unavail(Z)] } },
        { label: 'start', action: started }, { label: 'delete', action: deleted }, { label: 'gone', action: gone },
        { label: 'kept-elsewhere', req: { repositoryName: 'other', layerDigests: [F] }, res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'create', action: created }, { label: 'recreated', req: req([F, Z]), res: { layers: [unavail(F), unavail(Z)] } },
        { label: 'finish', action: finished(false) }, { label: 'finished', req: req([F, Z]), res: { layers: [unavail(F), unavail(Z)] } }]],
    fail: [[{ label: 'upload', action: uploaded }, { label: 'stored', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'delete', action: deleted }, { label: 'create', action: created }, { label: 'recreated', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }],
      // A garbage collector without reference counts: deleting this repository took the layer from the second one too.
      [{ label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } }, { label: 'upload', action: uploaded }, { label: 'stored', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'delete', action: deleted }, { label: 'gone', action: gone },
        { label: 'kept-elsewhere', req: { repositoryName: 'other', layerDigests: [F] }, res: { layers: [unavail(F)] } }, { label: 'create', action: created }, { label: 'recreated', req: req([F]), res: { layers: [unavail(F)] } }],
      // Uploads in a table of their own, keyed by repository name, that DeleteRepository leaves: one started before the deletion completes into the repository created again.
      [{ label: 'upload', action: uploaded }, { label: 'stored', req: req([F, Z]), res: { layers: [avail(F, { layerSize: 7 }), unavail(Z)] } }, { label: 'start', action: started }, { label: 'delete', action: deleted }, { label: 'gone', action: gone },
        { label: 'create', action: created }, { label: 'recreated', req: req([F, Z]), res: { layers: [unavail(F), unavail(Z)] } },
        { label: 'finish', action: finished(true) }, { label: 'finished', req: req([F, Z]), res: { layers: [unavail(F), avail(Z, { layerSize: 15 })] } }],
      // A soft delete one query forgets: the deleted repository still answers, though the re-created one is right.
      [{ label: 'upload', action: uploaded }, { label: 'stored', req: req([F]), res: { layers: [avail(F, { layerSize: 7 })] } }, { label: 'delete', action: deleted }, { label: 'gone', action: stillThere }, { label: 'create', action: created }, { label: 'recreated', req: req([F]), res: { layers: [unavail(F)] } }]],
  },
  'metamorphic.repository-isolation': {
    pass: [[{ label: 'home' }, { label: 'other', req: { repositoryName: 'other', layerDigests: [P] }, res: { layers: [unavail(P)] } }]],
    fail: [[{ label: 'home' }, { label: 'other', req: { repositoryName: 'other', layerDigests: [P] } }]],
  },
  'fingerprint.absent': { pass: [[{ req: req([A]), res: { layers: [unavail()], failures: [] } }]], fail: [[{ req: req([A]), res: { layers: [], failures: [fail(A, 'MissingLayerDigest')] } }]] },
  'fingerprint.duplicates': { pass: [[{ req: req([P, P]), res: { layers: [avail(), avail()], failures: [] } }]], fail: [[{ req: req([P, P]), res: { layers: [avail()], failures: [] } }]] },
  'fingerprint.grey': { pass: [[{ req: req([GREY]), res: { layers: [unavail(GREY)], failures: [] } }]], fail: [[{ req: req([GREY]), res: { layers: [], failures: [fail(GREY)] } }]] },
  'fingerprint.empty-lists': { pass: [[{}]], fail: [[{ res: { layers: [avail()] } }], [{ res: { layers: [avail()], failures: null } }]] },
  'fingerprint.empty-digest': { pass: [[{ req: req(['']), res: { layers: [], failures: [fail('', 'MissingLayerDigest')] } }]], fail: [[{ req: req(['']), res: { layers: [], failures: [fail('')] } }]] },
  'fingerprint.repository-name-model': {
    pass: [[{ label: 'new-model-name', req: { repositoryName: 'a__b', layerDigests: [A] }, ...err('RepositoryNotFoundException') }, { label: 'bad-name', req: { repositoryName: 'a._b', layerDigests: [A] }, ...err('InvalidParameterException') }]],
    fail: [[{ label: 'new-model-name', req: { repositoryName: 'a__b', layerDigests: [A] }, ...err('InvalidParameterException') }, { label: 'bad-name', req: { repositoryName: 'a._b', layerDigests: [A] }, ...err('InvalidParameterException') }],
      [{ label: 'new-model-name', req: { repositoryName: 'a__b', layerDigests: [A] }, ...err('RepositoryNotFoundException') }, { label: 'bad-name', req: { repositoryName: 'a._b', layerDigests: [A] }, ...err('RepositoryNotFoundException') }]],
  },
  'fingerprint.unreferenced-media-type': {
    pass: [[{ req: req([U]), res: { layers: [avail(U, { layerSize: 4 })], failures: [] } }]],
    fail: [[{ req: req([U]), res: { layers: [avail(U, { layerSize: 4, mediaType: undefined })], failures: [] } }]],
  },
  'fingerprint.request-id-header': { pass: [[{}]], fail: [[{ headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-request-id': 'r' } }]] },
  'fingerprint.consistent': {
    // Each class alone: sha512 at its length absent, sha512 of another length invalid — consistent per class.
    pass: [[{ req: req([A]), res: { layers: [unavail()], failures: [] } }, { req: req([A]), res: { layers: [unavail()], failures: [] } }],
      [{ req: req([S512, S512X]), res: { layers: [unavail(S512)], failures: [fail(S512X)] } }, { req: req([S512, S512X]), res: { layers: [unavail(S512)], failures: [fail(S512X)] } }],
      [{ req: req([P]), res: { layers: [avail()] } }, { req: req([P]), res: { layers: [avail()] } }]],
    fail: [[{ req: req([A]), res: { layers: [unavail()], failures: [] } }, { req: req([A]), res: { layers: [], failures: [fail(A, 'MissingLayerDigest')] } }]],
  },
};

function tallyOf(exchanges: Exchange[]) {
  const t = new FingerprintTally();
  exchanges.forEach((x, i) => t.add(view(x), K, i));
  t.addCase(exchanges.map(view), 0);
  return t.tally;
}

function verdictsOf(ruleId: string, exs: Ex[]): string[] {
  const entry = catalogue().find((e) => e.id === ruleId)!;
  const exchanges = exs.map(ex);
  const findings = entry.scope === 'run' ? judgeRun(tallyOf(exchanges), K, [entry]) : judgeCase('c', exchanges, K, [entry]);
  return findings.map((f) => f.verdict);
}

describe('every rule can pass and can break', () => {
  it('the table covers the whole catalogue', () => {
    expect(Object.keys(TABLE).sort()).toEqual(catalogue().map((e) => e.id).sort());
  });
  for (const entry of catalogue()) {
    const row = TABLE[entry.id];
    if (!row) continue;
    it(`${entry.id}`, () => {
      for (const exs of row.pass) {
        const v = verdictsOf(entry.id, exs);
        expect(v.length, `pass case applies: ${JSON.stringify(exs)}`).toBeGreaterThan(0);
        expect(v, JSON.stringify(exs)).toEqual(v.map(() => 'PASS'));
      }
      for (const exs of row.fail) {
        expect(verdictsOf(entry.id, exs), JSON.stringify(exs)).toContain(entry.breaks);
      }
    });
  }
});

describe('a rule with facets PASSes only once a check that held covered each of them', () => {
  const ctx = (more: Partial<VerdictContext> = {}): VerdictContext => ({ missing: {}, unverified: {}, notApplicable: {}, coverage: {}, faults: 0, ...more });
  const verdictOf = (entryId: string, findings: JudgedFinding[], c = ctx()) => {
    const entry = catalogue().find((e) => e.id === entryId)!;
    const tally = new FindingTally();
    // As many times as the rule needs checks: the facets, not the count, are what is short.
    for (let i = 0; i < entry.checks.minimum; i++) tally.add(findings, i);
    // Nor its coverage buckets, which the table's few cases need not fill: those are waived here.
    const waived = Object.fromEntries((entry.buckets ?? []).map((b) => [b, 'not in the table']));
    return verdicts([entry], tally, { ...c, notApplicable: { ...waived, ...c.notApplicable } })[0]!;
  };
  for (const entry of catalogue().filter((e) => e.facets)) {
    const passing = () => TABLE[entry.id]!.pass.flatMap((exs) => judgeCase('c', exs.map(ex), K, [entry]));
    it(`${entry.id}: its passing cases cover every facet, and it PASSes on them`, () => {
      const covered = new Set(passing().flatMap((f) => f.buckets ?? []).filter((b) => b.startsWith(facetKey(''))));
      expect([...covered].sort()).toEqual(entry.facets!.map((f) => facetKey(f.id)).sort());
      expect(verdictOf(entry.id, passing()).verdict).toBe('PASS');
    });
    for (const facet of entry.facets!) {
      it(`${entry.id}: without a check of ${facet.id} it is SKIPPED, and says which part went unchecked and why`, () => {
        const without = passing().map((f) => ({ ...f, buckets: (f.buckets ?? []).filter((b) => b !== facetKey(facet.id)) }));
        const plain = verdictOf(entry.id, without);
        expect(plain.verdict).toBe('SKIPPED');
        expect(plain.message).toContain(`none of them about ${facet.what}`);
        const refused = verdictOf(entry.id, without, ctx({ firstRefused: 'upload other: refused (InvalidParameterException)' }));
        expect(refused.message).toContain('the target refused a scenario action, first: upload other');
        if (facet.needs) {
          const lacking = verdictOf(entry.id, without, ctx({ missing: { [facet.needs]: 'CreateRepository refused a second repository (LimitExceededException)' } }));
          expect(lacking.message).toContain(`needs ${facet.needs}: CreateRepository refused a second repository`);
        }
        // Not applicable to the run (read-only mode, for a layer sent in parts): it PASSes, and says what it could not check.
        const waived = verdictOf(entry.id, without, ctx({ notApplicable: { [facetKey(facet.id)]: 'read-only mode (--repository r)' } }));
        expect(waived.verdict).toBe('PASS');
        expect(waived.message).toContain(`not applicable to this run: ${facet.what}: read-only mode (--repository r)`);
        // A check that broke is a FAIL whatever was covered; a replay of one case needs no facet.
        expect(verdictOf(entry.id, [...without, { ...without[0]!, verdict: 'FAIL' }]).verdict).toBe('FAIL');
        expect(verdicts([entry], (() => { const t = new FindingTally(); t.add(without, 0); return t; })(), ctx({ replay: true }))[0]!.verdict).toBe('PASS');
      });
    }
  }
});

describe('a null member', () => {
  it('is named as such, with the protocol test a server breaks by writing it', () => {
    const f = judgeCase('c', [ex({ res: { layers: [avail(P, { mediaType: null })], failures: null } })], K, catalogue().filter((e) => e.id.startsWith('shape.')));
    expect(f.filter((x) => x.verdict === 'FAIL').map((x) => x.ruleId).sort()).toEqual(['shape.layer', 'shape.top-level']);
    for (const x of f.filter((x) => x.verdict === 'FAIL')) expect(x.message).toMatch(/received null \(a server leaves a member out instead of writing null: Smithy protocol test AwsJson11ServersDontSerializeNullStructureValues/);
  });
});

describe('a success that is not JSON', () => {
  const only = (rawRes: string, headers: Record<string, string> = JSON_HEADERS) =>
    judgeCase('c', [ex({ rawRes, headers })], K, catalogue().filter((e) => e.scope === 'exchange')).filter((f) => f.verdict !== 'PASS');
  it('breaks wire.json alone, saying what it saw; an error answer that is not JSON is framing.error-type\'s', () => {
    const bom = only(`\uFEFF${JSON.stringify({ layers: [avail()], failures: [] })}`);
    expect(bom.map((f) => f.ruleId)).toEqual(['wire.json']);
    expect(bom[0]!.message).toMatch(/^HTTP 200 with a body that is not JSON \(it begins with a byte-order mark.*\) \(JSON\.parse: .*\): "\uFEFF\{\\"layers/);
    expect(only('\x1f\x8b', { ...JSON_HEADERS, 'content-encoding': 'gzip' })[0]!.message).toMatch(/Content-Encoding gzip, which the client did not ask for/);
    expect(only('x'.repeat(5000))[0]!.message).toMatch(/first 200 of 5000 characters/);
    const error = judgeCase('c', [ex({ status: 400, rawRes: '<html>' })], K, catalogue().filter((e) => e.id === 'wire.json'));
    expect(error).toEqual([]);
  });
});

describe('laws', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const garbage = fc.record({
    req: fc.oneof(anyJson, fc.record({ repositoryName: fc.oneof(fc.string(), fc.constantFrom('repo', 'gone')), layerDigests: fc.array(fc.oneof(fc.string(), fc.constantFrom(P, A, GREY, ''))) })),
    status: fc.constantFrom(200, 201, 400, 404, 429, 500, 501, 503),
    res: fc.oneof(anyJson, fc.record({ layers: fc.array(anyJson), failures: fc.array(anyJson) }, { requiredKeys: [] })),
    label: fc.constantFrom('original', 'permuted', 'first', 'second', 'home', 'other', 'batch', 'alone', 'implicit', 'explicit'),
  });

  it('rules are total: no rule throws on any exchange, garbage included', () => {
    fc.assert(fc.property(fc.array(garbage, { minLength: 1, maxLength: 3 }), (exs) => {
      const exchanges = exs.map((e) => ex(e as Ex));
      const all = catalogue();
      const findings = [...judgeCase('c', exchanges, K, all), ...judgeRun(tallyOf(exchanges), K, all)];
      expect(findings.filter((f) => f.verdict === 'ERROR')).toEqual([]);
    }), { numRuns: 300, seed: 7 });
  });

  it('rules are deterministic', () => {
    fc.assert(fc.property(fc.array(garbage, { minLength: 1, maxLength: 2 }), (exs) => {
      const exchanges = exs.map((e) => ex(e as Ex));
      expect(judgeCase('c', exchanges, K, catalogue())).toEqual(judgeCase('c', exchanges, K, catalogue()));
    }), { numRuns: 100, seed: 11 });
  });

  it('run rules judge the same whatever order the tally learnt its classes in (workers and shards join in any order)', () => {
    const choice = (index: number, caseId: string) => ({ count: 2, index, caseId, detail: `d${index}` });
    const tally = {
      'absent/x': { unavailable: choice(1, 'a@1'), 'missing-failure': choice(9, 'a@9') },
      'grey/y': { invalid: choice(2, 'b@2'), unavailable: choice(4, 'b@4') },
      'empty/z': { invalid: choice(3, 'c@3') },
    };
    const reversed = Object.fromEntries(Object.entries(tally).reverse().map(([k, v]) => [k, Object.fromEntries(Object.entries(v).reverse())]));
    const entry = catalogue().filter((e) => e.id === 'fingerprint.consistent');
    const findings = judgeRun(tally, K, entry);
    expect(judgeRun(reversed, K, entry)).toEqual(findings);
    // The earliest inconsistency comes first: it is the message the report shows.
    expect(findings.map((f) => [f.verdict, f.caseId])).toEqual([['PASS', 'c@3'], ['FAIL', 'b@4'], ['FAIL', 'a@9']]);
  });

  it('no rule FAILs on what the target never answered: a throttle, an unavailable service, a denial or a transport fault in place of any exchange of a passing case', () => {
    const nonAnswers: [string, (x: Exchange) => Exchange][] = [
      ['a throttle that outlasted the retries', (x) => ex({ label: x.label, rawReq: x.request.body, ...err('ThrottlingException') })],
      ['HTTP 429', (x) => ex({ label: x.label, rawReq: x.request.body, status: 429, rawRes: 'Too Many Requests', headers: {} })],
      ['a 503 ServiceUnavailable', (x) => ex({ label: x.label, rawReq: x.request.body, ...err('ServiceUnavailable', 503) })],
      ['a gateway\'s HTML 502', (x) => ex({ label: x.label, rawReq: x.request.body, status: 502, rawRes: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } })],
      ['a 504 without a body', (x) => ex({ label: x.label, rawReq: x.request.body, status: 504, rawRes: '', headers: {} })],
      ['a denial', (x) => ex({ label: x.label, rawReq: x.request.body, ...err('AccessDeniedException') })],
      ['a transport fault', (x) => { const { response: _, ...rest } = x; return { ...rest, fault: { kind: 'reset', message: 'ECONNRESET' } }; }],
    ];
    for (const entry of catalogue()) {
      for (const exs of TABLE[entry.id]!.pass) {
        const exchanges = exs.map(ex);
        exchanges.forEach((x, i) => {
          if (x.action) return;
          for (const [what, replace] of nonAnswers) {
            const changed = exchanges.map((y, j) => (j === i ? replace(y) : y));
            const findings = entry.scope === 'run' ? judgeRun(tallyOf(changed), K, [entry]) : judgeCase('c', changed, K, [entry]);
            expect(findings.filter((f) => f.verdict !== 'PASS').map((f) => f.message), `${entry.id}, ${what} as '${x.label}': ${JSON.stringify(exs)}`).toEqual([]);
          }
        });
      }
    }
  });

  it('a transport fault is judged by no rule', () => {
    const faulted: Exchange = { ...ex({}), fault: { kind: 'reset', message: 'ECONNRESET' } };
    delete faulted.response;
    expect(judgeCase('c', [faulted], K, catalogue()).filter((f) => f.ruleId !== 'fingerprint.consistent')).toEqual([]);
  });
});

describe('length counts what the model counts', () => {
  it('is the number of Unicode scalar values, as the string iterator counts them, whatever the string', () => {
    expect(length('sha256:ab')).toBe(9);
    expect(length('a\u{1F600}b')).toBe(3); // one astral character: two UTF-16 units, one code point
    expect(length('\uD83D')).toBe(1); // a lone high surrogate
    expect(length('\uDE00x\uD83D')).toBe(3); // lone low, then lone high at the end
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }), (a, b, c) => {
      for (const s of [a, b, c, a + c + b]) expect(length(s)).toBe([...s].length);
    }));
  });
});

describe('what a case does to the target, the judge knows', () => {
  const judge = (ruleId: string, exs: Ex[]) => verdictsOf(ruleId, exs);
  const inOther = (res: unknown): Ex => ({ label: 'kept-elsewhere', req: { repositoryName: 'other', layerDigests: [F] }, res });
  const toOther: Ex = { label: 'elsewhere', action: { ...uploaded, repositoryName: 'other' } };

  it('a layer the case uploaded is stored from then on, with its size: present after the upload, absent before it', () => {
    expect(judge('classify.present', [toOther, inOther({ layers: [avail(F, { layerSize: 7 })] })])).toEqual(['PASS']);
    expect(judge('classify.present', [toOther, inOther({ layers: [unavail(F)] })])).toEqual(['FAIL']);
    expect(judge('classify.present', [toOther, inOther({ layers: [avail(F, { layerSize: 8 })] })])).toEqual(['FAIL']);
    expect(judge('classify.absent', [toOther, inOther({ layers: [avail(F, { layerSize: 7 })] })])).toEqual([]);
    expect(judge('classify.absent', [inOther({ layers: [avail(F, { layerSize: 7 })] }), toOther])).toEqual(['FAIL']);
    // An upload refused, or answered wrongly, may have stored the layer or not: absence is no longer judged there.
    expect(judge('classify.absent', [{ ...toOther, action: { ...toOther.action!, ok: false } }, inOther({ layers: [avail(F, { layerSize: 7 })] })])).toEqual([]);
    expect(judge('classify.present', [{ ...toOther, action: { ...toOther.action!, ok: false } }, inOther({ layers: [unavail(F)] })])).toEqual([]);
  });

  it('a repository the case deleted holds nothing from then on', () => {
    const check = (res: unknown): Ex => ({ label: 'recreated', req: req([P]), res });
    expect(judge('classify.present', [check({ layers: [unavail(P)] })])).toEqual(['FAIL']);
    expect(judge('classify.present', [{ label: 'delete', action: deleted }, { label: 'create', action: created }, check({ layers: [unavail(P)] })])).toEqual([]);
    expect(judge('classify.absent', [{ label: 'delete', action: deleted }, { label: 'create', action: created }, check({ layers: [avail(P)] })])).toEqual(['FAIL']);
  });

  it('a repository the case deleted and could not create again is not known to exist: a check in it is no valid request for an existing repository', () => {
    const notFound = { label: 'recreated', req: req([P]), ...err('RepositoryNotFoundException') };
    const createFailed = { label: 'create', action: { ...created, ok: false, detail: 'ServiceUnavailable: busy' } };
    expect(judge('validate.valid-succeeds', [notFound])).toEqual(['FAIL']);
    expect(judge('validate.valid-succeeds', [{ label: 'delete', action: deleted }, createFailed, notFound])).toEqual([]);
    expect(judge('validate.valid-succeeds', [{ label: 'delete', action: deleted }, { label: 'create', action: created }, notFound])).toEqual(['FAIL']);
    expect(judge('classify.present', [{ label: 'delete', action: deleted }, createFailed, { label: 'recreated', req: req([P]), res: { layers: [unavail(P)] } }])).toEqual([]);
  });
});
