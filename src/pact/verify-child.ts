// The process Pact's verifier runs in (see verifyPacts): takes its options over IPC, sets provider
// states up through a target of its own, sends the outcome back, and ends.
import { Target } from '../target/target.ts';
import { type VerifyOptions, verifyInProcess } from './verify.ts';

process.once('message', (m) => {
  const o = m as Omit<VerifyOptions, 'onOutput'>;
  const identity = o.seeding.credentials;
  const target = new Target({ endpoint: o.seeding.endpoint, region: o.seeding.region, timeoutMs: o.seeding.timeoutMs, rps: 0, maxRequests: 0, concurrency: 2, transport: 'sdk', credentials: identity });
  const { seeding: _, ...rest } = o;
  verifyInProcess({ ...rest, client: target.client, credentials: async () => identity, region: o.seeding.region })
    .then((v) => new Promise<void>((resolve) => process.send!({ ...v, seedingRequests: target.requestsUsed }, () => resolve())))
    .catch((e: unknown) => new Promise<void>((resolve) => process.send!({ passed: false, interactions: [], error: `the verifier failed: ${(e as Error).message}` }, () => resolve())))
    .finally(() => {
      target.close();
      // With the IPC channel closed and the target's sockets gone, nothing keeps this process alive.
      process.disconnect();
    });
});
