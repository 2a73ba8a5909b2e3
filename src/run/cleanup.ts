// What earlier runs left behind — a run killed with kill -9, a cancelled CI job — found by name and
// tag, and deleted only when asked. A repository is the suite's only if its name is one a run gives
// (ecr-conformance-<8 hex digits>, or below it) and, where the target keeps tags, it carries the
// suite's creator tag: a repository that happens to match the name but was tagged by someone else
// is never touched.
import { DeleteRepositoryCommand, ListTagsForResourceCommand, paginateDescribeRepositories, type ECRClient, type Repository } from '@aws-sdk/client-ecr';
import { OWN_REPOSITORY, TAG } from './setup.ts';

export interface Leftover {
  name: string;
  /** When the repository was created: its creation tag, or DescribeRepositories' createdAt. */
  createdAt?: Date;
  /** The run id it was tagged with. */
  run?: string;
  /** How it was recognised: by its creator tag, or by name alone (the target keeps no tags). */
  by: 'tag' | 'name';
}

export interface Passed {
  name: string;
  why: string;
}

export interface Found {
  leftovers: Leftover[];
  /** Repositories with a run's name that are not taken, and why. */
  passed: Passed[];
}

const errorName = (e: unknown) => (e as { name?: string }).name ?? 'Error';

/** Lists the suite's repositories older than `olderThanMs` (by creation time; 0 for all). */
export async function findLeftovers(client: ECRClient, o: { olderThanMs: number; now?: number }): Promise<Found> {
  const now = o.now ?? Date.now();
  const candidates: Repository[] = [];
  for await (const page of paginateDescribeRepositories({ client, pageSize: 1000 }, {})) {
    for (const r of page.repositories ?? []) if (r.repositoryName && OWN_REPOSITORY.test(r.repositoryName)) candidates.push(r);
  }
  const found: Found = { leftovers: [], passed: [] };
  for (const r of candidates) {
    const name = r.repositoryName!;
    let tags: Record<string, string> | undefined;
    try {
      const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: r.repositoryArn }));
      tags = Object.fromEntries((listed.tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (e) {
      // A target without tags (or without permission to read them): the name alone decides.
      if (errorName(e) === 'RepositoryNotFoundException') continue;
    }
    const tagged = tags !== undefined && tags[TAG.creator] === 'ecr-conformance';
    if (tags !== undefined && Object.keys(tags).length > 0 && !tagged) {
      found.passed.push({ name, why: 'its name is a run\'s, but its tags are not the suite\'s' });
      continue;
    }
    const stamped = tagged ? Date.parse(tags![TAG.created] ?? '') : NaN;
    const createdAt = Number.isFinite(stamped) ? new Date(stamped) : r.createdAt;
    if (o.olderThanMs > 0 && (createdAt === undefined || now - createdAt.getTime() < o.olderThanMs)) {
      found.passed.push({ name, why: createdAt === undefined ? 'its age is unknown' : `younger than --older-than (created ${createdAt.toISOString()})` });
      continue;
    }
    found.leftovers.push({ name, by: tagged ? 'tag' : 'name', ...(createdAt ? { createdAt } : {}), ...(tagged && tags![TAG.run] ? { run: tags![TAG.run] } : {}) });
  }
  found.leftovers.sort((a, b) => a.name.localeCompare(b.name));
  return found;
}

/** Deletes each leftover (with its images); returns what could not be deleted, with why. */
export async function deleteLeftovers(client: ECRClient, leftovers: Leftover[], onDeleted?: (name: string) => void): Promise<Passed[]> {
  const failed: Passed[] = [];
  for (const l of leftovers) {
    try {
      await client.send(new DeleteRepositoryCommand({ repositoryName: l.name, force: true }));
      onDeleted?.(l.name);
    } catch (e) {
      if (errorName(e) === 'RepositoryNotFoundException') continue;
      failed.push({ name: l.name, why: `${errorName(e)}: ${(e as Error).message}`.slice(0, 300) });
    }
  }
  return failed;
}

/** '90s', '30m', '2h', '7d' (or a bare number of seconds) in ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration (like 90s, 30m, 2h, 7d)`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'] * 1000;
}
