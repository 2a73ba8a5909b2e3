// The bytes of an answer, where JSON.parse would hide a defect that breaks another client.
import { broken, type ExchangeRule, held, judged, show } from '../rule.ts';
import { isIntegerLiteral, isLong } from '../wire.ts';

export const json: ExchangeRule = {
  id: 'wire.json',
  scope: 'exchange',
  check(x) {
    // A success that arrived whole (its framing complete: a cut connection is a transport fault, never
    // this) but is not JSON: every client's parser refuses it. It is the target's answer, not a fault.
    if (x.answer.kind === 'garbage' && x.exchange.response) return [broken(notJson(x.exchange.response))];
    if (!judged(x) || !x.answer.wire || !x.exchange.response) return [];
    if (x.exchange.response.invalidUtf8) return [broken(`${x.answer.summary}: the body is not valid UTF-8 (decoders replace the bad bytes, so an echoed digest silently changes)`)];
    const dup = x.answer.wire.duplicateKeys;
    if (dup.length > 0) return [broken(`${x.answer.summary}: member ${dup[0]} is named twice in one object${dup.length > 1 ? ` (and ${dup.length - 1} more)` : ''}; decoders disagree on which value wins`)];
    return [held('valid UTF-8, no member named twice')];
  },
};

/** What a non-JSON success looked like: its first characters, and the defect when it is a known one. */
function notJson(res: { status: number; headers: Record<string, string>; body: string }): string {
  const encoding = res.headers['content-encoding'];
  const why = res.body.startsWith('\uFEFF') ? ' (it begins with a byte-order mark, which RFC 8259 forbids in JSON sent over a network)'
    : encoding ? ` (Content-Encoding ${encoding}, which the client did not ask for)` : '';
  return `HTTP ${res.status} with a body that is not JSON${why} (JSON.parse: ${show(parseError(res.body), 300)}): ${show(res.body.slice(0, 200))}${res.body.length > 200 ? ` (first 200 of ${res.body.length} characters)` : ''}`;
}

/** What the parser says, which shows where it stopped. */
function parseError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

const LAYER_SIZE = /^layers\[\d+\]\.layerSize$/;

export const integers: ExchangeRule = {
  id: 'wire.integers',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'success' || !x.answer.wire) return [];
    const sizes = x.answer.wire.numbers.filter((n) => LAYER_SIZE.test(n.path));
    if (sizes.length === 0) return [];
    const bad = sizes.find((n) => !isLong(n.literal));
    if (bad) {
      const why = isIntegerLiteral(bad.literal) ? 'outside the range of a long' : 'not an integer literal';
      return [broken(`${bad.path} is written ${bad.literal}: ${why}; aws-sdk-go-v2 (json.Number.Int64) rejects the whole answer`)];
    }
    return [held(`${sizes.length} layerSize value(s) written as integers`)];
  },
};
