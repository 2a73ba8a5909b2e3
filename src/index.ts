// The library API. Exports are listed by name on purpose: this is what the package promises.

// The embedded reference registry, its limits and its mutants (bug-shaped, rule-killing, legal alternatives).
export { startRegistry, preloadExample, DEFAULT_ACCOUNT_ID, DEFAULT_LIMITS } from './registry/server.ts';
export type { RegistryOptions, RunningRegistry, ResourceLimits } from './registry/server.ts';
export { referenceBehaviour } from './registry/behaviour.ts';
export type { RegistryBehaviour } from './registry/behaviour.ts';
export type { Quirks } from './registry/quirks.ts';
export { MUTANTS, mutant, mutantOptions } from './registry/mutants.ts';
export type { Mutant, MutantKind } from './registry/mutants.ts';

// Running the suite and its result.
export { run, plan, planCases, parseCaseId } from './run/runner.ts';
export type { RunOptions, Progress, Ledger } from './run/runner.ts';
export { RESULT_SCHEMA } from './run/result.ts';
export type { RunResult, RuleResult, Counterexample, RunVerdict } from './run/result.ts';
export type { Capabilities } from './run/setup.ts';

// The generators, for your own property tests: fast-check arbitraries, labelled with their input classes.
export { digestClasses, validDigest, tooLongDigest } from './generate/digests.ts';
export type { Labeled, DigestContext } from './generate/digests.ts';
export { BAD_NAME_WAYS, BAD_REGISTRY_ID_WAYS, badLengthName, badPatternName, badRegistryId, boundaryName, modelPair, newModelOnlyName } from './generate/names.ts';
export { properties, propertiesFor, casesOf } from './generate/properties.ts';
export type { Property, CaseBody } from './generate/properties.ts';

// The judge: the rule catalogue, judging exchanges, coverage buckets.
export { catalogue, selectRules } from './judge/catalogue.ts';
export type { CatalogueEntry } from './judge/catalogue.ts';
export { judgeCase } from './judge/judge.ts';
export { dimensions, bucketsOf } from './judge/coverage.ts';
export { view } from './judge/view.ts';

// The contract as data.
export { operationSpec, ruleCatalogueSpec, referenceFingerprintSpec, legalAlternativesSpec, specChecksum } from './spec/index.ts';

// Clients and the report renderers.
export { makeEcrClient, DUMMY_CREDENTIALS } from './target/client.ts';
export { writeReports, FORMATS } from './report/write.ts';
export { diffResults } from './report/diff.ts';
export { mergeResults } from './report/merge.ts';
export { renderJunit } from './report/junit.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderHtml } from './report/html.ts';
export { renderBadgeSvg, renderBadgeJson } from './report/badge.ts';
export type { Case, Exchange, Finding, Knowledge, Verdict, Step, Action } from './model.ts';
