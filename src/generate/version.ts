// Which cases a seed makes: kept apart from the generators so reports can name it without loading them.
/**
 * The case generator's version, recorded in every report. A case id (property@seed) names the same
 * request only under the same generator: bump this whenever a seed would make different cases, so
 * `replay` and `merge` can refuse reports whose cases this build cannot make again.
 * 2: digests' hex from two random draws (sfc32) instead of one draw per byte.
 * 3: the recreate scenario checks the deleted repository is gone before creating it again.
 * 4: each length and count limit is probed exactly one past it by a property of its own (too-many-by-one,
 *    digest-too-long-by-one, name-too-short-by-one, name-too-long-by-one), the others further past it;
 *    each way of breaking the name pattern, each missing and each mistyped member is a property of its own.
 * 5: order and batch-independence move a stored digest out of first place half the time.
 * 6: a repositoryName and a registryId valid but for white space at an edge or a final line end
 *    (bad-name-edge-space, bad-name-trailing-newline, bad-registry-id-edge-space, …-trailing-newline),
 *    or for one character outside ASCII (bad-name-non-ascii, bad-registry-id-non-ascii-digit); a
 *    registry id of a plus sign and eleven digits (bad-registry-id-signed); sha384 and blake3 digests
 *    (at their go-digest lengths half the time) in a digest class of their own; batch-independence
 *    puts a stored digest beside its upper-case variant in a third of its cases.
 * 7: the unfinished-upload scenario (a layer's parts never completed, another layer completed under
 *    the digest of content never sent, all three digests checked); batch-independence draws a third
 *    of its batches at 11–20 digests and checks a never-stored digest of the batch alone as well;
 *    read-your-write uploads its fresh layer to the second repository first.
 * 8: the unfinished-upload scenario also puts an image whose manifest names a layer never sent, and
 *    sends a layer to an upload started in the second repository and completes it through the scratch
 *    one (its four actions in any order); it checks those layers' digests too, in both repositories.
 *    The recreate scenario uploads its layer to the second repository first, and checks it is still
 *    there once the scratch repository is deleted.
 * 9: a repositoryName valid but for a trailing '/' (bad-name-trailing-slash).
 * 10: read-your-write uploads its fresh layer together with two more, in step (every upload started,
 *    then every part sent, then every upload completed), and checks all three before and after.
 * 11: the unfinished-upload scenario also starts an upload in the second repository, sends a layer's
 *    parts to it through calls naming the scratch one, and completes it in its own (five actions, in
 *    any order); that layer's digest is checked too, in both repositories.
 * 12: the recreate scenario also sends a layer to an upload it leaves open before the deletion, and
 *    completes that upload after the repository is created again; the layer's digest is checked with
 *    the other one's, and again after the completion.
 * 13: a property of requests for a missing repository that list malformed digests only
 *    (missing-repository-malformed).
 * 14: a digest class of line breaks around a canonical digest (digest.malformed.line-break: a final
 *    line end, CRLF, or a line before or after it), which a pattern whose $ or ^ matches at a line
 *    end takes for well formed.
 */
export const GENERATOR = 14;

/**
 * A replay command names the generator its case id comes from (`--generator N`): under another one
 * the id would make another request, and a verdict on it would say nothing about the original.
 */
export function generatorMismatch(given: number | undefined): string | undefined {
  if (given === undefined || given === GENERATOR) return undefined;
  return `--generator ${given}: the case id comes from case generator ${given}, and this build's is ${GENERATOR}, so it would make a different request. `
    + 'Replay it with the ecr-conformance version that printed the command, or run again with this one.';
}
