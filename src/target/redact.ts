// Secrets never leave the process: signatures, access keys and tokens are masked in every header
// and text the suite records or prints.

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token', 'x-amz-content-sha256', 'cookie']);

/** An Authorization header keeps its scheme's name (AWS4-HMAC-SHA256) and nothing else; an odd one, not even that. */
const AUTH_SCHEME = /^[A-Za-z][A-Za-z0-9-]{0,39}(?=\s)/;

export function redactHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // Every request and answer passes here: a plain loop, no entries array, no regex but the scheme's.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
    if (key === 'authorization') out[key] = `${AUTH_SCHEME.exec(text)?.[0] ?? '<redacted>'} Credential=<redacted>, SignedHeaders=<redacted>, Signature=<redacted>`;
    else if (SECRET_HEADERS.has(key)) out[key] = '<redacted>';
    else out[key] = text;
  }
  return out;
}

/**
 * Replaces every occurrence of the given secrets, anything shaped like an AWS access key id, and every
 * SigV4 signature (an Authorization header's Signature=, a presigned URL's X-Amz-Signature=), in a text.
 */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<redacted>');
  return out
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '<redacted-access-key>')
    .replace(/((?:X-Amz-)?Signature=)[0-9a-fA-F]{16,}/g, '$1<redacted>');
}
