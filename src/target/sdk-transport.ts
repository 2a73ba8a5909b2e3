// Sends BatchCheckLayerAvailability through @aws-sdk/client-ecr exactly as an application would,
// while recording the bytes the SDK put on the wire and the raw answer it parsed.
import { BatchCheckLayerAvailabilityCommand, type BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import { endpointConfig } from './client.ts';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { BoundedHandler, TransportFault } from './bounded-handler.ts';
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
  constructor(private readonly o: SdkTransportOptions) {
    this.handler = new BoundedHandler({ timeoutMs: o.timeoutMs, maxResponseBytes: o.maxResponseBytes, maxSockets: o.maxSockets, ...(o.signal ? { signal: o.signal } : {}) });
    this.client = new ECRClient({
      region: o.region,
      maxAttempts: 1,
      credentials: o.credentials,
      ...endpointConfig(o.endpoint),
      requestHandler: this.handler as unknown as NodeHttpHandler,
    });
  }

  async send(input: BatchCheckLayerAvailabilityCommandInput): Promise<SdkSendResult> {
    // The call's key to its recording: a signal that never aborts (Ctrl-C reaches the handler on its own).
    const key = { aborted: false, onabort: null };
    const rec = this.handler.watch(key);
    const result = (sdk: SdkSendResult['sdk'], fault?: SendResult['fault']): SdkSendResult => {
      const r: SdkSendResult = { requestHeaders: rec.requestHeaders ?? {}, body: rec.requestBody ?? '' };
      if (rec.response) r.response = rec.response;
      if (sdk) r.sdk = sdk;
      if (fault && !rec.response) r.fault = fault;
      return r;
    };
    try {
      const out = await this.client.send(new BatchCheckLayerAvailabilityCommand(input), { abortSignal: key });
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
