// Where real ECR is, as AWS resolves it: the SDK's own configuration chain decides the region (flag,
// environment, the profile's region) and the endpoint (AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL, FIPS
// and dual-stack settings from the environment or the profile, the endpoint rules), so the suite talks
// to the endpoint any AWS client would. Nothing is sent: the request is stopped once it is built.
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { HttpRequest } from '@smithy/types';
import { DUMMY_CREDENTIALS } from './client.ts';

class Resolved extends Error {
  constructor(readonly url: string) {
    super('resolved');
  }
}

export async function resolveAwsEndpoint(region?: string): Promise<{ region: string; endpoint: string }> {
  const client = new ECRClient({ ...(region ? { region } : {}), credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
  client.middlewareStack.add((() => async (args: { request: unknown }) => {
    const r = args.request as HttpRequest;
    throw new Resolved(`${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path && r.path !== '/' ? r.path.replace(/\/$/, '') : ''}`);
  }) as never, { step: 'finalizeRequest', priority: 'low', name: 'ecrConformanceResolveEndpoint' });
  try {
    const resolvedRegion = await client.config.region().catch(() => undefined);
    if (!resolvedRegion) return await resolveAwsEndpoint('us-east-1');
    await client.send(new DescribeRepositoriesCommand({}));
    throw new Error('the request was not stopped before it was sent');
  } catch (e) {
    if (e instanceof Resolved) return { region: region ?? await client.config.region(), endpoint: e.url };
    throw e;
  } finally {
    client.destroy();
  }
}
