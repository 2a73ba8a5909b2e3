import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The suite's and the SDK's versions, for provenance. */
export function versions(): { suite: string; sdk: string } {
  const suite = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  let sdk = 'unknown';
  try {
    sdk = (require('@aws-sdk/client-ecr/package.json') as { version: string }).version;
  } catch {
    // The SDK hides its package.json behind exports in some versions; provenance then says unknown.
  }
  return { suite, sdk };
}
