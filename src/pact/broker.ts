// Pact Broker: where the standard variables point, the contracts are published and verification
// results reported. Versions and branches come from the usual CI variables, else from git.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';

export interface BrokerConfig {
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

export function brokerFromEnv(env: NodeJS.ProcessEnv): BrokerConfig | undefined {
  const url = env['PACT_BROKER_BASE_URL'];
  if (!url) return undefined;
  try {
    new URL(url);
  } catch {
    throw new UsageError(`PACT_BROKER_BASE_URL '${url}' is not a URL`);
  }
  return {
    url: url.replace(/\/+$/, ''),
    ...(env['PACT_BROKER_TOKEN'] ? { token: env['PACT_BROKER_TOKEN'] } : {}),
    ...(env['PACT_BROKER_USERNAME'] ? { username: env['PACT_BROKER_USERNAME'] } : {}),
    ...(env['PACT_BROKER_PASSWORD'] ? { password: env['PACT_BROKER_PASSWORD'] } : {}),
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The version and branch of what is being published: CI variables first, then git. */
export function versionFromEnv(env: NodeJS.ProcessEnv, fallbackVersion: string): { version: string; branch?: string } {
  const version = env['PACT_CONSUMER_VERSION'] ?? env['GIT_COMMIT'] ?? env['GITHUB_SHA'] ?? env['CI_COMMIT_SHA'] ?? env['BUILDKITE_COMMIT'] ?? env['CIRCLE_SHA1'] ?? git(['rev-parse', 'HEAD']) ?? fallbackVersion;
  const branch = env['PACT_CONSUMER_BRANCH'] ?? env['GIT_BRANCH'] ?? env['GITHUB_HEAD_REF'] ?? env['GITHUB_REF_NAME'] ?? env['CI_COMMIT_REF_NAME'] ?? env['BUILDKITE_BRANCH'] ?? env['CIRCLE_BRANCH'] ?? git(['rev-parse', '--abbrev-ref', 'HEAD']);
  return { version, ...(branch && branch !== 'HEAD' ? { branch } : {}) };
}

function authHeader(b: BrokerConfig): Record<string, string> {
  if (b.token) return { authorization: `Bearer ${b.token}` };
  if (b.username) return { authorization: `Basic ${Buffer.from(`${b.username}:${b.password ?? ''}`).toString('base64')}` };
  return {};
}

/** Publishes pact files with the Pact Broker's /contracts/publish API, one request per consumer. */
export async function publishPacts(b: BrokerConfig, files: string[], version: string, branch: string | undefined): Promise<string[]> {
  const published: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const pact = JSON.parse(text) as { consumer: { name: string }; provider: { name: string } };
    const body = {
      pacticipantName: pact.consumer.name,
      pacticipantVersionNumber: version,
      ...(branch ? { branch } : {}),
      tags: [],
      contracts: [{ consumerName: pact.consumer.name, providerName: pact.provider.name, specification: 'pact', contentType: 'application/json', content: Buffer.from(text).toString('base64') }],
    };
    const res = await fetch(`${b.url}/contracts/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/hal+json', ...authHeader(b) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).catch((e: Error) => { throw new UsageError(`cannot reach the Pact Broker at ${b.url}: ${e.message}`, 'BROKER'); });
    if (!res.ok) throw new UsageError(`the Pact Broker refused ${file}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`, 'BROKER');
    published.push(`${pact.consumer.name} ${version}${branch ? ` (${branch})` : ''}`);
  }
  return published;
}
