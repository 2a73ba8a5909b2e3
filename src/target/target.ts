// A target: an endpoint plus the means to reach it. Every request passes one gate that enforces
// the rate limit and the hard request budget; throttled answers are retried, never judged.
import { setMaxListeners } from 'node:events';
import type { BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { operationSpec } from '../spec/index.ts';
import type { Exchange, Step } from '../model.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, DUMMY_CREDENTIALS, makeEcrClient } from './client.ts';
import { RawTransport, type SendResult, toExchange } from './raw-transport.ts';
import { SdkTransport } from './sdk-transport.ts';

export interface TargetOptions {
  /** An endpoint URL; omit with `aws` for real ECR. */
  endpoint?: string;
  /** Real ECR through the default credential chain and the regional endpoint. */
  aws?: boolean;
  region: string;
  /** 'chain': the default credential chain; explicit credentials; or none for dummy ones (endpoints that do not check signatures). */
  credentials?: 'chain' | AwsCredentialIdentity;
  timeoutMs: number;
  /** Requests per second across the run; 0 for no limit. */
  rps: number;
  /** Hard cap on HTTP requests, seeding and cleanup included; 0 for none. */
  maxRequests: number;
  concurrency: number;
  transport: 'sdk' | 'raw';
  maxResponseBytes?: number;
  /** How reports name the target (default: the endpoint, or AWS ECR and the region). */
  description?: string;
  /** Wall-clock time (ms since the epoch) after which no retry waits and no new retry starts. */
  deadline?: number;
  /** How long (ms) a repository may take to show after CreateRepository and to go after DeleteRepository; default spec's window for the kind of target. */
  settleMs?: number;
}

export class BudgetExhausted extends Error {
  constructor(readonly limit: number) {
    super(`the request budget of ${limit} is used up`);
  }
}

const OPERATION = 'BatchCheckLayerAvailability';
const SDK_MEMBERS: Record<string, 'string' | 'strings'> = { registryId: 'string', repositoryName: 'string', layerDigests: 'strings' };

/** A body the SDK serializes byte for byte as the generator meant it: known members of the right types. */
function sdkInput(step: Step): BatchCheckLayerAvailabilityCommandInput | undefined {
  if (step.rawBody !== undefined || step.body === null || typeof step.body !== 'object' || Array.isArray(step.body)) return undefined;
  for (const [k, v] of Object.entries(step.body)) {
    const type = SDK_MEMBERS[k];
    if (type === 'string' && typeof v !== 'string') return undefined;
    if (type === 'strings' && !(Array.isArray(v) && v.every((d) => typeof d === 'string'))) return undefined;
    if (!type) return undefined;
  }
  return step.body as BatchCheckLayerAvailabilityCommandInput;
}

/** Waits `ms`, or less when the signal aborts; leaves no listener behind either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The longest Retry-After the suite honours; a longer one is cut to this (and to --max-time). */
export const RETRY_AFTER_CAP_MS = 20_000;

/**
 * Attempts at a throttled step, beyond the SDK's: a throttle says "slow down", not "this failed", and the
 * run is slowing down. A quota counted per second (as AWS's are) throttles again a retry that lands in
 * the same second, which the first retries' jitter (up to 0.5 s, then 1 s) often does; the later ones
 * wait seconds, at a rate already cut. With 5 attempts, a run at --rps 120 against a 40/s quota lost an
 * exchange about once in ten runs (INCOMPLETE); with 8, the backoff spans ~30 s. The token bucket and
 * --max-time still stop a target that throttles everything.
 */
export const THROTTLE_EXTRA_ATTEMPTS = 5;

/**
 * The same for seeding and cleanup calls, fewer: their client's adaptive mode already paces its
 * retries by the rate it measures. With the SDK's 3, a scenario's upload under the quota test was
 * refused now and then.
 */
export const SEEDING_THROTTLE_EXTRA_ATTEMPTS = 2;


/**
 * What makes an exchange worth retrying: a throttle, a transient server error, or a connection reset
 * (ECONNRESET, EPIPE: a keep-alive connection the server closed as the request went out, which the
 * SDKs' standard mode retries too). A deadline is not retried: a stalled target would cost three.
 */
type Transient = 'throttle' | 'transient' | 'reset' | undefined;

/** An answer worth retrying: a throttle, or a transient server error (as the SDKs classify them). */
function transientKind(res: { status: number; body: string; headers: Record<string, string> } | undefined): Transient {
  if (!res) return undefined;
  // Most answers are successes that name no error type anywhere (an escaped key has a backslash): nothing to parse.
  if (res.status >= 200 && res.status < 300 && res.headers['x-amzn-errortype'] === undefined && !/__type|"code"|\\/.test(res.body)) return undefined;
  const errors = operationSpec().errors;
  let type: string | undefined;
  try {
    const body = JSON.parse(res.body) as Record<string, unknown> | null;
    const raw = body && typeof body === 'object' ? (body['__type'] ?? body['code']) : undefined;
    if (typeof raw === 'string') type = raw.split(':')[0]!.split('#').pop();
  } catch {
    // Not JSON: only the status can say.
  }
  type ??= res.headers['x-amzn-errortype']?.split(':')[0]!.split('#').pop();
  if (res.status === 429 || (type !== undefined && errors.throttling.value.includes(type))) return 'throttle';
  if (errors.notImplemented.value.statuses.includes(res.status) || (type !== undefined && errors.notImplemented.value.types.includes(type))) return undefined;
  if (errors.transient.value.statuses.includes(res.status) || (type !== undefined && errors.transient.value.types.includes(type))) return 'transient';
  return undefined;
}

export class Target {
  /** For the sibling operations (seeding, scenarios); its requests pass the same gate and handler. */
  readonly client: ECRClient;
  private cleaner?: ECRClient;
  readonly description: string;
  /** The window of the user's (--settle) for a repository to show or go; undefined for spec's. */
  get settleMs(): number | undefined {
    return this.o.settleMs;
  }
  /** The credentials requests are signed with (a provider; never logged). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** The URL requests go to. */
  readonly endpoint: string;
  requestsUsed = 0;
  /** Tags for every repository the run creates (undefined once the target refused them). */
  creationTags?: { Key: string; Value: string }[];
  /** Answers that were throttles, and transient errors or connection resets, each retried. */
  throttled = 0;
  transientErrors = 0;
  /** Exchanges whose first answer was transient and a retry got a lasting one. */
  recovered = 0;
  /** The retry token bucket of the SDK's standard mode: a target that keeps failing stops being retried. */
  private retryTokens = operationSpec().clients.retry.value.initialTokens;
  private readonly raw: RawTransport;
  private readonly sdk: SdkTransport;
  private nextSlot = 0;
  private budgetLifted = false;

  constructor(private readonly o: TargetOptions, readonly signal?: AbortSignal) {
    // Every call in flight listens for Ctrl-C, and removes its listener when it ends: many at once is no leak.
    if (signal) setMaxListeners(Math.max(64, o.concurrency * 4), signal);
    this.rate = o.rps > 0 ? o.rps : Infinity;
    const explicit = o.credentials;
    const credentials: AwsCredentialIdentityProvider = explicit === 'chain' || (o.aws && !explicit)
      ? defaultProvider()
      : explicit ? async () => explicit : async () => DUMMY_CREDENTIALS;
    const endpoint = o.endpoint ?? `https://${operationSpec().framing.endpointPrefix.value}.${o.region}.amazonaws.com`;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.description = o.description ?? (o.aws && !o.endpoint ? `AWS ECR ${o.region} (${endpoint})` : endpoint);
    const common = { region: o.region, credentials, timeoutMs: o.timeoutMs, maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, maxSockets: Math.max(1, o.concurrency), ...(signal ? { signal } : {}) };
    this.raw = new RawTransport({ ...common, endpoint: new URL(endpoint) });
    this.sdk = new SdkTransport({ ...common, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}) });
    // Seeding and cleanup retry transient errors as any SDK caller would — in the SDK's adaptive mode,
    // which also slows down while throttled, so that a quota does not refuse a scenario's upload or
    // leave a repository behind; every attempt passes the gate and the same bounded handler. A deadline
    // or an unreadable answer is a TransportFault, not retried.
    // A throttle gets SEEDING_THROTTLE_EXTRA_ATTEMPTS more attempts than other errors; one that names a
    // quota rather than a rate (spec: errors.quotaLimits) does not, since waiting does not lift it and
    // each extra "throttle" would cut the adaptive rate again.
    const policy = operationSpec().clients.retry.value;
    this.clientOptions = {
      ...common, maxAttempts: policy.maxAttempts, retryMode: 'adaptive', throttleAttempts: policy.maxAttempts + SEEDING_THROTTLE_EXTRA_ATTEMPTS,
      patientWith: (name) => name === undefined || !operationSpec().errors.quotaLimits.value.includes(name), ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    };
    this.client = this.gated(makeEcrClient(this.clientOptions));
  }

  private readonly clientOptions: Parameters<typeof makeEcrClient>[0];

  /** Every attempt waits at the gate; a throttle slows the whole run down, as one of a case does. */
  private gated(client: ECRClient): ECRClient {
    client.middlewareStack.add((next) => async (args) => {
      await this.gate();
      try {
        const out = await next(args);
        this.answeredNow();
        return out;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 429 || operationSpec().errors.throttling.value.includes((e as Error).name)) this.throttledNow();
        throw e;
      }
    }, { step: 'finalizeRequest', name: 'ecrConformanceGate' });
    return client;
  }

  /**
   * The client cleanup uses: the same gate, deadline and size cap, but not stopped by the first Ctrl-C,
   * which must still let the run remove what it created (a second Ctrl-C quits at once).
   */
  get cleanupClient(): ECRClient {
    const { signal: _, ...options } = this.clientOptions as Record<string, unknown>;
    return (this.cleaner ??= this.gated(makeEcrClient(options as Parameters<typeof makeEcrClient>[0])));
  }

  /** With --workers, the request count of the whole run, shared by its threads (one Int32 in shared memory). */
  private runCount: Int32Array | undefined;

  /** Counts this target's requests into `counter` too (--workers: every thread's target into the same one), or stops. */
  shareRequestCount(counter: Int32Array | undefined): void {
    this.runCount = counter;
  }

  /** Requests the whole run has sent so far: this thread's, and with --workers every thread's. */
  get runRequests(): number {
    return this.runCount ? Atomics.load(this.runCount, 0) : this.requestsUsed;
  }

  /** Waits for the rate limit and takes one request from the budget. */
  async gate(): Promise<void> {
    if (this.o.maxRequests > 0 && !this.budgetLifted && this.requestsUsed >= this.o.maxRequests) throw new BudgetExhausted(this.o.maxRequests);
    this.requestsUsed++;
    if (this.runCount) Atomics.add(this.runCount, 0, 1);
    if (Number.isFinite(this.rate)) {
      const now = Date.now();
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / this.rate;
      if (slot > now) await sleep(slot - now, this.signal);
    }
  }

  /**
   * With --rps, the request rate adapts as the SDK's adaptive retry mode does, in a simpler form: a
   * throttle halves it, at most once a second, and every second without one wins back a quarter of
   * it, up to --rps. A quota is met by slowing down, not by spending retries.
   */
  private rate: number;
  /** The lowest rate throttles brought the run down to, if any. */
  slowestRate: number | undefined;

  private lastCut = 0;

  private throttledNow(): void {
    // Without --rps (a local emulator) there is no rate to adapt: throttles are retried, nothing more.
    if (this.o.rps <= 0) return;
    // Requests already in flight when the first throttle came back say nothing new: one cut a second.
    const now = Date.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.rate = Math.max(1, this.rate / 2);
    this.slowestRate = Math.min(this.slowestRate ?? Infinity, this.rate);
  }

  private answeredNow(): void {
    if (!Number.isFinite(this.rate)) return;
    const now = Date.now();
    if (now - this.lastCut < 1000 || now - this.lastRaise < 1000) return;
    this.lastRaise = now;
    this.rate = Math.min(this.o.rps, this.rate * 1.25);
  }

  private lastRaise = 0;

  /**
   * Sends one step of a case. A throttle, a transient server error or a connection reset is retried as
   * the SDK's standard mode does (capped exponential backoff with full jitter, Retry-After honoured up
   * to a cap, a token bucket that an answer after a retry refunds), never past --max-time or Ctrl-C.
   * What comes back last is what the judge sees.
   */
  async send(caseId: string, step: Step): Promise<Exchange> {
    const policy = operationSpec().clients.retry.value;
    let cost = 0;
    // After a reset, the retry goes on a connection of its own: another kept-alive one may be closed too.
    let fresh = false;
    for (let attempt = 0; ; attempt++) {
      await this.gate();
      const started = performance.now();
      const input = this.o.transport === 'sdk' ? sdkInput(step) : undefined;
      let result: SendResult & { body?: string; sdk?: Exchange['sdk'] };
      let body: string;
      if (input) {
        const r = await this.sdk.send(input, { fresh });
        result = r;
        body = r.body;
      } else {
        body = step.rawBody ?? JSON.stringify(step.body);
        result = await this.raw.send(OPERATION, body, { fresh });
      }
      const exchange = toExchange(caseId, step.label, OPERATION, body, result, performance.now() - started);
      if (result.sdk) exchange.sdk = result.sdk;
      if (attempt > 0) exchange.retries = attempt;
      const kind = exchange.fault?.kind === 'reset' ? 'reset' : transientKind(exchange.response);
      if (kind === 'throttle') this.throttledNow();
      else if (kind !== 'reset') this.answeredNow();
      if (!kind) {
        if (attempt > 0) this.recovered++;
        // As the SDK's recordSuccess: an answer after a retry gives back what that retry cost.
        this.retryTokens = Math.min(policy.initialTokens, this.retryTokens + (attempt > 0 ? cost : policy.noRetryIncrement));
        return exchange;
      }
      if (kind === 'throttle') this.throttled++;
      else this.transientErrors++;
      const attempts = kind === 'throttle' ? policy.maxAttempts + THROTTLE_EXTRA_ATTEMPTS : policy.maxAttempts;
      // The SDK's NodeHttpHandler names a reset a TimeoutError, which its retry quota charges more for.
      cost = kind === 'reset' ? policy.timeoutRetryCost : policy.retryCost;
      fresh = kind === 'reset';
      if (attempt + 1 >= attempts || this.signal?.aborted || this.retryTokens < cost) return exchange;
      const base = kind === 'throttle' ? policy.throttlingBaseDelayMs : policy.baseDelayMs;
      const backoff = Math.random() * Math.min(policy.maxDelayMs, base * 2 ** attempt);
      const retryAfter = Number(exchange.response?.headers['retry-after']) * 1000;
      let wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, RETRY_AFTER_CAP_MS) : backoff;
      if (this.o.deadline !== undefined) {
        const left = this.o.deadline - Date.now();
        if (left <= 0) return exchange;
        wait = Math.min(wait, left);
      }
      this.retryTokens -= cost;
      await sleep(wait, this.signal);
      if (this.signal?.aborted) return exchange;
    }
  }

  /** Counts requests other threads sent to the same target (--workers), for the report. */
  absorbCounts(c: { used: number; throttled: number; transientErrors: number; recovered: number }): void {
    this.requestsUsed += c.used;
    this.throttled += c.throttled;
    this.transientErrors += c.transientErrors;
    this.recovered += c.recovered;
  }

  /**
   * Cleanup must never be refused: deleting what the run created takes one request per repository,
   * counted but allowed past the budget (and still rate-limited).
   */
  liftBudgetForCleanup(): void {
    this.budgetLifted = true;
  }

  close(): void {
    this.raw.close();
    this.sdk.close();
    this.client.destroy();
    this.cleaner?.destroy();
  }
}
