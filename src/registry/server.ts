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
  /** Load the AWS CLI page's example (repository cluster-autoscaler with its layer). */
  preloadExample?: boolean;
  /** Larger request bodies get 413 and a closed connection. */
  maxBodyBytes?: number;
}

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
      if (layer.layerAvailability === 'AVAILABLE') repo.layers.set(layer.layerDigest, { size: layer.layerSize, mediaType: layer.mediaType });
    }
  }
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const spec = operationSpec();
  const contentType = spec.framing.contentType.value;
  const targetPrefix = `${spec.framing.targetPrefix.value}.`;
  const store = new RegistryStore(options.accountId ?? DEFAULT_ACCOUNT_ID);
  const behaviour = { ...referenceBehaviour(), ...options.behaviour };
  const hooks = options.hooks ?? {};
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const ctx: OperationContext = { store, behaviour, hooks, region: options.region ?? 'us-east-1', counters: { batchChecks: 0 } };
  if (options.preloadExample) preloadExample(store);

  const write = (res: ServerResponse, answer: Answer, operation: string) => {
    const final = hooks.answer ? hooks.answer(answer, operation) : answer;
    if (res.destroyed) return;
    res.writeHead(final.status, { ...final.headers, 'content-length': String(Buffer.byteLength(final.body)) });
    res.end(final.body);
  };
  const json = (status: number, body: unknown, extraHeaders: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...extraHeaders },
    body: JSON.stringify(body),
  });
  const error = (e: AwsError): Answer =>
    json(e.status, { __type: e.type, message: e.message, ...e.extra }, { 'x-amzn-errortype': e.type });

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
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        tooLarge(res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return write(res, error(new AwsError('SerializationException', 'The request body is not valid JSON')), operation);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return write(res, error(new AwsError('SerializationException', 'The request body must be a JSON object')), operation);
      }
      try {
        write(res, json(200, handler(body as Record<string, unknown>, ctx)), operation);
      } catch (e) {
        if (e instanceof AwsError) return write(res, error(e), operation);
        write(res, error(new AwsError('ServerException', `Internal error: ${(e as Error).message}`, 500)), operation);
      }
    });
  };

  const server: Server = createServer(handle);
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
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
