// IAM as the registry plays it for `serve --policy`: which action and resource a request is
// authorized as (spec/seeding.json, iam), and an identity-based policy evaluated the way IAM does
// for the parts the suite's policies use — Allow and Deny statements, Action and Resource with * and
// ? wildcards; an explicit Deny wins, and nothing is allowed that no statement allows. A policy with
// anything else (conditions, NotAction, principals) is refused rather than half-evaluated.
import { seedingSpec } from '../spec/index.ts';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** One authorization a request needs: this action on this resource. */
export interface Authorization {
  action: string;
  resource: string;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** IAM's wildcard match: * any run of characters, ? any one; case-sensitive for resources, not for actions. */
export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
  return re.test(value);
}

/** Checks a policy document's shape; throws with what is wrong, or what this evaluator does not do. */
export function parsePolicy(value: unknown): IamPolicy {
  const p = value as Partial<IamPolicy> | null;
  if (!p || typeof p !== 'object' || p.Version !== '2012-10-17' || !Array.isArray(p.Statement)) throw new Error('an IAM policy needs "Version": "2012-10-17" and a "Statement" list');
  for (const [i, s] of p.Statement.entries()) {
    const extra = Object.keys(s).filter((k) => !['Sid', 'Effect', 'Action', 'Resource'].includes(k));
    if (extra.length > 0) throw new Error(`statement ${i + 1}: ${extra.join(', ')} is not evaluated here (only Effect, Action, Resource)`);
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Error(`statement ${i + 1}: Effect must be Allow or Deny`);
    for (const key of ['Action', 'Resource'] as const) {
      const v = s[key];
      if (!(typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')))) throw new Error(`statement ${i + 1}: ${key} must be a string or a list of strings`);
    }
  }
  return p as IamPolicy;
}

/** The statement that decides, if any: an explicit Deny wins over every Allow. */
export function evaluate(policy: IamPolicy, a: Authorization): { allowed: boolean; by?: PolicyStatement } {
  const matches = (s: PolicyStatement) => list(s.Action).some((x) => wildcard(x, a.action, true)) && list(s.Resource).some((x) => wildcard(x, a.resource));
  const deny = policy.Statement.find((s) => s.Effect === 'Deny' && matches(s));
  if (deny) return { allowed: false, by: deny };
  const allow = policy.Statement.find((s) => s.Effect === 'Allow' && matches(s));
  return allow ? { allowed: true, by: allow } : { allowed: false };
}

export function repositoryArn(o: { partition?: string; region: string; account: string; name: string }): string {
  return seedingSpec().iam.repositoryArn.value
    .replace('{partition}', o.partition ?? 'aws').replace('{region}', o.region).replace('{account}', o.account).replace('{name}', o.name);
}

/**
 * What a request must be allowed to do, as AWS authorizes it: the action of the operation's name on
 * the repository it names (or every repository, for a listing); CreateRepository with tags also needs
 * the tagging action. A request that names no repository is not authorized at all: it fails as
 * malformed first.
 */
export function authorizationsFor(operation: string, body: Record<string, unknown>, ctx: { region: string; account: string }): Authorization[] {
  const iam = seedingSpec().iam;
  const action = `${iam.actionPrefix.value}${operation}`;
  const account = typeof body['registryId'] === 'string' ? body['registryId'] : ctx.account;
  const arn = (name: string) => repositoryArn({ region: ctx.region, account, name });
  if (iam.byArn.value.includes(operation)) return typeof body['resourceArn'] === 'string' ? [{ action, resource: body['resourceArn'] }] : [];
  if (operation === 'DescribeRepositories') {
    const names = body['repositoryNames'];
    if (names === undefined || names === null) return [{ action, resource: arn(iam.listing.value) }];
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string').map((n) => ({ action, resource: arn(n) })) : [];
  }
  const name = body['repositoryName'];
  if (typeof name !== 'string') return [];
  const out = [{ action, resource: arn(name) }];
  if (operation === 'CreateRepository' && Array.isArray(body['tags']) && body['tags'].length > 0) out.push({ action: iam.tagOnCreate.value, resource: arn(name) });
  return out;
}
