// SigV4 as AWS checks it, for `serve --require-sigv4`: the registry recomputes every request's
// signature from its signed headers and body and answers as AWS does when it does not match, when the
// access key is unknown, when it is missing, or when the signature has expired.
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../sha256.ts';
import { AwsError } from './errors.ts';

export interface SigV4Options {
  /** Secret keys by access key id. */
  credentials: Record<string, string>;
  /** How far X-Amz-Date may be from now (AWS: 15 minutes). */
  maxSkewMs?: number;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const amzDate = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Undefined when the request is signed right; otherwise the AWS error it gets. */
export async function checkSignature(o: SigV4Options, req: { method: string; url: string; headers: IncomingHttpHeaders }, body: Buffer, now = Date.now()): Promise<AwsError | undefined> {
  const auth = String(req.headers['authorization'] ?? '');
  if (!auth) return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
  const m = AUTH.exec(auth);
  if (!m) return new AwsError('IncompleteSignatureException', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${auth.split(' ')[0]}`, 400);
  const [, keyId, , region, service, signedHeaders, signature] = m as unknown as string[];
  const secret = o.credentials[keyId!];
  if (secret === undefined) return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  const date = String(req.headers['x-amz-date'] ?? '');
  const when = /^\d{8}T\d{6}Z$/.test(date) ? Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) : NaN;
  if (Number.isNaN(when)) return new AwsError('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.', 400);
  const skew = o.maxSkewMs ?? 15 * 60 * 1000;
  if (now - when > skew) {
    return new AwsError('InvalidSignatureException', `Signature expired: ${date} is now earlier than ${amzDate(new Date(now - skew))} (${amzDate(new Date(now))} - 15 min.)`, 400);
  }
  if (when - now > skew) {
    return new AwsError('InvalidSignatureException', `Signature not yet current: ${date} is still later than ${amzDate(new Date(now + skew))} (${amzDate(new Date(now))} + 15 min.)`, 400);
  }
  const headers: Record<string, string> = {};
  for (const h of signedHeaders!.split(';')) headers[h] = Array.isArray(req.headers[h]) ? (req.headers[h] as string[]).join(',') : String(req.headers[h] ?? '');
  // AWS hashes the body it received; a signed x-amz-content-sha256 that is not that hash makes the
  // client's canonical request differ from AWS's, so the signature cannot match.
  const claimed = headers['x-amz-content-sha256'];
  if (claimed !== undefined) {
    const h = new Sha256();
    h.update(body);
    if (Buffer.from(await h.digest()).toString('hex') !== claimed) return mismatch();
  }
  const host = headers['host'] ?? '';
  const [hostname, port] = host.split(':');
  const signer = new SignatureV4({ service: service!, region: region!, credentials: { accessKeyId: keyId!, secretAccessKey: secret }, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign({ method: req.method, protocol: 'http:', hostname: hostname!, ...(port ? { port: Number(port) } : {}), path: req.url.split('?')[0]!, headers, body, query: {} }, { signingDate: new Date(when) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1];
  return expected === signature ? undefined : mismatch();
}

const mismatch = () => new AwsError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 400);
