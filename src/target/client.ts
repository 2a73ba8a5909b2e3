// An @aws-sdk/client-ecr client set up for conformance work: no retries, a deadline per request.
import { ECRClient } from '@aws-sdk/client-ecr';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { BoundedHandler } from './bounded-handler.ts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';

export interface ClientOptions {
  /** Omit for real ECR (the SDK resolves the regional endpoint). */
  endpoint?: string;
  region?: string;
  /** Omit for dummy credentials with an endpoint, or the default credential chain without one. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  timeoutMs?: number;
  /** Attempts per call (the SDK's standard retry mode); 1, no retries, unless said. */
  maxAttempts?: number;
  /** The SDK's retry mode: 'adaptive' also slows the client down while it is being throttled. */
  retryMode?: 'standard' | 'adaptive';
  /** Attempts for a throttled call, if more than maxAttempts (in the adaptive mode): a throttle says "slow down", not "failed". */
  throttleAttempts?: number;
  /** Which throttles (by error name) get throttleAttempts; default all the SDK counts. */
  patientWith?: (errorName: string | undefined) => boolean;
  /** The most bytes an answer may have (default 1 MiB). */
  maxResponseBytes?: number;
  /** Aborts every call in flight (Ctrl-C). */
  signal?: AbortSignal;
}

/** An answer of this operation is at most 100 failures of 1000-character digests with their reasons: far below this. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * A client's endpoint settings: a given endpoint is used as it is, so the environment's or profile's
 * FIPS and dual-stack settings (which the SDK refuses to combine with a custom endpoint) are off —
 * with --aws they were applied already when the endpoint was resolved.
 */
export function endpointConfig(endpoint: string | undefined): { endpoint?: string; useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean } {
  return endpoint !== undefined ? { endpoint, useFipsEndpoint: false, useDualstackEndpoint: false } : {};
}

/** Credentials for endpoints that do not check signatures. They are fake and safe to print. */
export const DUMMY_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIAECRCONFORMANCE00', secretAccessKey: 'ecr-conformance-dummy-secret' };

/**
 * The SDK's adaptive retry strategy, with `throttleAttempts` for a throttle and `maxAttempts` for any
 * other error it retries: the SDK counts one number for both.
 */
export function patientWithThrottles(maxAttempts: number, throttleAttempts: number, patientWith: (errorName: string | undefined) => boolean = () => true): RetryStrategyV2 {
  const adaptive = new AdaptiveRetryStrategy(async () => Math.max(maxAttempts, throttleAttempts));
  return {
    acquireInitialRetryToken: (scope) => adaptive.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: async (token, error) => {
      const patient = error.errorType === 'THROTTLING' && patientWith(error.error?.name);
      if (!patient && token.getRetryCount() + 1 >= maxAttempts) throw new Error('No retry token available');
      return adaptive.refreshRetryTokenForRetry(token as Parameters<typeof adaptive.refreshRetryTokenForRetry>[0], error);
    },
    recordSuccess: (token) => adaptive.recordSuccess(token as Parameters<typeof adaptive.recordSuccess>[0]),
  };
}

export function makeEcrClient(options: ClientOptions = {}): ECRClient {
  const timeout = options.timeoutMs ?? 10_000;
  const patient = options.retryMode === 'adaptive' && options.throttleAttempts !== undefined && options.throttleAttempts > (options.maxAttempts ?? 1);
  return new ECRClient({
    region: options.region ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 1,
    ...(patient ? { retryStrategy: patientWithThrottles(options.maxAttempts ?? 1, options.throttleAttempts!, options.patientWith) } : options.retryMode !== undefined ? { retryMode: options.retryMode } : {}),
    ...endpointConfig(options.endpoint),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : options.endpoint !== undefined ? { credentials: DUMMY_CREDENTIALS } : {}),
    // Every call bounded: a deadline for the whole answer, a size cap, Ctrl-C, faults named.
    requestHandler: new BoundedHandler({
      timeoutMs: timeout, maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, maxSockets: 8, jsonOnly: true,
      ...(options.signal ? { signal: options.signal } : {}),
    }) as unknown as NodeHttpHandler,
  });
}
