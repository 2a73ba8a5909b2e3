// The embedded reference registry: a real node:http server on loopback speaking awsJson1_1.
// It reads spec/ for constraints but shares no code with the judge or the generators.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operationSpec } from '../spec/index.ts';
import { referenceBehaviour, type RegistryBehaviour } from './behaviour.ts';
import { AwsError } from './errors.ts';
import type { Answer, RegistryHooks } from './hooks.ts';
import { OPERATIONS, type OperationContext } from './operations.ts';
import type { Quirks } from './quirks.ts';
import { checkSignature, type SigV4Options } from './sigv4.ts';
import { authorizationsFor, evaluate, repositoryArn, type Authorization, type IamPolicy } from './iam.ts';
import { RegistryStore } from './store.ts';

export interface RegistryOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The account the caller is taken to be: the default registryId. */
  accountId?: string;
  region?: string;
  behaviour?: Partial<RegistryBehaviour>;
  hooks?: RegistryHooks;
  /** Differences inside the store, handlers, serializer and connection handling (bug-shaped mutants, legal alternatives). */
  quirks?: Quirks;
  /** Load the AWS CLI page's example (repository cluster-autoscaler with its layer). */
  preloadExample?: boolean;
  /** Larger request bodies get 413 and a closed connection. */
  maxBodyBytes?: number;
  /** What the registry may hold and how long it waits: memory stays bounded whatever clients do. */
  limits?: Partial<ResourceLimits>;
  /** The clock (for expiry). */
  now?: () => number;
  /** Check every request's SigV4 signature against these credentials, as AWS does. */
  requireSigV4?: SigV4Options;
  /** Operations answered with AccessDeniedException, as a missing IAM permission would be. */
  deny?: string[];
  /** An identity-based policy every request is authorized against, as IAM would (see iam.ts). */
  policy?: IamPolicy;
  /** Told of every request, by operation, with its body (for plans and recordings). */
  onRequest?: (operation: string, body: string) => void;
  /** Told of every authorization the policy decides. */
  onAuthorize?: (a: Authorization & { operation: string; allowed: boolean }) => void;
  /** Requests per second the registry answers; beyond, ThrottlingException (ECR's quota: 1,000/s for BatchCheckLayerAvailability). */
  quota?: number;
}

export interface ResourceLimits {
  /** Bytes one layer upload may have: more is LimitExceededException. */
  maxLayerBytes: number;
  /** Bytes all uploads in progress may hold together: more is LimitExceededException. */
  maxStoreBytes: number;
  /** An upload untouched this long is abandoned, and its bytes released. */
  uploadTtlMs: number;
  /** A request whose headers and body take longer is cut off (a slow client holds nothing for long). */
  requestTimeoutMs: number;
  /** Request bodies being read at once may hold this much together: more is 503 ServiceUnavailable. */
  maxInflightBodyBytes: number;
}

export const DEFAULT_LIMITS: ResourceLimits = {
  maxLayerBytes: 256 * 1024 * 1024,
  maxStoreBytes: 1024 * 1024 * 1024,
  uploadTtlMs: 15 * 60 * 1000,
  requestTimeoutMs: 30_000,
  maxInflightBodyBytes: 256 * 1024 * 1024,
};

export interface RunningRegistry {
  /** http://host:port — what an SDK takes as `endpoint`. */
  endpoint: string;
  store: RegistryStore;
  behaviour: RegistryBehaviour;
  /** Empties every repository (and re-loads the example when it was preloaded). */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';
/** Large enough for a 20 MiB layer part in base64 inside JSON. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export function preloadExample(store: RegistryStore): void {
  for (const example of operationSpec().examples) {
    const repo = store.find(store.accountId, example.request.repositoryName) ?? store.create(store.accountId, example.request.repositoryName)!;
    const layers = (example.response['layers'] ?? []) as { layerDigest: string; layerAvailability: string; layerSize: number; mediaType: string }[];
    for (const layer of layers) {
      if (layer.layerAvailability === 'AVAILABLE') store.putLayer(repo, layer.layerDigest, { size: layer.layerSize, mediaType: layer.mediaType }, 0);
    }
  }
}

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Writes a JSON value the way this registry's serializer does: exactly as JSON.stringify, unless a quirk says otherwise. */
export function encodeJson(value: unknown, q: Quirks, key?: string): string {
  // Without a quirk of the serializer, the members-by-hand walk below writes exactly what JSON.stringify does.
  if (!q.prettyJson && !q.sizeAsFloat && !q.asciiEscapes && !q.duplicateAvailability && !q.trailingCommas) return JSON.stringify(value) ?? 'null';
  if (q.prettyJson && key === undefined) return JSON.stringify(value, null, 2).replace(/\n/g, '\r\n');
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && key === 'layerSize' && q.sizeAsFloat && Number.isInteger(value)) return `${value}.0`;
    const text = JSON.stringify(value) ?? 'null';
    return typeof value === 'string' && q.asciiEscapes ? text.replace(/[\u007f-\uffff]/g, hex4) : text;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => encodeJson(v, q, ''));
    return q.trailingCommas && (key === 'layers' || key === 'failures') ? `[${items.map((i) => `${i},`).join('')}]` : `[${items.join(',')}]`;
  }
  const members = Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeJson(k, q, '')}:${encodeJson(v, q, k)}`);
  if (q.duplicateAvailability && 'layerAvailability' in value) members.unshift('"layerAvailability":"UNAVAILABLE"');
  return `{${members.join(',')}}`;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const spec = operationSpec();
  const contentType = spec.framing.contentType.value;
  const targetPrefix = `${spec.framing.targetPrefix.value}.`;
  const behaviour = { ...referenceBehaviour(), ...options.behaviour };
  const hooks = options.hooks ?? {};
  const q: Quirks = options.quirks ?? {};
  const store = new RegistryStore(options.accountId ?? DEFAULT_ACCOUNT_ID, q);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits: ResourceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const ctx: OperationContext = {
    store, behaviour, hooks, quirks: q, region: options.region ?? 'us-east-1', counters: { batchChecks: 0 }, sharedFailures: [], memo: new Map(),
    resources: { maxLayerBytes: limits.maxLayerBytes, maxStoreBytes: limits.maxStoreBytes }, now,
  };
  let inflight = 0;
  const expire = () => store.expireUploads(now() - limits.uploadTtlMs);
  const sweeper = setInterval(expire, Math.max(1_000, Math.min(60_000, limits.uploadTtlMs / 4)));
  sweeper.unref();
  if (options.preloadExample) preloadExample(store);
  let calls = 0;
  /** Where the requestInModuleScope quirk keeps the request it is answering. */
  const current: { body?: unknown } = {};
  const recentlyRefused = new Set<string>();
  // The quota as a one-second window, as AWS's per-second request quotas behave.
  let windowStart = 0;
  let inWindow = 0;
  const withinQuota = () => {
    const t = now();
    if (t - windowStart >= 1000) {
      windowStart = t;
      inWindow = 0;
    }
    return ++inWindow <= options.quota!;
  };
  /** AccessDeniedException in AWS's words, naming the action and the resource. */
  const region = options.region ?? 'us-east-1';
  const deniedAs = (a: Authorization, explicit: boolean) => new AwsError('AccessDeniedException',
    `User: arn:aws:iam::${store.accountId}:user/ecr-conformance is not authorized to perform: ${a.action} on resource: ${a.resource} ${explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${a.action} action`}`, 400);
  /** The first authorization this request lacks, under --deny and --policy; every one is reported to onAuthorize. */
  const refusal = (operation: string, text: string): AwsError | undefined => {
    if (!options.deny && !options.policy) return undefined;
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text || '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch { /* malformed: refused as such later, not authorized here */ }
    const needed = authorizationsFor(operation, body, { region, account: store.accountId });
    if (options.deny?.includes(operation)) return deniedAs(needed[0] ?? { action: `ecr:${operation}`, resource: repositoryArn({ region, account: store.accountId, name: '*' }) }, false);
    if (!options.policy) return undefined;
    for (const a of needed) {
      const { allowed, by } = evaluate(options.policy, a);
      options.onAuthorize?.({ operation, ...a, allowed });
      if (!allowed) return deniedAs(a, by !== undefined);
    }
    return undefined;
  };

  const write = (res: ServerResponse, answer: Answer, operation: string) => {
    const final = hooks.answer ? hooks.answer(answer, operation) : answer;
    if (res.destroyed) return;
    const bytes = typeof final.body === 'string' ? Buffer.from(final.body, q.latin1Body ? 'latin1' : 'utf8') : final.body;
    const length = q.contentLengthInChars ? String(final.body.length) : String(bytes.length);
    const headers = q.chunkedAndClose ? { ...final.headers, connection: 'close' } : { ...final.headers, 'content-length': length };
    res.writeHead(final.status, headers);
    // The socket, kept before the answer detaches from it as it finishes.
    const socket = res.socket;
    res.end(bytes);
    if (q.closeAfterAnswer) res.once('finish', () => socket?.destroy());
  };
  const json = (status: number, body: unknown, extraHeaders: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': contentType, [q.requestIdHeader ?? 'x-amzn-requestid']: randomUUID(), ...extraHeaders },
    body: encodeJson(body, q),
  });
  const errorType = (type: string) => (q.errorTypeForm === 'shape-id' ? `com.amazonaws.ecr#${type}` : q.errorTypeForm === 'with-uri' ? `${type}:http://internal.amazon.com/coral/com.amazon.coral.validate/` : type);
  const denied = (e: AwsError) => new AwsError(operationSpec().errors.authorization.value.permission[0]!, `not authorized (${e.message})`, e.status);
  const error = (given: AwsError): Answer => {
    const e = q.inputErrorsDenied && given.type === operationSpec().errors.violation.value ? denied(given) : given;
    return json(q.errorsAs200 ? 200 : e.status, { __type: errorType(e.type), [q.messageMember ?? 'message']: e.message, ...e.extra }, { 'x-amzn-errortype': e.type });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (hooks.takeOver?.(req, res)) return;
    req.on('error', () => res.destroy());
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    const reject = (e: AwsError) => {
      req.resume();
      write(res, error(e), operation);
    };
    if (req.method !== spec.framing.method.value || (req.url ?? '/').split('?')[0] !== spec.framing.path.value) {
      return reject(new AwsError('UnknownOperationException', `Only ${spec.framing.method.value} ${spec.framing.path.value} is served; got ${req.method} ${req.url}`, 404));
    }
    if (!handler) return reject(new AwsError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header'));
    const tooLarge = (r: ServerResponse) => {
      if (r.headersSent) return;
      const answer = error(new AwsError('RequestEntityTooLargeException', `Request body exceeds ${maxBody} bytes`, 413));
      answer.headers['connection'] = 'close';
      r.on('finish', () => req.destroy());
      write(r, answer, operation);
    };
    const mediaType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== contentType) {
      return reject(new AwsError('SerializationException', `Unsupported Content-Type '${mediaType}'; expected ${contentType}`));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return tooLarge(res);
    if (q.bodyLimit !== undefined && declared > q.bodyLimit) {
      req.resume();
      res.writeHead(413, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Error</title></head>\n<body><pre>PayloadTooLargeError: request entity too large</pre></body>\n</html>\n');
      return;
    }
    calls++;
    const call = calls;
    expire();
    const chunks: Buffer[] = [];
    let size = 0;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inflight -= size;
    };
    req.on('close', release);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      inflight += chunk.length;
      if (size > maxBody) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        tooLarge(res);
        return;
      }
      if (inflight > limits.maxInflightBodyBytes) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        const answer = error(new AwsError('ServiceUnavailable', `Too many request bodies in flight (more than ${limits.maxInflightBodyBytes} bytes together); retry later`, 503));
        answer.headers['connection'] = 'close';
        res.on('finish', () => req.destroy());
        write(res, answer, operation);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => void (async () => {
      release();
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      options.onRequest?.(operation, text);
      // As AWS: who is calling (the signature), how fast (the quota), and may they (IAM), before anything else.
      if (options.requireSigV4) {
        const refused = await checkSignature(options.requireSigV4, { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers }, raw, now());
        if (refused) return write(res, error(refused), operation);
      }
      if (options.quota !== undefined && !withinQuota()) return write(res, error(new AwsError('ThrottlingException', 'Rate exceeded', 400)), operation);
      const refused = refusal(operation, text);
      if (refused) return write(res, error(refused), operation);
      // A load balancer in front of several backends: every n-th call lands on a busy one, and the
      // retry of the same request lands elsewhere and succeeds.
      const transient = q.transientEvery !== undefined && call % q.transientEvery === 0;
      const throttle = q.throttleEvery !== undefined && call % q.throttleEvery === 0;
      if ((transient || throttle) && !recentlyRefused.has(text)) {
        recentlyRefused.add(text);
        if (recentlyRefused.size > 1000) recentlyRefused.delete(recentlyRefused.values().next().value!);
        return write(res, error(transient ? new AwsError('ServiceUnavailable', 'Service Unavailable', 503) : new AwsError('ThrottlingException', 'Rate exceeded', 400)), operation);
      }
      recentlyRefused.delete(text);
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return write(res, error(new AwsError('SerializationException', 'The request body is not valid JSON')), operation);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return write(res, error(new AwsError('SerializationException', 'The request body must be a JSON object')), operation);
      }
      if (q.requestInModuleScope && operation === 'BatchCheckLayerAvailability') {
        // The careless handler: the request kept where every request keeps it, read back after an await.
        current.body = body;
        await new Promise<void>((resolve) => setImmediate(resolve));
        body = current.body;
      }
      try {
        const answer = json(200, handler(body as Record<string, unknown>, ctx));
        const listed = (body as { layerDigests?: unknown }).layerDigests;
        if (q.slowAbove && operation === 'BatchCheckLayerAvailability' && Array.isArray(listed) && listed.length > q.slowAbove.digests) {
          setTimeout(() => write(res, answer, operation), q.slowAbove.ms).unref();
        } else write(res, answer, operation);
      } catch (e) {
        if (e instanceof AwsError) return write(res, error(e), operation);
        write(res, error(new AwsError('ServerException', `Internal error: ${(e as Error).message}`, 500)), operation);
      }
    })());
  };

  const server: Server = createServer({
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.requestTimeoutMs, 10_000),
    connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
  }, handle);
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${host}:${address.port}`,
    store,
    behaviour,
    reset() {
      store.reset();
      ctx.counters.batchChecks = 0;
      if (options.preloadExample) preloadExample(store);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweeper);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
