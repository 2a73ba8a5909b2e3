// The least-privilege IAM policy a run against real ECR needs, derived from what a run does (and
// checked against it: test/policy.test.ts records every authorization a run and a cleanup need and
// asserts this policy allows exactly those). Actions and the resource ARN come from spec/seeding.json.
import { repositoryArn, type IamPolicy, type PolicyStatement } from '../registry/iam.ts';
import { seedingSpec } from '../spec/index.ts';
import { REPOSITORY_PREFIX } from './setup.ts';

export interface PolicyOptions {
  /** Read-only mode: BatchCheckLayerAvailability on this existing repository, nothing created. */
  repository?: string;
  region?: string;
  accountId?: string;
  partition?: string;
}

/** What the run and cleanup do with their own repositories (CreateRepository's tags need TagResource). */
const OWN = ['CreateRepository', 'DescribeRepositories', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload', 'PutImage', 'ListTagsForResource', 'DeleteRepository'];

export function leastPrivilegePolicy(o: PolicyOptions = {}): IamPolicy {
  const iam = seedingSpec().iam;
  const action = (op: string) => `${iam.actionPrefix.value}${op}`;
  const region = o.region ?? '*';
  const account = o.accountId ?? '*';
  const arn = (name: string, acct = account) => repositoryArn({ partition: o.partition ?? 'aws', region, account: acct, name });
  const own = arn(`${REPOSITORY_PREFIX}*`);
  // Names no repository can have (shorter than the minimum), sent to check that they are refused:
  // allowing them grants nothing.
  const impossible = [arn('?'), arn('')];
  const statements: PolicyStatement[] = o.repository === undefined
    ? [
      { Sid: 'RunOwnRepositories', Effect: 'Allow', Action: [...OWN.map(action), iam.tagOnCreate.value], Resource: own },
      // Another account's registryId is sent to check how the call is refused; an identity policy
      // alone grants nothing in another account, whose repository policy would have to allow it too.
      { Sid: 'CheckLayers', Effect: 'Allow', Action: action('BatchCheckLayerAvailability'), Resource: [arn(`${REPOSITORY_PREFIX}*`, '*'), ...impossible] },
      // `ecr-conformance cleanup` finds what killed runs left by listing repository names.
      { Sid: 'CleanupFindsLeftovers', Effect: 'Allow', Action: action('DescribeRepositories'), Resource: arn(iam.listing.value) },
    ]
    : [
      { Sid: 'CheckLayersReadOnly', Effect: 'Allow', Action: action('BatchCheckLayerAvailability'), Resource: [arn(o.repository, '*'), own, ...impossible] },
    ];
  return { Version: '2012-10-17', Statement: statements };
}
