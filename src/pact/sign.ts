// A request filter for Pact's verifier proxy that signs each replayed request with SigV4, so that
// endpoints which check signatures (real ECR) accept it.
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { operationSpec } from '../spec/index.ts';
import { Sha256 } from '../target/raw-transport.ts';

interface FilterRequest { method: string; originalUrl: string; headers: IncomingHttpHeaders; body?: unknown }
type Next = (err?: unknown) => void;

/**
 * With changeOrigin the proxy forwards with the provider's Host, so that is the host signed.
 * The body was buffered by the proxy; an example Authorization in the pact is replaced.
 */
export function sigv4RequestFilter(providerBaseUrl: string, region: string, credentials: AwsCredentialIdentityProvider) {
  const url = new URL(providerBaseUrl);
  const signer = new SignatureV4({ service: operationSpec().framing.signingName.value, region, credentials, sha256: Sha256 });
  return (req: FilterRequest, _res: unknown, next: Next) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['connection', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].includes(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(',') : String(v);
    }
    headers['host'] = url.host;
    const body = Buffer.isBuffer(req.body) ? req.body : typeof req.body === 'string' ? Buffer.from(req.body) : Buffer.alloc(0);
    signer.sign({ method: req.method, protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: req.originalUrl.split('?')[0]!, headers, body, query: {} })
      .then((signed) => {
        for (const h of ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']) {
          const value = signed.headers[h];
          if (value) req.headers[h] = value;
        }
        next();
      }, next);
  };
}
