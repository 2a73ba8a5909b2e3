// A target: an endpoint plus the means to reach it. Every request passes one gate that enforces
// the rate limit and the hard request budget; throttled answers are retried, never judged.
import type { BatchCheckLayerAvailabilityCommandInput, ECRClient } from '@aws-sdk/client-ecr';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { operationSpec } from '../spec/index.ts';
import type { Exchange, Step } from '../model.ts';
import { DUMMY_CREDENTIALS, makeEcrClient } from './client.ts';
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

export class Target {
  /** For the sibling operations (seeding, cleanup); its requests pass the same gate. */
  readonly client: ECRClient;
  readonly description: string;
  /** The credentials requests are signed with (a provider; never logged). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** The URL requests go to. */
  readonly endpoint: string;
  requestsUsed = 0;
  throttled = 0;
  private readonly raw: RawTransport;
  private readonly sdk: SdkTransport;
  private nextSlot = 0;
  private budgetLifted = false;

  constructor(private readonly o: TargetOptions, readonly signal?: AbortSignal) {
    const explicit = o.credentials;
    const credentials: AwsCredentialIdentityProvider = explicit === 'chain' || (o.aws && !explicit)
      ? defaultProvider()
      : explicit ? async () => explicit : async () => DUMMY_CREDENTIALS;
    const endpoint = o.endpoint ?? `https://${operationSpec().framing.endpointPrefix.value}.${o.region}.amazonaws.com`;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.description = o.description ?? (o.aws && !o.endpoint ? `AWS ECR ${o.region}` : endpoint);
    const common = { region: o.region, credentials, timeoutMs: o.timeoutMs, maxResponseBytes: o.maxResponseBytes ?? 8 * 1024 * 1024, maxSockets: Math.max(1, o.concurrency) };
    this.raw = new RawTransport({ ...common, endpoint: new URL(endpoint) });
    this.sdk = new SdkTransport({ ...common, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}) });
    this.client = makeEcrClient({ region: o.region, credentials, timeoutMs: o.timeoutMs, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}) });
    this.client.middlewareStack.add((next) => async (args) => {
      await this.gate();
      return next(args);
    }, { step: 'finalizeRequest', name: 'ecrConformanceGate' });
  }

  /** Waits for the rate limit and takes one request from the budget. */
  async gate(): Promise<void> {
    if (this.o.maxRequests > 0 && !this.budgetLifted && this.requestsUsed >= this.o.maxRequests) throw new BudgetExhausted(this.o.maxRequests);
    this.requestsUsed++;
    if (this.o.rps > 0) {
      const now = Date.now();
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / this.o.rps;
      if (slot > now) await sleep(slot - now, this.signal);
    }
  }

  /** Sends one step of a case; a throttled answer is retried with backoff and never reaches the judge as a verdict. */
  async send(caseId: string, step: Step): Promise<Exchange> {
    const throttling = operationSpec().errors.throttling.value;
    for (let attempt = 0; ; attempt++) {
      await this.gate();
      const started = performance.now();
      const input = this.o.transport === 'sdk' ? sdkInput(step) : undefined;
      let result: SendResult & { body?: string; sdk?: Exchange['sdk'] };
      let body: string;
      if (input) {
        const r = await this.sdk.send(input);
        result = r;
        body = r.body;
      } else {
        body = step.rawBody ?? JSON.stringify(step.body);
        result = await this.raw.send(OPERATION, body);
      }
      const exchange = toExchange(caseId, step.label, OPERATION, body, result, performance.now() - started);
      if (result.sdk) exchange.sdk = result.sdk;
      const res = exchange.response;
      const isThrottle = res !== undefined && (res.status === 429 || throttling.some((t) => res.body.includes(`"${t}"`) || res.body.includes(`#${t}"`)));
      if (!isThrottle || attempt >= 4 || this.signal?.aborted) return exchange;
      this.throttled++;
      const retryAfter = Number(res.headers['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(5000, 200 * 2 ** attempt), this.signal);
    }
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
  }
}
