// The one HTTP handler behind every SDK call the suite makes — the operation under test, seeding,
// cleanup, Pact provider states, recordings. Each call gets a deadline for its whole answer (headers
// and body), a cap on the bytes it reads, and ends at once on Ctrl-C; an answer the SDK could only
// choke on (a success that is not JSON) is a transport fault, named as such. Nothing a target sends can
// hang the suite or exhaust its memory.
import type { Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import type { TransportFault as FaultKind, WireResponse } from '../model.ts';
import { BodyTooLarge, readLimited } from './read-limited.ts';
import { redactHeaders } from './redact.ts';
import { wireResponse } from './raw-transport.ts';

/** A call that got no usable answer: never a finding about the target's contract, never retried by the SDK. */
export class TransportFault extends Error {
  override readonly name = 'TransportFault';
  constructor(readonly kind: FaultKind | 'garbage' | 'interrupted', message: string) {
    super(message);
  }
}

export interface Recording {
  /** Send on a connection of its own, never a kept-alive one (a retry after a reset). */
  fresh?: boolean;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  response?: WireResponse;
}

export interface BoundedOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  maxSockets: number;
  /** Aborts every call in flight (Ctrl-C). */
  signal?: AbortSignal;
  /** Successes must be JSON (the SDK clients): anything else is a fault rather than a parse error deep in the SDK. */
  jsonOnly?: boolean;
}

type Inner = NodeHttpHandler;
type HandleArgs = Parameters<Inner['handle']>;

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

export class BoundedHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inner: Inner;
  private readonly recordings = new WeakMap<object, Recording>();

  /** What interrupts each call in flight: Ctrl-C ends them all through one listener. */
  private readonly inFlight = new Set<() => void>();

  /** For a retry after a reset: a connection of its own each time, which no server has closed already. */
  private freshInner?: Inner;

  constructor(private readonly o: BoundedOptions) {
    this.inner = this.makeInner(true);
    o.signal?.addEventListener('abort', this.interruptAll, { once: true });
  }

  private makeInner(keepAlive: boolean): Inner {
    const agent = { keepAlive, maxSockets: this.o.maxSockets };
    return new NodeHttpHandler({ connectionTimeout: this.o.timeoutMs, requestTimeout: this.o.timeoutMs, throwOnRequestTimeout: true, httpAgent: agent, httpsAgent: agent });
  }

  private readonly interruptAll = () => {
    for (const interrupt of [...this.inFlight]) interrupt();
  };

  /** Records into `recording` the exchange of this request (the SDK transport's wire bytes). */
  watch(request: object, recording: Recording): void {
    this.recordings.set(request, recording);
  }

  async handle(request: HandleArgs[0], options: HttpHandlerOptions = {}) {
    const caller = options.abortSignal as Partial<AbortSignal> | undefined;
    const rec = this.recordings.get(request);
    if (rec) {
      rec.requestHeaders = redactHeaders(request.headers);
      rec.requestBody = bodyText(request.body);
    }
    const operation = String(request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '').split('.').pop() || 'a call';
    if (this.o.signal?.aborted) throw new TransportFault('interrupted', `${operation}: interrupted before the call`);
    // The inner handler takes a signal without listeners (it sets `onabort`): an AbortController and its
    // event target per call would cost more than the rest of this handler.
    const inner: { aborted: boolean; onabort: (() => void) | null } = { aborted: false, onabort: null };
    let why: TransportFault | undefined;
    let stream: Readable | undefined;
    const abort = (fault: TransportFault) => {
      why ??= fault;
      if (!inner.aborted) {
        inner.aborted = true;
        inner.onabort?.();
      }
      stream?.destroy();
    };
    const timer = setTimeout(() => abort(new TransportFault('timeout', `${operation}: no complete answer within the ${this.o.timeoutMs} ms deadline`)), this.o.timeoutMs);
    const onInterrupt = () => abort(new TransportFault('interrupted', `${operation}: interrupted`));
    const onCallerAbort = () => abort(new TransportFault('interrupted', `${operation}: the caller gave up`));
    this.inFlight.add(onInterrupt);
    if (typeof caller?.addEventListener === 'function') caller.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const handler = rec?.fresh ? (this.freshInner ??= this.makeInner(false)) : this.inner;
      const out = await handler.handle(request, { ...options, abortSignal: inner as unknown as AbortSignal });
      stream = out.response.body as Readable;
      // The deadline or Ctrl-C came while the headers were being handed over: nothing will end the body now.
      if (why) stream.destroy();
      const bytes = await readLimited(stream, this.o.maxResponseBytes);
      const status = out.response.statusCode;
      if (rec) rec.response = wireResponse(status, redactHeaders(out.response.headers), bytes);
      if (this.o.jsonOnly && status >= 200 && status < 300 && bytes.length > 0 && !isJson(bytes)) {
        const encoding = out.response.headers['content-encoding'];
        throw new TransportFault('garbage', `${operation}: HTTP ${status} with a body that is not JSON (${bytes.length} bytes${encoding ? `, Content-Encoding ${encoding}` : ''})`);
      }
      // The SDK collects a Uint8Array body as it is: no stream to make and read again.
      out.response.body = bytes;
      return out;
    } catch (e) {
      if (why) throw why;
      if (e instanceof BodyTooLarge) throw new TransportFault('too-large', `${operation}: ${e.message}`);
      throw e;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(onInterrupt);
      if (typeof caller?.removeEventListener === 'function') caller.removeEventListener('abort', onCallerAbort);
    }
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }
  httpHandlerConfigs() {
    return this.inner.httpHandlerConfigs();
  }
  destroy(): void {
    this.o.signal?.removeEventListener('abort', this.interruptAll);
    this.inner.destroy();
    this.freshInner?.destroy();
  }
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
