// Digest arbitraries, one per named input class. Valid-list classes may appear in any valid
// request; digest.too-long makes the request itself invalid.
import fc from 'fast-check';
import { referenceFingerprintSpec } from '../spec/index.ts';

/** The algorithms, with their hex lengths, that a digest library validates and the image spec does not register. */
const libraryOnly = (): [string, number][] => {
  const { libraryAlgorithms, registeredAlgorithms } = referenceFingerprintSpec();
  return Object.entries(libraryAlgorithms.value).filter(([a]) => registeredAlgorithms.value[a] === undefined);
};

export interface Labeled<T> {
  cls: string;
  value: T;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where hexFromSeed writes its characters before making one string of them (grown on demand). */
let scratch = Buffer.allocUnsafe(256);

/**
 * `n` lowercase hex characters from a 64-bit seed `a`, `b`, expanded by sfc32 (a small generator that
 * passes PractRand). Two random draws make a digest of any length, where one draw per byte made a
 * 1000-character digest cost 500: generation went from about 70 to 30 µs a case (generator 2). The
 * characters go into a buffer and become one string: appending them piece by piece made a string
 * per piece (a 1000-character digest took twice as long).
 */
export function hexFromSeed(n: number, a: number, b: number): string {
  let s0 = a | 0, s1 = b | 0, s2 = 0x9e3779b9 | 0, s3 = 1;
  const words = Math.ceil(n / 8);
  if (scratch.length < words * 8) scratch = Buffer.allocUnsafe(words * 16);
  let at = 0;
  for (let i = -12; i < words; i++) {
    s3 = (s3 + 1) | 0;
    const t = (((s0 + s1) | 0) + s3) | 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) | 0;
    s2 = ((s2 << 21) | (s2 >>> 11)) + t | 0;
    // The first twelve outputs only mix the seed in; then each gives eight hex digits, high nibble first.
    if (i >= 0) for (let shift = 28; shift >= 0; shift -= 4) scratch[at++] = HEX_DIGITS[(t >>> shift) & 15]!;
  }
  return scratch.toString('latin1', 0, n);
}
/** Unbiased: fast-check's bias towards small numbers would make equal seeds, so equal digests, common. */
const seed32 = fc.noBias(fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const hex = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), seed32, seed32).map(([n, a, b]) => hexFromSeed(n, a, b));
const hex64 = () => fc.tuple(seed32, seed32).map(([a, b]) => hexFromSeed(64, a, b));
const canonical = () => hex64().map((h) => `sha256:${h}`);
const insertAt = (s: string, insert: string, at: number) => s.slice(0, at % (s.length + 1)) + insert + s.slice(at % (s.length + 1));
const withUpper = (h: string) => (/[a-f]/.test(h) ? h : `a${h.slice(1)}`).toUpperCase();
/** Non-ASCII characters of the Basic Multilingual Plane: one UTF-16 unit and one code point each, two or three UTF-8 bytes. */
const BMP = ['é', 'ß', 'ü', '☃', '€', '中', 'ｓ'];

export interface DigestContext {
  /** Digests known to be stored in the primary repository. */
  present: string[];
  /** The longest a digest may be (code points). */
  maxLength: number;
}

/** Every digest class that may appear in a valid request, by name. */
export function digestClasses(ctx: DigestContext): Record<string, fc.Arbitrary<string>> {
  const max = ctx.maxLength;
  const classes: Record<string, fc.Arbitrary<string>> = {
    'digest.absent': canonical(),
    'digest.grey.uppercase-hex': hex64().map((h) => `sha256:${withUpper(h)}`),
    'digest.grey.short-hex': hex(1, 63).map((h) => `sha256:${h}`),
    'digest.grey.long-hex': hex(65, 200).map((h) => `sha256:${h}`),
    'digest.grey.sha512': hex(128, 128).map((h) => `sha512:${h}`),
    'digest.grey.sha512-noncanonical': fc.oneof(hex(1, 127), hex(129, 200), hex(128, 128).map(withUpper)).map((h) => `sha512:${h}`),
    'digest.grey.algorithm-uppercase': fc.tuple(fc.constantFrom('SHA256', 'Sha256', 'SHA512'), hex64()).map(([a, h]) => `${a}:${h}`),
    // What a digest library validates beside the image spec's algorithms (go-digest: sha384, blake3), at
    // its length half the time: a server built on it takes those for well formed.
    'digest.grey.library-algorithm': fc.tuple(fc.constantFrom(...libraryOnly()), fc.boolean(), fc.integer({ min: 8, max: 128 }), seed32, seed32)
      .map(([[a, n], exact, other, x, y]) => `${a}:${hexFromSeed(exact ? n : other, x, y)}`),
    'digest.grey.other-algorithm': fc.tuple(fc.constantFrom('md5', 'sha1', 'sha256+b64', 'multi.hash-alg_1'), hex(8, 128)).map(([a, h]) => `${a}:${h}`),
    'digest.length-max': hex(max - 7, max - 7).map((h) => `sha256:${h}`),
    'digest.length-max-non-ascii': fc.tuple(hex(max - 8, max - 8), fc.constantFrom(...BMP)).map(([h, c]) => `sha256:${h}${c}`),
    'digest.empty': fc.constant(''),
    'digest.malformed.no-colon': fc.oneof(hex64(), fc.constantFrom('latest', 'sha256', 'not-a-digest')),
    'digest.malformed.empty-hex': fc.constantFrom('sha256:', 'sha512:'),
    'digest.malformed.non-hex': fc.tuple(hex64(), fc.constantFrom(...'ghijklmnopqrstuvwxyzG'), fc.nat()).map(([h, c, at]) => `sha256:${insertAt(h.slice(1), c, at)}`),
    'digest.malformed.whitespace': fc.tuple(canonical(), fc.constantFrom(' ', '  ', '\t'), fc.constantFrom('start', 'end', 'middle')).map(([d, w, where]) =>
      where === 'start' ? w + d : where === 'end' ? d + w : insertAt(d, w, 10)),
    // A canonical digest with a line break at its end, or a line before or after it: Python's re.match
    // with $ takes the first for well formed, Ruby's ^…$ and JavaScript's /m flag the others.
    'digest.malformed.line-break': fc.tuple(canonical(), fc.constantFrom('final-lf', 'final-crlf', 'line-before', 'line-after')).map(([d, how]) =>
      how === 'final-lf' ? `${d}\n` : how === 'final-crlf' ? `${d}\r\n` : how === 'line-before' ? `latest\n${d}` : `${d}\nlatest`),
    'digest.malformed.control': fc.tuple(canonical(), fc.integer({ min: 0, max: 31 }), fc.nat()).map(([d, c, at]) => insertAt(d, String.fromCharCode(c), 7 + (at % 60))),
    'digest.malformed.non-ascii': fc.tuple(canonical(), fc.constantFrom(...BMP, '\u{1F600}', '\u00a0'), fc.nat()).map(([d, c, at]) => insertAt(d, c, at % d.length)),
    'digest.malformed.empty-algorithm': hex64().map((h) => `:${h}`),
    'digest.malformed.double-colon': fc.tuple(hex(2, 32), hex(2, 32)).map(([a, b]) => `sha256:${a}:${b}`),
  };
  if (ctx.present.length > 0) {
    const stored = fc.constantFrom(...ctx.present);
    const hexOf = (d: string) => d.slice(d.indexOf(':') + 1);
    classes['digest.present'] = stored;
    classes['digest.present-case-variant'] = stored.map((d) => `sha256:${withUpper(hexOf(d))}`);
    // Near misses of what is stored: none of them is stored, so none may be AVAILABLE.
    classes['digest.near.truncated'] = fc.tuple(stored, fc.integer({ min: 1, max: 8 })).map(([d, n]) => d.slice(0, d.length - n));
    classes['digest.near.extended'] = fc.tuple(stored, hex(1, 4)).map(([d, h]) => d + h);
    classes['digest.near.one-off'] = fc.tuple(stored, fc.integer({ min: 0, max: 63 })).map(([d, at]) => {
      const h = hexOf(d);
      const c = h[at] === '0' ? '1' : '0';
      return `sha256:${h.slice(0, at)}${c}${h.slice(at + 1)}`;
    });
    classes['digest.near.other-algorithm'] = fc.tuple(stored, fc.constantFrom('sha512', 'sha384', 'SHA256')).map(([d, a]) => `${a}:${hexOf(d)}`);
  }
  return classes;
}

/** Any digest allowed in a valid request, labelled with its class. Present and absent digests are favoured. */
export function validDigest(ctx: DigestContext): fc.Arbitrary<Labeled<string>> {
  const classes = digestClasses(ctx);
  const weight = (cls: string) => (cls === 'digest.present' || cls === 'digest.absent' ? 8 : cls.startsWith('digest.length-max') ? 1 : 2);
  // A digest's characters never shrink: a smaller counterexample has fewer digests or simpler
  // classes, not a different hex string, and shrinking hex costs many requests against a target.
  return fc.oneof(...Object.entries(classes).map(([cls, arb]) => ({ weight: weight(cls), arbitrary: fc.noShrink(arb).map((value) => ({ cls, value })) })));
}

/** A digest no pattern accepts, or the empty one: never a layer to look up. */
export function malformedDigest(ctx: DigestContext): fc.Arbitrary<Labeled<string>> {
  const classes = Object.entries(digestClasses(ctx)).filter(([cls]) => cls.startsWith('digest.malformed') || cls === 'digest.empty');
  return fc.oneof(...classes.map(([cls, arb]) => fc.noShrink(arb).map((value) => ({ cls, value }))));
}

/**
 * Digests of the most characters allowed, the last quarter of them '€' (three UTF-8 bytes each): 1,500
 * bytes on the wire apiece, so that the most of them make the largest request every constraint allows.
 */
export function wideDigest(maxLength: number): fc.Arbitrary<Labeled<string>> {
  const wide = Math.floor(maxLength / 4);
  return fc.noShrink(hex(maxLength - wide - 7, maxLength - wide - 7)).map((h) => ({ cls: 'digest.length-max-multibyte', value: `sha256:${h}${'€'.repeat(wide)}` }));
}

/**
 * A digest longer than the documented maximum: the request becomes invalid. `by-one` is exactly one
 * character over, where a fencepost error (<= where < was meant) lets it through; `more` is 2 to 200 over.
 */
export function tooLongDigest(maxLength: number, over: 'by-one' | 'more'): fc.Arbitrary<Labeled<string>> {
  const [min, max] = over === 'by-one' ? [maxLength + 1, maxLength + 1] : [maxLength + 2, maxLength + 200];
  return fc.noShrink(hex(min - 7, max - 7)).map((h) => ({ cls: over === 'by-one' ? 'digest.too-long-by-one' : 'digest.too-long', value: `sha256:${h}` }));
}
