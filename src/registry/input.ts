// Reading and validating request members the way an AWS JSON service does: type errors are
// SerializationException, constraint violations InvalidParameterException with ECR's wording.
import { AwsError, invalidParameter, serialization } from './errors.ts';

export { serialization };

export type Body = Record<string, unknown>;

/** A required string member; `absent` when not sent. */
export function stringMember(body: Body, name: string, required: true): string;
export function stringMember(body: Body, name: string, required: false): string | undefined;
export function stringMember(body: Body, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw constraint(name, 'Member must not be null');
    return undefined;
  }
  if (typeof v !== 'string') throw serialization(`Member '${name}' must be a string, got ${jsonType(v)}`);
  return v;
}

export function stringListMember(body: Body, name: string): string[] {
  const v = body[name];
  if (v === undefined || v === null) throw constraint(name, 'Member must not be null');
  if (!Array.isArray(v)) throw serialization(`Member '${name}' must be a list, got ${jsonType(v)}`);
  for (const item of v) {
    if (typeof item !== 'string') throw serialization(`Member '${name}' must be a list of strings, got an item of type ${jsonType(item)}`);
  }
  return v as string[];
}

export function integerMember(body: Body, name: string): number {
  const v = body[name];
  if (v === undefined || v === null) throw constraint(name, 'Member must not be null');
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(`Member '${name}' must be an integer`);
  return v;
}

export function constraint(member: string, text: string): AwsError {
  return invalidParameter(`Invalid parameter at '${member}' failed to satisfy constraint: '${text}'`);
}

/** The regular expression as ECR's messages print it: without anchors. */
export const printedPattern = (source: string) => source.replace(/^\^/, '').replace(/\$$/, '');

function jsonType(v: unknown): string {
  return Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v;
}
