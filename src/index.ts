// The library API. Exports are listed by name on purpose.
export { startRegistry, preloadExample, DEFAULT_ACCOUNT_ID } from './registry/server.ts';
export type { RegistryOptions, RunningRegistry } from './registry/server.ts';
export { referenceBehaviour } from './registry/behaviour.ts';
export type { RegistryBehaviour } from './registry/behaviour.ts';
export { MUTANTS, mutant } from './registry/mutants.ts';
export type { Mutant } from './registry/mutants.ts';
export { run, plan, parseCaseId } from './run/runner.ts';
export type { RunOptions } from './run/runner.ts';
export { RESULT_SCHEMA } from './run/result.ts';
export type { RunResult, RuleResult, Counterexample, RunVerdict } from './run/result.ts';
export { catalogue, selectRules } from './judge/catalogue.ts';
export { judgeCase } from './judge/judge.ts';
export { operationSpec, ruleCatalogueSpec, referenceFingerprintSpec, specChecksum } from './spec/index.ts';
export { makeEcrClient, DUMMY_CREDENTIALS } from './target/client.ts';
export { writeJsonReport } from './report/json.ts';
export type { Case, Exchange, Finding, Knowledge, Verdict } from './model.ts';
