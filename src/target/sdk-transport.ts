// Sends BatchCheckLayerAvailability through @aws-sdk/client-ecr exactly as an application would,
// while recording the bytes the SDK put on the wire and the raw answer it parsed.
import { Readable } from 'node:stream';
import { BatchCheckLayerAvailabilityCommand, type BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider, HttpHandlerOptions } from '@smithy/types';
import type { WireResponse } from '../model.ts';
import { faultOf, type SendResult, wireResponse } from './raw-transport.ts';
import { readLimited } from './read-limited.ts';
import { redactHeaders } from './redact.ts';

interface Recording {
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  response?: WireResponse;
}

type Inner = NodeHttpHandler;

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}
type HandleArgs = Parameters<Inner['handle']>;

/** Wraps the SDK's HTTP handler: records each exchange, keyed by the call's AbortSignal, and bounds the answer's size. */
class RecordingHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly recordings = new WeakMap<AbortSignal, Recording>();
  constructor(private readonly inner: Inner, private readonly maxBytes: number) {}

  watch(signal: AbortSignal): Recording {
    const r: Recording = {};
    this.recordings.set(signal, r);
    return r;
  }

  async handle(request: HandleArgs[0], options: HttpHandlerOptions = {}) {
    const rec = options.abortSignal ? this.recordings.get(options.abortSignal as AbortSignal) : undefined;
    if (rec) {
      rec.requestHeaders = redactHeaders(request.headers);
      rec.requestBody = bodyText(request.body);
    }
    const out = await this.inner.handle(request, options);
    const bytes = await readLimited(out.response.body as Readable, this.maxBytes);
    if (rec) rec.response = wireResponse(out.response.statusCode, redactHeaders(out.response.headers), bytes);
    out.response.body = Readable.from([bytes]);
    return out;
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }
  httpHandlerConfigs() {
    return this.inner.httpHandlerConfigs();
  }
  destroy(): void {
    this.inner.destroy();
  }
}

export interface SdkTransportOptions {
  endpoint?: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  maxResponseBytes: number;
  maxSockets: number;
}

export interface SdkSendResult extends SendResult {
  body: string;
  sdk?: { outcome: 'output' | 'error'; errorName?: string; fault?: string; status?: number; requestId?: string };
}

export class SdkTransport {
  readonly client: ECRClient;
  private readonly handler: RecordingHandler;
  constructor(private readonly o: SdkTransportOptions) {
    this.handler = new RecordingHandler(new NodeHttpHandler({ connectionTimeout: o.timeoutMs, requestTimeout: o.timeoutMs, httpAgent: { keepAlive: true, maxSockets: o.maxSockets }, httpsAgent: { keepAlive: true, maxSockets: o.maxSockets } }), o.maxResponseBytes);
    this.client = new ECRClient({
      region: o.region,
      maxAttempts: 1,
      credentials: o.credentials,
      ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
      requestHandler: this.handler as unknown as NodeHttpHandler,
    });
  }

  async send(input: BatchCheckLayerAvailabilityCommandInput): Promise<SdkSendResult> {
    const controller = new AbortController();
    const rec = this.handler.watch(controller.signal);
    const timer = setTimeout(() => controller.abort(), this.o.timeoutMs);
    const result = (sdk: SdkSendResult['sdk'], fault?: SendResult['fault']): SdkSendResult => {
      const r: SdkSendResult = { requestHeaders: rec.requestHeaders ?? {}, body: rec.requestBody ?? '' };
      if (rec.response) r.response = rec.response;
      if (sdk) r.sdk = sdk;
      if (fault && !rec.response) r.fault = fault;
      return r;
    };
    try {
      const out = await this.client.send(new BatchCheckLayerAvailabilityCommand(input), { abortSignal: controller.signal });
      const sdk: SdkSendResult['sdk'] = { outcome: 'output' };
      if (out.$metadata.httpStatusCode !== undefined) sdk.status = out.$metadata.httpStatusCode;
      if (out.$metadata.requestId !== undefined) sdk.requestId = out.$metadata.requestId;
      return result(sdk);
    } catch (e) {
      const err = e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
      if (!rec.response) {
        return result(undefined, controller.signal.aborted ? { kind: 'timeout', message: `no complete answer within the ${this.o.timeoutMs} ms deadline` } : faultOf(e));
      }
      const sdk: SdkSendResult['sdk'] = { outcome: 'error', errorName: err.name };
      if (err.$fault !== undefined) sdk.fault = err.$fault;
      if (err.$metadata?.httpStatusCode !== undefined) sdk.status = err.$metadata.httpStatusCode;
      if (err.$metadata?.requestId !== undefined) sdk.requestId = err.$metadata.requestId;
      return result(sdk);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
