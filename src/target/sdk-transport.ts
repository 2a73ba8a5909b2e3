// Sends BatchCheckLayerAvailability through @aws-sdk/client-ecr as an application would — the same
// middleware, serializer, signer and parser, with the SDK's own `cacheMiddleware` option on — while
// recording the bytes the SDK put on the wire and the raw answer it parsed.
import { BatchCheckLayerAvailabilityCommand, type BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import { endpointConfig } from './client.ts';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { BoundedHandler, type Recording, TransportFault } from './bounded-handler.ts';
import { faultOf, type SendResult } from './raw-transport.ts';

export interface SdkTransportOptions {
  endpoint?: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  maxResponseBytes: number;
  maxSockets: number;
  signal?: AbortSignal;
}

export interface SdkSendResult extends SendResult {
  body: string;
  sdk?: { outcome: 'output' | 'error'; errorName?: string; fault?: string; status?: number; requestId?: string };
}

export class SdkTransport {
  readonly client: ECRClient;
  private readonly handler: BoundedHandler;
  private readonly pending = new WeakMap<object, Recording>();
  constructor(private readonly o: SdkTransportOptions) {
    this.handler = new BoundedHandler({ timeoutMs: o.timeoutMs, maxResponseBytes: o.maxResponseBytes, maxSockets: o.maxSockets, ...(o.signal ? { signal: o.signal } : {}) });
    this.client = new ECRClient({
      region: o.region,
      maxAttempts: 1,
      // The SDK's documented option to resolve the middleware stack once per command class rather than
      // on every call (a fifth to a quarter of a bare call's cost): the same middleware runs, in the same order.
      cacheMiddleware: true,
      credentials: o.credentials,
      ...endpointConfig(o.endpoint),
      requestHandler: this.handler as unknown as NodeHttpHandler,
    });
    // The innermost step before the handler sees the request exactly as it goes on the wire, and the
    // input it was made from: that input's recording follows the request into the handler. (A call
    // option would key it too, but the SDK resolves its middleware afresh for any call given options.)
    this.client.middlewareStack.add(
      (next) => (args) => {
        const rec = this.pending.get((args as { input: object }).input);
        if (rec) this.handler.watch((args as { request: object }).request, rec);
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'ecrConformanceRecording' },
    );
  }

  /** `fresh`: on a connection of its own (a retry after a reset). */
  async send(input: BatchCheckLayerAvailabilityCommandInput, o: { fresh?: boolean } = {}): Promise<SdkSendResult> {
    // The call's key to its recording: an input object of its own.
    const own = { ...input };
    const rec: Recording = o.fresh ? { fresh: true } : {};
    this.pending.set(own, rec);
    const result = (sdk: SdkSendResult['sdk'], fault?: SendResult['fault']): SdkSendResult => {
      const r: SdkSendResult = { requestHeaders: rec.requestHeaders ?? {}, body: rec.requestBody ?? '' };
      if (rec.response) r.response = rec.response;
      if (sdk) r.sdk = sdk;
      if (fault && !rec.response) r.fault = fault;
      return r;
    };
    try {
      const out = await this.client.send(new BatchCheckLayerAvailabilityCommand(own));
      const sdk: SdkSendResult['sdk'] = { outcome: 'output' };
      if (out.$metadata.httpStatusCode !== undefined) sdk.status = out.$metadata.httpStatusCode;
      if (out.$metadata.requestId !== undefined) sdk.requestId = out.$metadata.requestId;
      return result(sdk);
    } catch (e) {
      const err = e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
      if (!rec.response) {
        return result(undefined, e instanceof TransportFault && e.kind !== 'garbage' && e.kind !== 'interrupted' ? { kind: e.kind, message: e.message } : faultOf(e));
      }
      const sdk: SdkSendResult['sdk'] = { outcome: 'error', errorName: err.name };
      if (err.$fault !== undefined) sdk.fault = err.$fault;
      if (err.$metadata?.httpStatusCode !== undefined) sdk.status = err.$metadata.httpStatusCode;
      if (err.$metadata?.requestId !== undefined) sdk.requestId = err.$metadata.requestId;
      return result(sdk);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
