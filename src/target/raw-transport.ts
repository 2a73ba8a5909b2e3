// Sends exact bytes over HTTP(S), signed with SigV4 by @smithy/signature-v4, with a deadline and
// a bound on the answer's size. Used for what the SDK cannot send, and for speed.
import { isUtf8 } from 'node:buffer';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { amzTarget, operationSpec } from '../spec/index.ts';
import type { Exchange, TransportFault, WireResponse } from '../model.ts';
import { BodyTooLarge, readLimited } from './read-limited.ts';
import { Sha256 } from '../sha256.ts';

export { Sha256 };
import { redactHeaders } from './redact.ts';

export interface RawTransportOptions {
  endpoint: URL;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  timeoutMs: number;
  maxResponseBytes: number;
  maxSockets: number;
  /** Ends every request in flight (Ctrl-C). */
  signal?: AbortSignal;
}

export interface SendResult {
  response?: WireResponse;
  fault?: { kind: TransportFault; message: string };
  requestHeaders: Record<string, string>;
}

export function faultOf(e: unknown): { kind: TransportFault; message: string } {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof BodyTooLarge) return { kind: 'too-large', message: err.message };
  // The SDK names a reset 'TimeoutError' with code ECONNRESET: look at the code first.
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return { kind: 'refused', message: `${err.code}: ${err.message}` };
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up/.test(err.message)) return { kind: 'reset', message: err.message };
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ETIMEDOUT' || /deadline/.test(err.message)) return { kind: 'timeout', message: err.message };
  return { kind: 'other', message: err.message };
}

export class RawTransport {
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent;
  /** For a retry after a reset: a connection of its own each time, which no server has closed already. */
  private readonly freshAgent: HttpAgent;
  constructor(private readonly o: RawTransportOptions) {
    this.signer = new SignatureV4({ service: operationSpec().framing.signingName.value, region: o.region, credentials: o.credentials, sha256: Sha256 });
    const Agent = o.endpoint.protocol === 'https:' ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets });
    this.freshAgent = new Agent({ keepAlive: false, maxSockets: o.maxSockets });
  }

  /** `fresh`: on a connection of its own (a retry after a reset). */
  async send(operation: string, body: string, o: { fresh?: boolean } = {}): Promise<SendResult> {
    const url = this.o.endpoint;
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': operationSpec().framing.contentType.value,
      'x-amz-target': amzTarget(operation),
      'content-length': String(Buffer.byteLength(body)),
    };
    const signed = await this.signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: '/', headers, body, query: {} });
    const sentHeaders = signed.headers as Record<string, string>;
    const requestHeaders = redactHeaders(sentHeaders);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      let done = false;
      const finish = (r: Omit<SendResult, 'requestHeaders'>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.o.signal?.removeEventListener('abort', interrupt);
        resolve({ ...r, requestHeaders });
      };
      const interrupt = () => {
        req.destroy();
        finish({ fault: { kind: 'interrupted', message: 'interrupted' } });
      };
      let answer: IncomingMessage | undefined;
      const req = send({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: sentHeaders, agent: o.fresh ? this.freshAgent : this.agent }, (res) => {
        answer = res;
        readLimited(res, this.o.maxResponseBytes).then(
          (bytes) => finish({ response: wireResponse(res.statusCode ?? 0, redactHeaders(res.headers as Record<string, string>), bytes) }),
          (e: unknown) => {
            req.destroy();
            finish({ fault: faultOf(e) });
          },
        );
      });
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error(`no complete answer within the ${this.o.timeoutMs} ms deadline`), { code: 'ETIMEDOUT' }));
        finish({ fault: { kind: 'timeout', message: `no complete answer within the ${this.o.timeoutMs} ms deadline` } });
      }, this.o.timeoutMs);
      // Bytes past the end of a complete answer (more than its Content-Length) break the connection, not
      // this answer: it is judged as it came, as the SDK's handler does.
      req.on('error', (e) => {
        if (!answer?.complete) finish({ fault: faultOf(e) });
      });
      if (this.o.signal?.aborted) interrupt();
      else this.o.signal?.addEventListener('abort', interrupt, { once: true });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
    this.freshAgent.destroy();
  }
}

/** An answer as recorded: the body decoded as UTF-8, with a mark when the bytes were not UTF-8. */
export function wireResponse(status: number, headers: Record<string, string>, bytes: Buffer): WireResponse {
  const response: WireResponse = { status, headers, body: bytes.toString('utf8') };
  if (!isUtf8(bytes)) response.invalidUtf8 = true;
  return response;
}

/** Turns a send result into an exchange. */
export function toExchange(caseId: string, label: string, operation: string, body: string, r: SendResult, durationMs: number): Exchange {
  const exchange: Exchange = { caseId, label, request: { operation, headers: r.requestHeaders, body }, durationMs };
  if (r.response) exchange.response = r.response;
  if (r.fault) exchange.fault = r.fault;
  return exchange;
}
