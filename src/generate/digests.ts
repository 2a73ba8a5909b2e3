// Digest arbitraries, one per named input class. Valid-list classes may appear in any valid
// request; digest.too-long makes the request itself invalid.
import fc from 'fast-check';

export interface Labeled<T> {
  cls: string;
  value: T;
}

const hex = (min: number, max: number) =>
  fc.uint8Array({ minLength: Math.ceil(min / 2), maxLength: Math.ceil(max / 2) })
    .chain((b) => fc.constant(Buffer.from(b).toString('hex')))
    .chain((h) => fc.integer({ min, max }).map((n) => h.padEnd(n, '0').slice(0, n)));
const hex64 = () => fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const canonical = () => hex64().map((h) => `sha256:${h}`);
const insertAt = (s: string, insert: string, at: number) => s.slice(0, at % (s.length + 1)) + insert + s.slice(at % (s.length + 1));

export interface DigestContext {
  /** Digests known to be stored in the primary repository. */
  present: string[];
}

/** Every digest class that may appear in a valid request, by name. */
export function digestClasses(ctx: DigestContext): Record<string, fc.Arbitrary<string>> {
  const classes: Record<string, fc.Arbitrary<string>> = {
    'digest.absent': canonical(),
    'digest.grey.uppercase-hex': hex64().map((h) => `sha256:${(/[a-f]/.test(h) ? h : `a${h.slice(1)}`).toUpperCase()}`),
    'digest.grey.other-algorithm': fc.tuple(fc.constantFrom('sha512', 'sha384', 'blake3', 'SHA256', 'sha256+b64', 'multi.hash-alg_1'), hex(64, 128)).map(([a, h]) => `${a}:${h}`),
    'digest.grey.short-hex': hex(1, 63).map((h) => `sha256:${h}`),
    'digest.grey.long-hex': hex(65, 200).map((h) => `sha256:${h}`),
    'digest.length-1000': hex(993, 993).map((h) => `sha256:${h}`),
    'digest.empty': fc.constant(''),
    'digest.malformed.no-colon': fc.oneof(hex64(), fc.constantFrom('latest', 'sha256', 'not-a-digest')),
    'digest.malformed.empty-hex': fc.constantFrom('sha256:', 'sha512:'),
    'digest.malformed.non-hex': fc.tuple(hex64(), fc.constantFrom(...'ghijklmnopqrstuvwxyzG'), fc.nat()).map(([h, c, at]) => `sha256:${insertAt(h.slice(1), c, at)}`),
    'digest.malformed.whitespace': fc.tuple(canonical(), fc.constantFrom(' ', '  ', '\t'), fc.constantFrom('start', 'end', 'middle')).map(([d, w, where]) =>
      where === 'start' ? w + d : where === 'end' ? d + w : insertAt(d, w, 10)),
    'digest.malformed.control': fc.tuple(canonical(), fc.integer({ min: 0, max: 31 }), fc.nat()).map(([d, c, at]) => insertAt(d, String.fromCharCode(c), 7 + (at % 60))),
    'digest.malformed.non-ascii': fc.tuple(canonical(), fc.constantFrom('é', 'ß', '☃', '\u{1F600}', '\u00a0', 'ｓｈａ'), fc.nat()).map(([d, c, at]) => insertAt(d, c, at % d.length)),
    'digest.malformed.empty-algorithm': hex64().map((h) => `:${h}`),
    'digest.malformed.double-colon': fc.tuple(hex(2, 32), hex(2, 32)).map(([a, b]) => `sha256:${a}:${b}`),
  };
  if (ctx.present.length > 0) {
    classes['digest.present'] = fc.constantFrom(...ctx.present);
    classes['digest.present-case-variant'] = fc.constantFrom(...ctx.present).map((d) => d.toUpperCase().replace(/^SHA256/, 'sha256'));
  }
  return classes;
}

/** Any digest allowed in a valid request, labelled with its class. Present digests are favoured. */
export function validDigest(ctx: DigestContext): fc.Arbitrary<Labeled<string>> {
  const classes = digestClasses(ctx);
  const weight = (cls: string) => (cls === 'digest.present' || cls === 'digest.absent' ? 6 : cls === 'digest.length-1000' ? 1 : 2);
  // A digest's characters never shrink: a smaller counterexample has fewer digests or simpler
  // classes, not a different hex string, and shrinking hex costs many requests against a target.
  return fc.oneof(...Object.entries(classes).map(([cls, arb]) => ({ weight: weight(cls), arbitrary: fc.noShrink(arb).map((value) => ({ cls, value })) })));
}

/** A digest longer than the documented maximum: the request becomes invalid. */
export function tooLongDigest(maxLength: number): fc.Arbitrary<Labeled<string>> {
  return fc.noShrink(hex(maxLength + 1 - 7, maxLength + 200)).map((h) => ({ cls: 'digest.too-long', value: `sha256:${h}` }));
}
