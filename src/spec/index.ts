export { operationSpec, seedingSpec, referenceFingerprintSpec, ruleCatalogueSpec, specChecksum, canonicalJson, SpecError, SPEC_DIR, CAPABILITIES, legalAlternativesSpec, allSources } from './load.ts';
export type { OperationSpec, SeedingSpec, ReferenceFingerprintSpec, RuleCatalogueSpec, RuleSpec, Evidence, Capability, LegalAlternativesSpec } from './load.ts';
import { operationSpec } from './load.ts';

/** The X-Amz-Target header value for an ECR operation. */
export function amzTarget(operation: string): string {
  return `${operationSpec().framing.targetPrefix.value}.${operation}`;
}

/** The repository-name pattern of a model date (the newest one when none is named). */
export function repositoryNamePattern(model?: string): RegExp {
  const patterns = operationSpec().input.repositoryName.patterns;
  const chosen = model ? patterns.find((p) => p.model === model) : patterns[patterns.length - 1];
  if (!chosen) throw new Error(`no repositoryName pattern for model ${model}`);
  return new RegExp(chosen.value);
}
