// The bytes of an answer, where JSON.parse would hide a defect that breaks another client.
import { broken, type ExchangeRule, held, judged } from '../rule.ts';
import { isIntegerLiteral, isLong } from '../wire.ts';

export const json: ExchangeRule = {
  id: 'wire.json',
  scope: 'exchange',
  check(x) {
    if (!judged(x) || !x.answer.wire || !x.exchange.response) return [];
    if (x.exchange.response.invalidUtf8) return [broken(`${x.answer.summary}: the body is not valid UTF-8 (decoders replace the bad bytes, so an echoed digest silently changes)`)];
    const dup = x.answer.wire.duplicateKeys;
    if (dup.length > 0) return [broken(`${x.answer.summary}: member ${dup[0]} is named twice in one object${dup.length > 1 ? ` (and ${dup.length - 1} more)` : ''}; decoders disagree on which value wins`)];
    return [held('valid UTF-8, no member named twice')];
  },
};

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
