// The nouns of the pipeline, shared by every stage:
//   Case (generate) → Step → Exchange (send) → Finding (judge) → RunResult (run, report).

/** One request of a case, as the generator wants it sent. */
export interface Step {
  /** Why this request is in the case ('original', 'permuted', 'alone', 'second', …). */
  label: string;
  /** The JSON body; members may be missing or of the wrong type on purpose. */
  body?: unknown;
  /** Exact body bytes, for what JSON.stringify cannot say (an empty body). Wins over body. */
  rawBody?: string;
}

/** What the generator's small model expects; used for coverage, never by the judge. */
export type ExpectedOutcome = 'success' | 'InvalidParameterException' | 'RepositoryNotFoundException' | 'client-error';

export interface Case {
  /** `<property>@<seed>` plus `:<path>` once shrunk: replays the same case. */
  id: string;
  property: string;
  inputClasses: string[];
  expected: ExpectedOutcome;
  steps: Step[];
}

export interface WireRequest {
  operation: string;
  /** Request headers as sent, with Authorization and other secrets redacted. */
  headers: Record<string, string>;
  body: string;
}

export interface WireResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type TransportFault = 'timeout' | 'reset' | 'refused' | 'too-large' | 'other';

/** A request and what came back: an HTTP answer, or a transport fault. */
export interface Exchange {
  caseId: string;
  label: string;
  request: WireRequest;
  response?: WireResponse;
  fault?: { kind: TransportFault; message: string };
  /** What @aws-sdk/client-ecr made of the answer, when it sent the request. */
  sdk?: { outcome: 'output' | 'error'; errorName?: string; fault?: string; status?: number; requestId?: string };
  durationMs: number;
}

/** What the suite knows the target holds, from its own seeding or from the user. */
export interface Knowledge {
  /** The caller's account: the registryId that means "my own registry". Unknown when undefined. */
  accountId?: string;
  /** An account id other than the caller's, well-formed. */
  otherAccountId: string;
  /**
   * Repositories known to exist, each with the layers known to be stored in it. `complete` means the
   * suite made the repository and knows everything in it, so any other digest is absent.
   */
  repositories: Record<string, { layers: Record<string, { size?: number }>; complete: boolean }>;
  /** The repository most cases use, and a second one for isolation; undefined when none could be had. */
  primary?: string;
  secondary?: string;
  /** Names known not to exist. */
  missingRepositories: string[];
}

export type Verdict = 'PASS' | 'FAIL' | 'DIVERGENT' | 'NOT_IMPLEMENTED' | 'SKIPPED' | 'ERROR';

/** One rule's judgement of one exchange, case or run. */
export interface Finding {
  ruleId: string;
  verdict: Verdict;
  caseId?: string;
  message: string;
}
