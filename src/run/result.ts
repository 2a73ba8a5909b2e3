// The run result: the versioned JSON document every report is rendered from.
import type { Exchange, Verdict } from '../model.ts';
import type { FingerprintPoint, Tally } from '../judge/fingerprint.ts';
import type { RuleTally } from '../judge/judge.ts';
import type { Capabilities } from './setup.ts';

export const RESULT_SCHEMA = 'ecr-conformance/run-result@1';

export type RunVerdict = 'CONFORMANT' | 'NOT_CONFORMANT' | 'NOT_IMPLEMENTED' | 'UNTESTABLE';

export interface Counterexample {
  caseId: string;
  property: string;
  inputClasses: string[];
  /** How many smaller cases fast-check tried while shrinking. */
  shrinkSteps: number;
  shrunk: boolean;
  exchanges: Exchange[];
  /** The exact command that sends this case again and judges it. */
  replay: string;
}

export interface RuleResult {
  id: string;
  family: string;
  statement: string;
  evidence: string;
  source: string;
  verdict: Verdict;
  passed: number;
  broken: number;
  message: string;
  counterexample?: Counterexample;
  /** Cases that broke the rule, beyond the counterexample (first few). */
  examples?: string[];
}

export interface RunReplayOptions {
  endpoint?: string;
  mutant?: string;
  repository?: string;
  present?: { digest: string; size?: number }[];
  accountId?: string;
}

/** The machine part of a result: enough to merge shards into what one run would have found. */
export interface RunTallies {
  findings: Record<string, RuleTally>;
  fingerprint: Tally;
  perProperty: Record<string, number>;
  inputClasses: Record<string, number>;
  expectedOutcomes: Record<string, number>;
  observedOutcomes: Record<string, number>;
  faults: { index: number; caseId: string; summary: string }[];
  faultCount: number;
  cases: number;
  exchanges: number;
  /** Per broken rule, the size and index of the case its counterexample was shrunk from. */
  smallest: Record<string, { size: number; index: number }>;
  skipReasons: Record<string, string>;
}

export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  provenance: {
    suite: { name: string; version: string };
    sdk: { package: string; version: string };
    node: string;
    spec: { checksum: string };
    target: { kind: 'embedded' | 'endpoint' | 'aws'; description: string; region: string; transport: 'sdk' | 'raw' };
    seed: number;
    runs: number;
    rules: string;
    startedAt: string;
    durationMs: number;
    requests: { used: number; budget: number; throttled: number; rps: number };
    interrupted: boolean;
    budgetExhausted: boolean;
    /** What replay needs to rebuild the same target knowledge. */
    options: RunReplayOptions;
    /** This run's share of the cases (`--shard I/N`), or how many shards were merged into it. */
    shard?: { index: number; count: number } | { merged: number; count: number };
  };
  summary: {
    verdict: RunVerdict;
    counts: Record<Verdict, number>;
    cases: number;
    exchanges: number;
    faults: number;
  };
  capabilities: Capabilities;
  rules: RuleResult[];
  fingerprint: FingerprintPoint[];
  coverage: {
    inputClasses: Record<string, number>;
    expectedOutcomes: Record<string, number>;
    observedOutcomes: Record<string, number>;
    properties: { name: string; about: string; cases: number }[];
  };
  /** Transport faults and non-JSON successes, first few. */
  faults: { caseId: string; summary: string }[];
  /** What the run created on the target and could not remove. */
  leftovers: string[];
  tallies: RunTallies;
}
