// Ways a registry can differ from the reference inside its store, its handlers, its serializer and its
// connection handling: where the bugs of real mocks live, and where legal servers legitimately
// differ. The faithful registry uses none. Bug-shaped mutants and legal alternatives (mutants.ts)
// are each a few of these switches, never a rewrite of the finished answer.

export interface Quirks {
  // The store.
  /** How stored layers are keyed: per repository (right), by digest alone across repositories, lower-cased, or by the hex after the colon (a blob directory named by hex, the algorithm dropped). */
  layerKey?: 'repository' | 'digest-only' | 'lower-case' | 'hex-only';
  /** A repository is found by a key-prefix scan taking the first hit (a key-value store's scan(prefix=name)): a missing name that begins an existing one finds it. */
  findByPrefix?: boolean;
  /** Layers are filed under the last segment of the repository's name (path.basename): team-a/app and team-b/app share them. */
  layersByBasename?: boolean;
  /** Layers are filed under the repository's name with '/' flattened to '_' (a directory per name): team/app and team_app share them. */
  layersByFlatName?: boolean;
  /** DeleteRepository marks the repository deleted (a deleted_at column) and BatchCheckLayerAvailability's query forgets to filter on it: a deleted repository still answers, until one is created again under the name. */
  softDeleteVisible?: boolean;
  /** DeleteRepository answers at once and deletes the repository this many ms later (an asynchronous deletion, as ECR's may be). */
  deleteAfterMs?: number;
  /** DeleteRepository forgets the repository but not its layers; a repository created again under the name finds them. */
  deleteKeepsLayers?: boolean;
  /** Uploads live in a table of their own keyed by repository name and upload id, which DeleteRepository does not clear: an upload started before a deletion completes into the repository created again under the name. */
  deleteKeepsUploads?: boolean;
  /** One copy of each blob for the registry, linked per repository, and DeleteRepository deletes the blobs its repository links without counting the other links: the same layer in another repository is gone too. */
  deleteDropsSharedBlobs?: boolean;
  /** A completed upload becomes visible only after this many further BatchCheckLayerAvailability calls. */
  visibleAfterChecks?: number;
  /** CompleteLayerUpload stores the index of the last byte as the layer's size. */
  sizeFromLastByte?: boolean;
  /** CompleteLayerUpload stores the length of the last part as the layer's size (the same for a layer sent in one part). */
  sizeFromLastPart?: boolean;
  /** Repository names are cut to this many characters on insert (a VARCHAR column); lookups use the full name. */
  nameColumnLength?: number;
  /** The layer-upload calls answer 200 but store nothing; UploadLayerPart reports byte 0 received. */
  uploadsAreStubs?: boolean;
  /** A content-addressed blob store written as parts arrive: after each part, what the upload holds so far is a layer under its digest, completed or not. */
  blobsOnReceipt?: boolean;
  /** CompleteLayerUpload computes the digest of what it received and stores the layer under it, never comparing the digest it was told. */
  completionIgnoresClaim?: boolean;
  /** CompleteLayerUpload trusts the digest it is told: the content is stored under it unchecked. */
  completionTrustsClaim?: boolean;
  /** One copy of each blob for the registry, and CompleteLayerUpload of a blob some repository holds already returns early: the blob is never linked to the repository it was uploaded to. */
  blobDedupeSkipsLink?: boolean;
  /** A completion refused for a digest mismatch leaves the upload open, so that the client may complete it again. */
  mismatchKeepsUpload?: boolean;
  /**
   * Uploads live in one table keyed by upload id, not per repository: an upload started in one
   * repository is found by a call that names another. CompleteLayerUpload then files the layer in the
   * repository the call names, or in the one the upload was started in.
   */
  uploadsById?: 'completion-repository' | 'upload-repository';
  /** UploadLayerPart finds the upload by id alone (uploads[upload_id]), whichever repository the call names; CompleteLayerUpload looks in the repository it names. */
  partsById?: boolean;
  /** PutImage files every blob its manifest names that the repository lacks, with the size the manifest gives, instead of refusing the manifest. */
  manifestStoresLayers?: boolean;
  /** PutImage is not implemented: every call is answered 501 InternalFailure, as an emulator answers an operation it lacks. */
  putImageMissing?: boolean;
  /** PutImage accepts a manifest naming blobs the repository lacks, and stores nothing for them. */
  manifestUnchecked?: boolean;
  /** InitiateLayerUpload reads the repository's layers into the upload and CompleteLayerUpload writes that copy back with the new layer (a document read when the upload starts and written when it ends, with no version check): a layer completed in between is lost. */
  uploadSnapshotsLayers?: boolean;
  /** UploadLayerPart takes one part per upload, as a fake written for monolithic uploads does: a second part is refused (InvalidLayerPartException). */
  onePartPerUpload?: boolean;
  /** CompleteLayerUpload refuses an upload with a part, other than the last, smaller than this many bytes (LayerPartTooSmallException), as ECR refuses one under 5 MiB. */
  minimumPartBytes?: number;
  /** InitiateLayerUpload checks the repository name with a pattern of its own that allows at most this many '/'-separated components (Docker Hub's namespace/name), stricter than CreateRepository's: a deeper repository takes no uploads. */
  uploadNameComponents?: number;

  // The BatchCheckLayerAvailability handler.
  /** A layer is looked up in the manifests of the repository's images, as a fake built around images does: one uploaded but in no image yet is not found. */
  layersFromImages?: boolean;
  /** Lookups memoized per repository and digest list in a cache of this many entries, least recently used evicted, never invalidated (Python's @functools.lru_cache on the lookup). */
  memoizedLookups?: number;
  /** The request being answered is kept in one variable of the module, read back after an await (a database call): a request that arrives meanwhile overwrites it. */
  requestInModuleScope?: boolean;
  /** A digest found is taken off the set of pending lookups as it is answered (pending.discard(d)): its repeat in the list is answered as never stored. */
  repeatsMissed?: boolean;
  /** The loop over the digests breaks where it meant to continue after a malformed one: the digests after it are never answered. */
  breakOnInvalid?: boolean;
  /** Every length and count limit lets through the first value past it (a fencepost error: <= where < was meant). */
  fencepost?: boolean;
  /** A registryId is checked for its length only (the pattern's count of digits), not for being digits. */
  registryIdLengthOnly?: boolean;
  /** A registryId is checked for its length and for parsing as an integer (JavaScript's Number(): a sign, white space around, a trailing point), not for being digits. */
  registryIdParsesAsInteger?: boolean;
  /** repositoryName and registryId are trimmed of white space before they are checked and used. */
  trimNames?: boolean;
  /** The repositoryName, registryId and digest patterns end in a $ that matches before a final line end (Python's re.match): the value is used as sent. */
  dollarBeforeNewline?: boolean;
  /** Digests are checked with a pattern whose ^ and $ match at every line end (Ruby's regexps, JavaScript's with the m flag): a digest with one well-formed line passes. */
  lineAnchors?: boolean;
  /** The patterns' [a-z0-9] and [0-9] are Unicode-aware (Python's str.islower() and \d): any lower-case letter or decimal digit passes. */
  unicodeClasses?: boolean;
  /** Repository names are checked segment by segment after split('/') drops the empty ones: a//b passes. */
  emptySegmentsDropped?: boolean;
  /** repositoryName loses its leading and trailing '/' before it is checked and looked up (a name cleaned as a path): "team/app/" is taken for "team/app". */
  trimSlashes?: boolean;
  /** A layerDigests that is a string is iterated as if it were the list, one character a digest (Python's list(), a for loop). */
  stringAsList?: boolean;
  /** The list-size limit is applied to distinct digests. */
  countDistinct?: boolean;
  /** How digest lengths are measured against the limit: code points (right) or UTF-8 bytes. */
  digestLength?: 'code-points' | 'utf8-bytes';
  /** Repeated digests are collapsed case-insensitively. */
  dedupeIgnoringCase?: boolean;
  /** Digests are trimmed before they are checked and answered. */
  trimDigests?: boolean;
  /** The failures list is one array shared by every call and never cleared. */
  sharedFailures?: boolean;
  /** An explicit registryId is ignored: every call is answered from the caller's own registry. */
  ignoreRegistryId?: boolean;
  /** An empty registryId is taken for "none given", as a Go zero value is. */
  emptyRegistryIdIsDefault?: boolean;
  /** Unknown request members are rejected instead of ignored. */
  rejectUnknownMembers?: boolean;
  /** The empty digest crashes the handler (a 500). */
  crashOnEmptyDigest?: boolean;
  /** Every valid call for an existing repository fails with 500 ServerException. */
  failValidChecks?: boolean;
  /** At most this many digests are answered per call; the rest are dropped. */
  pageSize?: number;
  /** A missing repository crashes the handler (a 500) instead of RepositoryNotFoundException. */
  missingRepositoryCrash?: boolean;
  /** Error answers are written with status 200. */
  errorsAs200?: boolean;
  /** Constraint violations are answered as AccessDeniedException (an error handler's catch-all). */
  inputErrorsDenied?: boolean;
  /** Non-canonical digests are absent only for go-digest's algorithms (sha384, sha512, blake3) at their right length and lower case; every other one is InvalidLayerDigest (as go-digest's Validate decides). */
  greyByGoDigest?: boolean;
  /** A stored layer that no manifest references is answered without a mediaType. */
  omitUnreferencedMediaType?: boolean;
  /** Every stored layer is answered with the one layer media type, whatever a manifest gave it (a config blob too). */
  fixedMediaType?: boolean;
  /** Layers and failures are answered sorted by digest, not in request order. */
  sortEntries?: boolean;
  /** Lists over `digests` digests take `ms` to answer (a quadratic lookup). */
  slowAbove?: { digests: number; ms: number };

  // The serializer.
  /** Layer sizes written as floating-point numbers (1234.0). */
  sizeAsFloat?: boolean;
  /** layerAvailability written twice in each layer, a default first. */
  duplicateAvailability?: boolean;
  /** An empty layers or failures list written as null, as Go's encoding/json writes a nil slice. */
  nilListsAsNull?: boolean;
  /** The layers and failures lists written by hand, a comma after each entry: `[{…},{…},]` is not JSON. */
  trailingCommas?: boolean;
  /** The body is encoded as Latin-1 instead of UTF-8. */
  latin1Body?: boolean;
  /** Every non-ASCII character escaped as \uXXXX (Python's json.dumps default). */
  asciiEscapes?: boolean;
  /** Indented JSON with CRLF line ends. */
  prettyJson?: boolean;
  /** How error types are written: the shape name (right), the shape id, or the shape name with a URI suffix. */
  errorTypeForm?: 'name' | 'shape-id' | 'with-uri';
  /** The member that carries an error's message. */
  messageMember?: 'message' | 'Message';

  // The connection.
  /** Request bodies above this many bytes refused with 413 and an HTML page, as Express's json() does past its limit. */
  bodyLimit?: number;
  /** Content-Length counted in characters instead of bytes. */
  contentLengthInChars?: boolean;
  /** Malformed digests are failed before the repository is looked up, and a list of nothing else is answered with those failures: a missing repository goes unnoticed. */
  malformedFirst?: boolean;
  /** No Content-Length: a chunked body, and the connection closed after each answer. */
  chunkedAndClose?: boolean;
  /** The connection closed after each answer, said nowhere (no Connection: close): a request a client sends on it before it sees the close is reset, as when a server's idle timeout closes a kept-alive connection just as the next request goes out. */
  closeAfterAnswer?: boolean;
  /** The header the request id travels in. */
  requestIdHeader?: string;
  /** Every n-th call answers 503 ServiceUnavailable first. */
  transientEvery?: number;
  /** Every n-th call answers 400 ThrottlingException first. */
  throttleEvery?: number;
}
