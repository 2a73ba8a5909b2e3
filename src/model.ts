// The nouns of the pipeline, shared by every stage:
//   Case (generate) → Step → Exchange (send) → Finding (judge) → RunResult (run, report).

/**
 * Something a scenario does to the target between two checks, through the sibling operations:
 * upload this case's fresh layer, or delete and create a repository. Sent through the same gate.
 * upload-unfinished: the parts of a fresh layer, never completed. upload-mismatched: the parts of
 * another fresh layer, completed under the digest of a third that is never sent (ECR refuses that
 * completion: InvalidLayerException). put-image-unuploaded: a fresh config blob uploaded, then PutImage
 * of a manifest naming it and a fresh layer that is never uploaded (ECR refuses: LayersNotFoundException).
 * upload-crossed: the parts of a fresh layer sent to an upload started in `from`, the upload completed
 * by a call that names `repositoryName` (ECR refuses: UploadNotFoundException, the upload ID is not
 * valid for that repository). upload-parts-crossed: an upload started in `from`, the parts of a fresh
 * layer sent to it by calls that name `repositoryName` (ECR refuses them: UploadNotFoundException), and
 * the upload completed in `from` under that layer's digest (ECR refuses an upload without parts:
 * EmptyUploadException). upload-started: the parts of a fresh layer sent to an upload that stays open;
 * complete-started: that upload completed later in the case, under the layer's digest — after its
 * repository was deleted and created again (ECR deletes a repository with its contents: the upload is
 * gone, UploadNotFoundException).
 */
export interface Action {
  kind: 'upload' | 'upload-unfinished' | 'upload-mismatched' | 'put-image-unuploaded' | 'upload-crossed' | 'upload-parts-crossed' | 'upload-started' | 'complete-started' | 'delete-repository' | 'create-repository' | 'check-deleted';
  repositoryName: string;
  /** upload-crossed, upload-parts-crossed: the repository the upload is started in. */
  from?: string;
  /**
   * upload: this many fresh layers at once (the case's fresh layer and freshTogether(2…n)), in step:
   * every upload started, then every part sent, then every upload completed, as the calls of a client
   * pushing layers in parallel interleave. One exchange per layer.
   */
  together?: number;
}

/** The actions that upload a layer of the case's own: a case with one gets fresh layers. */
export const UPLOADS: readonly Action['kind'][] = ['upload', 'upload-unfinished', 'upload-mismatched', 'put-image-unuploaded', 'upload-crossed', 'upload-parts-crossed', 'upload-started'];

/** How an action came out, in a word: the target accepted or refused a change; a deleted repository was gone or still there. */
export const actionOutcome = (a: { kind: Action['kind']; ok: boolean; completed?: boolean }) =>
  a.kind === 'check-deleted' ? (a.ok ? 'gone' : 'still there')
    : a.kind === 'upload-unfinished' || a.kind === 'upload-started' ? (a.ok ? 'parts accepted' : 'refused')
      : a.kind === 'complete-started' ? (a.ok ? `completion ${a.completed ? 'accepted' : 'refused'}` : 'refused')
      : a.kind === 'upload-mismatched' || a.kind === 'upload-crossed' ? (a.ok ? `parts accepted, completion ${a.completed ? 'accepted' : 'refused'}` : 'refused')
          : a.kind === 'upload-parts-crossed' ? (a.ok ? `parts sent through another repository, completion ${a.completed ? 'accepted' : 'refused'}` : 'refused')
        : a.kind === 'put-image-unuploaded' ? (a.ok ? `config stored, PutImage ${a.completed ? 'accepted' : 'refused'}` : 'refused')
          : a.ok ? 'accepted' : 'refused';

/** Stands for the digest of the case's fresh layer in a step's layerDigests, until the case is sent. */
export const FRESH_LAYER = '$fresh-layer';
/** Stand for the digests of the upload-mismatched action: of the content it sends, and of the one it claims. */
export const FRESH_SENT = '$fresh-layer-sent';
export const FRESH_CLAIMED = '$fresh-layer-claimed';
/** Stands for the digest of the layer the put-image-unuploaded action's manifest names and never uploads. */
export const FRESH_NAMED = '$fresh-layer-named';
/** Stands for the digest of the layer the upload-crossed action sends to one repository and completes through another. */
export const FRESH_CROSSED = '$fresh-layer-crossed';
/** Stands for the digest of the layer the upload-parts-crossed action sends through one repository to an upload of another. */
export const FRESH_PARTS_CROSSED = '$fresh-layer-parts-crossed';
/** Stands for the digest of the layer the upload-started action sends, and complete-started completes. */
export const FRESH_STALE = '$fresh-layer-stale';
/** Stands for the digest of the i-th layer (from 2) an upload sends together with the case's fresh layer. */
export const freshTogether = (i: number) => `$fresh-layer-together-${i}`;
/** The most layers an upload action sends together. */
export const MAX_TOGETHER = 4;

/** One request of a case, as the generator wants it sent. */
export interface Step {
  /** Why this request is in the case ('original', 'permuted', 'alone', 'second', …). */
  label: string;
  /** The JSON body; members may be missing or of the wrong type on purpose. */
  body?: unknown;
  /** Exact body bytes, for what JSON.stringify cannot say (an empty body). Wins over body. */
  rawBody?: string;
  /** A change to the target instead of a request of the operation under test. */
  action?: Action;
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
  /** The bytes were not valid UTF-8 (body holds them decoded with replacement characters). */
  invalidUtf8?: true;
}

export type TransportFault = 'timeout' | 'reset' | 'refused' | 'too-large' | 'too-deep' | 'interrupted' | 'other';

/** A request and what came back: an HTTP answer, or a transport fault. */
export interface Exchange {
  caseId: string;
  label: string;
  request: WireRequest;
  response?: WireResponse;
  fault?: { kind: TransportFault; message: string };
  /** What @aws-sdk/client-ecr made of the answer, when it sent the request. */
  sdk?: { outcome: 'output' | 'error'; errorName?: string; fault?: string; status?: number; requestId?: string };
  /** A scenario's action (no request of the operation under test): what it did and whether the target accepted it. */
  action?: {
    kind: Action['kind']; repositoryName: string; ok: boolean; detail: string; digest?: string; size?: number;
    /** upload-mismatched: the digest CompleteLayerUpload was told (of content never sent). */
    claimed?: string;
    /** upload-mismatched, upload-crossed, upload-parts-crossed, complete-started: whether CompleteLayerUpload accepted it; put-image-unuploaded: whether PutImage did. */
    completed?: boolean;
    /** upload-crossed, upload-parts-crossed: the repository the upload was started in. */
    from?: string;
    /** check-deleted: what the target answered for the deleted repository, when it was not RepositoryNotFoundException. */
    answered?: string;
    /** upload: how many layers were uploaded at once, this one among them. */
    together?: number;
  };
  /** Attempts the transient-error retry made before this answer (0: the first answer counted). */
  retries?: number;
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
  repositories: Record<string, KnownRepository>;
  /** The repository most cases use, and a second one for isolation; undefined when none could be had. */
  primary?: string;
  secondary?: string;
  /** Empty repositories made at the edges of the name constraints (2 and 256 characters, every separator). */
  edges?: string[];
  /** A scratch repository for scenarios that upload, delete and create between checks. */
  lifecycle?: string;
  /** Names known not to exist. */
  missingRepositories: string[];
  /** Against real ECR: every name the run invents lives under this prefix (the least-privilege policy's). */
  namePrefix?: string;
}

export interface KnownRepository {
  /**
   * `referenced`: a manifest the target accepted names the layer, so it has a media type to report;
   * `mediaType`: the one that manifest gave it; `inParts`: it was uploaded in more than one part, so
   * its size is their sum.
   */
  layers: Record<string, { size?: number; referenced?: boolean; mediaType?: string; inParts?: boolean }>;
  complete: boolean;
}

export type Verdict = 'PASS' | 'FAIL' | 'DIVERGENT' | 'NOT_IMPLEMENTED' | 'SKIPPED' | 'ERROR';

/** One rule's judgement of one exchange, case or run. */
export interface Finding {
  ruleId: string;
  verdict: Verdict;
  caseId?: string;
  message: string;
}
