// The run result: the versioned JSON document every report is rendered from.
import type { Exchange, Verdict } from '../model.ts';
import type { FingerprintPoint, Tally } from '../judge/fingerprint.ts';
import type { RuleTally } from '../judge/judge.ts';
import type { Capabilities } from './setup.ts';

export const RESULT_SCHEMA = 'ecr-conformance/run-result@1';

/**
 * CONFORMANT: no rule broken and every selected rule reached its evidence. INCOMPLETE: nothing broken,
 * but some rule lacks its evidence or the run did not finish (the causes say why). NOT_CONFORMANT: a
 * rule FAILed. NOT_IMPLEMENTED: the target does not implement the operation. UNTESTABLE: no answer
 * could be judged at all.
 */
export type RunVerdict = 'CONFORMANT' | 'INCOMPLETE' | 'NOT_CONFORMANT' | 'NOT_IMPLEMENTED' | 'UNTESTABLE';

export interface Counterexample {
  caseId: string;
  property: string;
  inputClasses: string[];
  /** How many smaller cases fast-check tried while shrinking. */
  shrinkSteps: number;
  shrunk: boolean;
  exchanges: Exchange[];
  /** What the rule said about this very case: the message and the replay describe the same request. */
  message?: string;
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
  /** Checks the rule had, and the number it needs before it can PASS. */
  checks: { had: number; needs: number };
  /** The parts of its statement that each need a check of their own (spec/rules.json facets): checks that held over each, or why it does not apply to this run. */
  facets?: { id: string; what: string; held: number; notApplicable?: string }[];
  counterexample?: Counterexample;
  /** Cases that broke the rule, beyond the counterexample (first few). */
  examples?: string[];
  /** How many requests the run had sent when it first saw the rule broken. */
  firstDetection?: { requests: number };
  /** How long the exchanges this rule checked took, in ms (an exchange counts for every rule that checked it). */
  ms?: number;
}

export interface RunReplayOptions {
  endpoint?: string;
  mutant?: string;
  repository?: string;
  present?: { digest: string; size?: number }[];
  accountId?: string;
}

/** The observed outcome of a success that arrived whole but is not JSON: wire.json fails it, no other rule can read it. */
export const NOT_JSON_SUCCESS = 'a success that is not JSON';
/** The suffix of a fault kind for a permission error that answered a request breaking a documented constraint. */
export const DENIED_INVALID = ', to a request that breaks a constraint';

/** The machine part of a result: enough to merge shards into what one run would have found. */
export interface RunTallies {
  findings: Record<string, RuleTally>;
  fingerprint: Tally;
  perProperty: Record<string, number>;
  inputClasses: Record<string, number>;
  expectedOutcomes: Record<string, number>;
  observedOutcomes: Record<string, number>;
  /** Per coverage bucket (`dimension:bucket`), requests sent and answered. */
  buckets: Record<string, { sent: number; answered: number }>;
  faults: { index: number; caseId: string; summary: string }[];
  /** Unjudged exchanges by kind: timeout, reset, too-large, too-deep, throttled, denied. */
  faultKinds: Record<string, number>;
  faultCount: number;
  /** Scenario actions (uploads, deletes, creates between checks) the target refused. */
  refusedActions: { index: number; caseId: string; summary: string }[];
  cases: number;
  exchanges: number;
  /** Per broken rule, the size and index of the case its counterexample was shrunk from. */
  smallest: Record<string, { size: number; index: number }>;
}

export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  provenance: {
    /** `generator`: which version of the case generator made the cases (absent: 1); the same seed makes the same cases only under the same one. */
    suite: { name: string; version: string; generator?: number };
    sdk: { package: string; version: string };
    node: string;
    spec: { checksum: string };
    /** `name`: what the user calls the target (run --name), for matrices and comparisons. */
    /** `settleMs`: the window a repository was given to show or go, when the user set one (--settle). */
    target: { kind: 'embedded' | 'endpoint' | 'aws'; description: string; region: string; transport: 'sdk' | 'raw'; name?: string; settleMs?: number };
    seed: number;
    runs: number;
    rules: string;
    startedAt: string;
    durationMs: number;
    /** Throttled and transient answers were retried; `recovered` exchanges got a lasting answer from a retry; throttles lowered the rate to `slowestRps`. */
    requests: { used: number; budget: number; throttled: number; rps: number; transientErrors?: number; recovered?: number; slowestRps?: number };
    interrupted: boolean;
    /** The request budget (--max-requests) or the time budget (--max-time) stopped exploration. */
    budgetExhausted: boolean;
    timeExhausted?: boolean;
    maxTimeMs?: number;
    /** Soak mode (run --duration): rounds of fresh cases after the first, each with its seed and how many cases it sent. */
    soak?: { durationMs: number; rounds: { seed: number; cases: number }[] };
    /** Cases the run planned (this shard's share). */
    planned?: number;
    /**
     * With worker threads (--workers), each explorer's share: the cases and requests it sent, and when it
     * finished, in ms since the run began (threads that finish far apart leave a core idle meanwhile).
     */
    workers?: { cases: number; requests: number; finishedMs: number }[];
    /** The case this run replayed (--replay): its rules are judged on that case alone. */
    replayOf?: string;
    /** What replay needs to rebuild the same target knowledge. */
    options: RunReplayOptions;
    /** This run's share of the cases (`--shard I/N`), or how many shards were merged into it. */
    shard?: { index: number; count: number } | { merged: number; count: number };
  };
  summary: {
    verdict: RunVerdict;
    counts: Record<Verdict, number>;
    /** Rules selected (--rules), out of the whole catalogue. */
    selected: number;
    catalogue: number;
    /** Why the run is INCOMPLETE; empty otherwise. */
    causes: string[];
    /** What a reader should know that does not change the verdict (retries that recovered, a budget that cut a run that had its evidence). */
    notes: string[];
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
    /** Every dimension of the input space, each bucket with how often it was sent and answered; never-sent buckets flagged. */
    dimensions: { name: string; about: string; buckets: { bucket: string; sent: number; answered: number; notApplicable?: string }[] }[];
    /** Buckets never answered (and applicable): what the run did not see. */
    unseen: string[];
  };
  /** Transport faults and non-JSON successes, first few. */
  faults: { caseId: string; summary: string }[];
  /** What the run created on the target and could not remove. */
  leftovers: string[];
  tallies: RunTallies;
}
