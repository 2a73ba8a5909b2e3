// Shapes of a successful answer, as zod schemas built from spec/'s member lists and JSON types.
import { z } from 'zod';
import { operationSpec } from '../../spec/index.ts';
import { broken, type ExchangeRule, held, show } from '../rule.ts';
import type { View } from '../view.ts';

/** Members the judge needs to place a digest; the model marks none required, so this is inferred. */
const NEEDED: Record<'layer' | 'failure', string[]> = { layer: ['layerDigest', 'layerAvailability'], failure: ['layerDigest', 'failureCode'] };

function objectSchema(kind: 'layer' | 'failure') {
  const spec = operationSpec().output[kind];
  const shape: Record<string, z.ZodType> = {};
  for (const member of spec.members.value) {
    const type = spec.types.value[member];
    let s: z.ZodType = type === 'integer'
      ? z.number().refine(Number.isInteger, 'expected an integer').refine((n) => n >= operationSpec().output.layer.layerSizeMinimum.value, 'expected at least 0')
      : z.string();
    if (!NEEDED[kind].includes(member)) s = s.optional();
    shape[member] = s;
  }
  return z.strictObject(shape);
}

let schemas: { top: z.ZodType; layer: z.ZodType; failure: z.ZodType } | undefined;
const getSchemas = () =>
  (schemas ??= {
    top: z.strictObject(Object.fromEntries(operationSpec().output.members.value.map((m) => [m, z.array(z.unknown()).optional()]))),
    layer: objectSchema('layer'),
    failure: objectSchema('failure'),
  });

/** Why a null member is wrong although every SDK reads it as absent: the protocol's server-side test. */
const NULL_MEMBER = ' (a server leaves a member out instead of writing null: Smithy protocol test AwsJson11ServersDontSerializeNullStructureValues; SDKs read it as absent, other clients may not)';

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues.slice(0, 3).map((i) => `${prefix}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}${/received null$/.test(i.message) ? NULL_MEMBER : ''}`).join('; ');
}

/** The items of a list member of a successful answer, when the body is an object with that list. */
export function items(x: View, member: 'layers' | 'failures'): unknown[] {
  const body = x.answer.json as Record<string, unknown> | undefined;
  const list = body && typeof body === 'object' && !Array.isArray(body) ? body[member] : undefined;
  return Array.isArray(list) ? list : [];
}

export const topLevel: ExchangeRule = {
  id: 'shape.top-level',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'success') return [];
    const result = getSchemas().top.safeParse(x.answer.json);
    return [result.success ? held('only layers and failures') : broken(`${describeIssues(result.error, 'response')} in ${show(x.answer.json)}`)];
  },
};

function memberRule(id: string, member: 'layers' | 'failures', kind: 'layer' | 'failure'): ExchangeRule {
  return {
    id,
    scope: 'exchange',
    check(x) {
      if (x.answer.kind !== 'success') return [];
      const list = items(x, member);
      if (list.length === 0) return [];
      const schema = getSchemas()[kind];
      for (const [i, item] of list.entries()) {
        const result = schema.safeParse(item);
        if (!result.success) return [broken(`${describeIssues(result.error, `${member}[${i}]`)} in ${show(item)}`)];
      }
      return [held(`${list.length} ${member} well formed`)];
    },
  };
}

export const layer = memberRule('shape.layer', 'layers', 'layer');
export const failure = memberRule('shape.failure', 'failures', 'failure');

export const enums: ExchangeRule = {
  id: 'shape.enums',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'success') return [];
    const e = operationSpec().enums;
    const checks: [string, string, string[]][] = [
      ['layers', 'layerAvailability', e.LayerAvailability.map((v) => v.value)],
      ['failures', 'failureCode', e.LayerFailureCode.map((v) => v.value)],
    ];
    let seen = 0;
    for (const [member, field, allowed] of checks) {
      for (const [i, item] of items(x, member as 'layers').entries()) {
        const value = (item as Record<string, unknown> | null)?.[field];
        if (value === undefined) continue;
        seen++;
        if (typeof value !== 'string' || !allowed.includes(value)) return [broken(`${member}[${i}].${field} is ${show(value)}, not one of ${allowed.join(', ')}`)];
      }
    }
    return seen ? [held(`${seen} enum values in the model`)] : [];
  },
};

export const layerDigestPattern: ExchangeRule = {
  id: 'shape.layer-digest-pattern',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'success') return [];
    const re = new RegExp(operationSpec().output.layer.layerDigestPattern.value);
    const digests = items(x, 'layers').map((l) => (l as Record<string, unknown> | null)?.['layerDigest']).filter((d) => typeof d === 'string');
    if (digests.length === 0) return [];
    const bad = digests.find((d) => !re.test(d));
    return [bad === undefined ? held(`${digests.length} layer digests match the pattern`) : broken(`layers[].layerDigest ${show(bad)} does not match ${re.source}`)];
  },
};
