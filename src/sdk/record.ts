// Turns exchanges into cassette interactions: secrets and signatures out, volatile headers out or
// fixed, account ids masked on request.
import type { Exchange } from '../model.ts';
import type { CassetteInteraction } from './cassette.ts';

/** Headers that change on every call or say nothing about the contract. */
const DROP = new Set(['date', 'connection', 'keep-alive', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'amz-sdk-invocation-id', 'amz-sdk-request', 'user-agent', 'x-amz-user-agent', 'host', 'content-length']);
export const FIXED_REQUEST_ID = '00000000-0000-4000-8000-000000000000';
export const MASKED_ACCOUNT = '000000000000';

function headers(h: Record<string, string>, keepRequestId: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const key = k.toLowerCase();
    if (DROP.has(key)) continue;
    out[key] = key === 'x-amzn-requestid' && !keepRequestId ? FIXED_REQUEST_ID : v;
  }
  return out;
}

export interface RecordOptions {
  /** Replace 12-digit account ids with 000000000000 everywhere. */
  maskAccountIds: boolean;
  /** Keep the target's request ids instead of a fixed one (a fixed one keeps recordings stable). */
  keepRequestIds: boolean;
}

const mask = (s: string, on: boolean) => (on ? s.replace(/(?<![0-9])[0-9]{12}(?![0-9])/g, MASKED_ACCOUNT) : s);

function sdkInput(body: string): CassetteInteraction['input'] {
  try {
    const b = JSON.parse(body) as Record<string, unknown>;
    const keys = Object.keys(b);
    if (!keys.every((k) => ['repositoryName', 'layerDigests', 'registryId'].includes(k))) return undefined;
    if (typeof b['repositoryName'] !== 'string' || !Array.isArray(b['layerDigests']) || !b['layerDigests'].every((d) => typeof d === 'string')) return undefined;
    if (b['registryId'] !== undefined && typeof b['registryId'] !== 'string') return undefined;
    return b as CassetteInteraction['input'];
  } catch {
    return undefined;
  }
}

export function toInteraction(x: Exchange, id: string, title: string, o: RecordOptions): CassetteInteraction | undefined {
  if (!x.response) return undefined;
  const requestBody = mask(x.request.body, o.maskAccountIds);
  const input = sdkInput(requestBody);
  return {
    id,
    title,
    origin: 'recorded',
    ...(input ? { input } : {}),
    request: { headers: headers(x.request.headers, true), body: requestBody },
    response: { status: x.response.status, headers: headers(x.response.headers, o.keepRequestIds), body: mask(x.response.body, o.maskAccountIds) },
  };
}
