import { describe, expect, it } from 'vitest';
import { redactHeaders } from './redact.ts';

describe('redactHeaders', () => {
  it('keeps a SigV4 Authorization header its scheme only, and masks the other secret headers', () => {
    const out = redactHeaders({
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0123abcd',
      'X-Amz-Security-Token': 'token', 'x-amz-content-sha256': 'abc', Cookie: 'a=b', 'Content-Type': 'application/x-amz-json-1.1',
    });
    expect(out).toEqual({
      authorization: 'AWS4-HMAC-SHA256 Credential=<redacted>, SignedHeaders=<redacted>, Signature=<redacted>',
      'x-amz-security-token': '<redacted>', 'x-amz-content-sha256': '<redacted>', cookie: '<redacted>', 'content-type': 'application/x-amz-json-1.1',
    });
  });

  it('keeps nothing of an Authorization header that starts with no scheme name', () => {
    // A bare token, or one after a space, is the secret itself.
    for (const odd of ['AKIAIOSFODNN7EXAMPLEsecret', ' AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE', 'Credential=AKIAIOSFODNN7EXAMPLE/x Signature=0123']) {
      const out = redactHeaders({ authorization: odd });
      expect(out['authorization']).toBe('<redacted> Credential=<redacted>, SignedHeaders=<redacted>, Signature=<redacted>');
    }
  });

  it('joins repeated headers, writes numbers as text and leaves out absent ones', () => {
    expect(redactHeaders({ 'set-thing': ['a', 'b'], 'content-length': 12, gone: undefined })).toEqual({ 'set-thing': 'a, b', 'content-length': '12' });
  });
});
