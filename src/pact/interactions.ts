// The documented scenarios as Pact interactions, described once and used by the consumer test that
// writes the contract and by `verify`, whose provider-state handlers set them up on any target.
import { createHash } from 'node:crypto';
import { operationSpec } from '../spec/index.ts';

export const PACT_CONSUMER = 'ecr-conformance-client';
export const EXAMPLE_CONSUMER = 'aws-cli-example';
export const PACT_PROVIDER = 'ecr-api';
export const PACT_FILE = `${PACT_CONSUMER}-${PACT_PROVIDER}.json`;
export const EXAMPLE_PACT_FILE = `${EXAMPLE_CONSUMER}-${PACT_PROVIDER}.json`;

/** Provider states: names say what must exist; params carry what the handler needs to make it so. */
export const STATE = {
  repository: 'repository R exists',
  layer: 'layer with content C is stored in R',
  noRepository: 'repository R does not exist',
  example: 'the AWS CLI page example is stored',
} as const;

export const PACT_REPOSITORY = 'ecr-conformance-pact';
export const PACT_MISSING_REPOSITORY = 'ecr-conformance-pact-missing';
/** A stored layer's bytes travel in the state params, so any target can be given it by a real upload. */
export const PACT_LAYER_CONTENT = 'ecr-conformance pact layer\n';
export const PACT_LAYER = {
  content: PACT_LAYER_CONTENT,
  digest: `sha256:${createHash('sha256').update(PACT_LAYER_CONTENT).digest('hex')}`,
  size: Buffer.byteLength(PACT_LAYER_CONTENT),
};
export const PACT_ABSENT = `sha256:${'0'.repeat(63)}1`;
export const PACT_MALFORMED = 'not-a-digest';

/** Regexes for the matchers, from spec/: full matches. */
export function patterns() {
  const spec = operationSpec();
  const anyOf = (xs: string[]) => `^(${xs.join('|')})$`;
  return {
    contentType: `^${spec.framing.contentType.value.replace(/[.]/g, '\\.')}(;.*)?$`,
    layerDigest: spec.output.layer.layerDigestPattern.value,
    availability: anyOf(spec.enums.LayerAvailability.map((e) => e.value)),
    failureCode: anyOf(spec.enums.LayerFailureCode.map((e) => e.value)),
    /** The sanitized name, in any of the forms clients must accept (Name, ns#Name, Name:uri). */
    errorType: (name: string) => `^([A-Za-z0-9.]+#)?${name}(:.*)?$`,
  };
}
