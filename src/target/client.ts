// An @aws-sdk/client-ecr client set up for conformance work: no retries, a deadline per request.
import { ECRClient } from '@aws-sdk/client-ecr';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface ClientOptions {
  /** Omit for real ECR (the SDK resolves the regional endpoint). */
  endpoint?: string;
  region?: string;
  /** Omit for dummy credentials with an endpoint, or the default credential chain without one. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  timeoutMs?: number;
  /** Attempts per call (the SDK's standard retry mode); 1, no retries, unless said. */
  maxAttempts?: number;
}

/** Credentials for endpoints that do not check signatures. They are fake and safe to print. */
export const DUMMY_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIAECRCONFORMANCE00', secretAccessKey: 'ecr-conformance-dummy-secret' };

export function makeEcrClient(options: ClientOptions = {}): ECRClient {
  const timeout = options.timeoutMs ?? 10_000;
  return new ECRClient({
    region: options.region ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : options.endpoint !== undefined ? { credentials: DUMMY_CREDENTIALS } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: timeout, requestTimeout: timeout }),
  });
}
