// The rule catalogue: one explicit, ordered array. Statements, evidence and sources come from
// spec/rules.json; the code here only supplies each rule's check.
import { ruleCatalogueSpec, type RuleSpec } from '../spec/index.ts';
import { UsageError } from '../errors.ts';
import type { Rule } from './rule.ts';
import * as classify from './rules/classify.ts';
import * as fingerprint from './rules/fingerprint.ts';
import * as framing from './rules/framing.ts';
import * as metamorphic from './rules/metamorphic.ts';
import * as partition from './rules/partition.ts';
import * as shape from './rules/shape.ts';
import * as validate from './rules/validate.ts';
import * as wire from './rules/wire.ts';
import { ALL_BUCKETS } from './coverage.ts';

export const RULES: readonly Rule[] = [
  framing.contentType, framing.requestId, framing.errorType, framing.errorStatus,
  wire.json, wire.integers,
  shape.topLevel, shape.layer, shape.failure, shape.enums, shape.layerDigestPattern,
  partition.complete, partition.exclusive, partition.noExtra, partition.echo,
  validate.emptyList, validate.tooMany, validate.digestTooLong, validate.repositoryNameLength, validate.repositoryNamePattern,
  validate.registryId, validate.missingMember, validate.wrongType, validate.repositoryNotFound, validate.acceptsValid,
  validate.validSucceeds, validate.foreignRegistryRule,
  classify.malformed, classify.present, classify.absent, classify.failureReason,
  metamorphic.order, metamorphic.batchIndependence, metamorphic.idempotent, metamorphic.registryId, metamorphic.repositoryIsolation,
  metamorphic.unknownMember, metamorphic.readYourWrite, metamorphic.unfinishedUpload, metamorphic.recreateForgets,
  fingerprint.absent, fingerprint.duplicates, fingerprint.grey, fingerprint.emptyLists, fingerprint.emptyDigest,
  fingerprint.repositoryNameModel, fingerprint.unreferencedMediaType, fingerprint.requestIdHeader, fingerprint.consistent,
];

export type CatalogueEntry = RuleSpec & { rule: Rule };

let joined: CatalogueEntry[] | undefined;

/** Every rule joined with its spec entry, in catalogue order. Throws if the two disagree (our bug). */
export function catalogue(): CatalogueEntry[] {
  if (joined) return joined;
  const specs = new Map(ruleCatalogueSpec().rules.map((r) => [r.id, r]));
  const buckets = new Set(ALL_BUCKETS());
  const out = RULES.map((rule) => {
    const spec = specs.get(rule.id);
    if (!spec) throw new Error(`rule ${rule.id} has no entry in spec/rules.json`);
    if (spec.scope !== rule.scope) throw new Error(`rule ${rule.id}: scope ${rule.scope} in code, ${spec.scope} in spec`);
    const unknown = (spec.buckets ?? []).filter((b) => !buckets.has(b));
    if (unknown.length > 0) throw new Error(`rule ${rule.id} names unknown coverage buckets: ${unknown.join(', ')}`);
    const inCode = rule.scope !== 'run' ? [...(rule.facets ?? [])].sort().join(',') : '';
    const inSpec = (spec.facets ?? []).map((f) => f.id).sort().join(',');
    if (inCode !== inSpec) throw new Error(`rule ${rule.id}: facets ${inCode || 'none'} in code, ${inSpec || 'none'} in spec`);
    specs.delete(rule.id);
    return { ...spec, rule };
  });
  if (specs.size > 0) throw new Error(`spec/rules.json lists rules with no check: ${[...specs.keys()].join(', ')}`);
  return (joined = out);
}

/** Rule ids matching a comma-separated list of ids or globs (framing.*, *.echo). */
export function selectRules(patterns: string | undefined): CatalogueEntry[] {
  const all = catalogue();
  if (!patterns) return all;
  const wanted = patterns.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown: string[] = [];
  const chosen = new Set<string>();
  for (const p of wanted) {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const hits = all.filter((e) => re.test(e.id));
    if (hits.length === 0) unknown.push(p);
    for (const h of hits) chosen.add(h.id);
  }
  if (unknown.length > 0) throw new UnknownRuleError(unknown);
  return all.filter((e) => chosen.has(e.id));
}

export class UnknownRuleError extends UsageError {
  constructor(readonly patterns: string[]) {
    super(`unknown rule id or pattern: ${patterns.join(', ')} (ecr-conformance rules lists them)`, 'UNKNOWN_RULE');
  }
}
