// Which cases a seed makes: kept apart from the generators so reports can name it without loading them.
/**
 * The case generator's version, recorded in every report. A case id (property@seed) names the same
 * request only under the same generator: bump this whenever a seed would make different cases, so
 * `replay` and `merge` can refuse reports whose cases this build cannot make again.
 * 2: digests' hex from two random draws (sfc32) instead of one draw per byte.
 */
export const GENERATOR = 2;
