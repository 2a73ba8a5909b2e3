// Repository names and registry ids, each labelled with its input class.
import fc from 'fast-check';
import { operationSpec } from '../spec/index.ts';
import type { Labeled } from './digests.ts';

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const word = (min: number, max: number) => fc.string({ unit: lower, minLength: min, maxLength: max });

/**
 * Against real ECR every name the suite sends lives under its own prefix (`ecr-conformance-<run>/…`),
 * so that a least-privilege policy on ecr-conformance-* covers it; only names too short to carry a
 * prefix escape it. `under(prefix)` puts a name there, keeping whatever makes it valid or not.
 */
const under = (prefix: string | undefined) => (name: string) => (prefix ? `${prefix}/${name}` : name);

/** The ways a name of a valid length breaks every model's pattern: each is a check a hand-written validator may leave out. */
export const BAD_NAME_WAYS = ['upper', 'double-dot', 'leading', 'trailing', 'double-slash', 'trailing-slash', 'space', 'mixed-sep', 'edge-space', 'trailing-newline', 'non-ascii'] as const;
export type BadNameWay = (typeof BAD_NAME_WAYS)[number];

/** Names no model's pattern accepts, though their length is valid, broken in one way. */
export function badPatternName(how: BadNameWay, prefix?: string): fc.Arbitrary<Labeled<string>> {
  // A valid name with white space or a line end after it: only a server that trims names (.strip(),
  // TrimSpace, trim()) before it checks them takes it for the valid name within, and only one whose
  // pattern's $ matches before a final line end (Python's re.match, Ruby, PHP) lets the line end
  // through. After it, not before: a name that starts with white space is outside the resources the
  // least-privilege policy grants (repository/ecr-conformance-*), so real ECR could refuse it as a
  // permission error before it reads the name (trimming takes both ends alike).
  if (how === 'edge-space' || how === 'trailing-newline') {
    return fc.tuple(word(2, 12), word(1, 12), whiteSpace).map(([a, b, ws]) =>
      ({ cls: 'repository.name-bad-pattern', value: `${under(prefix)(`${a}${b}`)}${how === 'trailing-newline' ? '\n' : ws}` }));
  }
  // A valid name but for one lower-case letter or digit outside ASCII: only a server whose classes are
  // Unicode-aware (Python's \w, \d, str.islower(), str.isalnum()) takes it for a valid one.
  if (how === 'non-ascii') {
    return fc.tuple(word(2, 12), fc.constantFrom(...NON_ASCII_LOWER), word(1, 12))
      .map(([a, c, b]) => ({ cls: 'repository.name-bad-pattern', value: under(prefix)(`${a}${c}${b}`) }));
  }
  return fc.tuple(word(2, 12), word(1, 12)).map(([a, b]) => {
    const value = {
      upper: `${a.toUpperCase()}X${b}`,
      'double-dot': `${a}..${b}`,
      leading: `-${a}${b}`,
      trailing: `${a}${b}_`,
      'double-slash': `${a}//${b}`,
      // What a server that cleans names as paths (strings.Trim(name, "/"), path.Clean) takes for a/b.
      'trailing-slash': `${a}/${b}/`,
      space: `${a} ${b}`,
      'mixed-sep': `${a}_.${b}`,
    }[how as Exclude<BadNameWay, 'edge-space' | 'trailing-newline' | 'non-ascii'>];
    return { cls: 'repository.name-bad-pattern', value: under(prefix)(value) };
  });
}

/** A word of exactly the length that makes `prefix/word` `total` characters long. */
const fill = (prefix: string | undefined, total: number, extra = 0) => {
  const room = prefix ? total - prefix.length - 1 : total;
  return word(room, room + extra).map(under(prefix));
};

/**
 * Names of a bad length: one character past a limit (`short-by-one`, `long-by-one`), where a fencepost
 * error lets them through, or further past it (`short`: the shorter ones, none for a minimum of 1;
 * `long`: 2 to 40 over).
 */
export function badLengthName(which: 'short-by-one' | 'short' | 'long-by-one' | 'long', prefix?: string): fc.Arbitrary<Labeled<string>> {
  const { minLength, maxLength } = operationSpec().input.repositoryName;
  switch (which) {
    case 'short-by-one': return word(minLength.value - 1, minLength.value - 1).map((value) => ({ cls: 'repository.name-too-short-by-one', value }));
    case 'short': return word(0, Math.max(0, minLength.value - 2)).map((value) => ({ cls: 'repository.name-too-short', value }));
    case 'long-by-one': return fill(prefix, maxLength.value + 1).map((value) => ({ cls: 'repository.name-too-long-by-one', value }));
    case 'long': return fill(prefix, maxLength.value + 2, 38).map((value) => ({ cls: 'repository.name-too-long', value }));
  }
}

/** Valid names at the length limits; unlikely to exist, so answered 200 or RepositoryNotFoundException. Under a prefix, only the longest. */
export function boundaryName(prefix?: string): fc.Arbitrary<Labeled<string>> {
  const { minLength, maxLength } = operationSpec().input.repositoryName;
  const longest = fill(prefix, maxLength.value).map((value) => ({ cls: 'repository.name-max-length', value }));
  return prefix ? longest : fc.oneof(word(minLength.value, minLength.value).map((value) => ({ cls: 'repository.name-min-length', value })), longest);
}

/** Names valid under the 2026-02-25 model only: a__b, a--b. */
export function newModelOnlyName(prefix?: string): fc.Arbitrary<Labeled<string>> {
  return fc.tuple(word(1, 10), fc.constantFrom('__', '--', '---'), word(1, 10)).map(([a, sep, b]) => ({ cls: 'repository.name-new-model-only', value: under(prefix)(`${a}${sep}${b}`) }));
}

/**
 * A name only the newest model accepts, and beside it the same name with a separator that no model
 * accepts: a target that rejects the second but not the first applies the newest model; one that
 * accepts both applies none.
 */
export function modelPair(prefix?: string): fc.Arbitrary<{ candidate: string; control: string }> {
  return fc.tuple(word(1, 10), fc.constantFrom('__', '--', '---'), fc.constantFrom('._', '..', '_.', '-.'), word(1, 10))
    .map(([a, sep, bad, b]) => ({ candidate: under(prefix)(`${a}${sep}${b}`), control: under(prefix)(`${a}${bad}${b}`) }));
}

/** Lower-case letters and a decimal digit outside ASCII, each one code point: é, ß, ø, dotless ı, Cyrillic ж, Arabic-Indic 3. */
const NON_ASCII_LOWER = ['\u00e9', '\u00df', '\u00f8', '\u0131', '\u0436', '\u0663'];
/** Decimal digits outside ASCII (Unicode Nd): Arabic-Indic 3, full-width 0, Devanagari 9, Malayalam 7. */
const NON_ASCII_DIGITS = ['\u0663', '\uff10', '\u096f', '\u0d6d'];

/** White space a trimming server strips (a line end has ways of its own). */
const whiteSpace = fc.constantFrom(' ', '\t');

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/**
 * The ways a registry id breaks the pattern: too short, too long, twelve characters with a stray one
 * among them, a plus sign and eleven digits (twelve characters that every language's integer parser
 * takes: Python's int(), Go's Atoi, Java's parseLong, JavaScript's Number), twelve digits with white
 * space before or after them or a line end after them (valid only to a server that trims, or whose $
 * matches before a final line end), twelve digits one of which is a decimal digit outside ASCII
 * (valid only to a Unicode-aware \d, as Python's and .NET's are).
 */
export const BAD_REGISTRY_ID_WAYS = ['short', 'long', 'stray-character', 'signed', 'edge-space', 'trailing-newline', 'non-ascii-digit'] as const;

/** Registry ids that break the pattern in one way (the empty string has a property of its own). */
export function badRegistryId(how: (typeof BAD_REGISTRY_ID_WAYS)[number]): fc.Arbitrary<Labeled<string>> {
  const ids = {
    short: digits(1, 11),
    long: digits(13, 20),
    'stray-character': fc.tuple(digits(11, 11), fc.constantFrom('a', 'X', '-', ' ')).map(([d, c]) => d + c),
    signed: digits(11, 11).map((d) => `+${d}`),
    'edge-space': fc.tuple(digits(12, 12), whiteSpace, fc.boolean()).map(([d, ws, before]) => (before ? ws + d : d + ws)),
    'trailing-newline': digits(12, 12).map((d) => `${d}\n`),
    'non-ascii-digit': fc.tuple(digits(11, 11), fc.constantFrom(...NON_ASCII_DIGITS), fc.nat(11)).map(([d, c, at]) => d.slice(0, at) + c + d.slice(at)),
  }[how];
  return ids.map((value) => ({ cls: 'registry-id.malformed', value }));
}
