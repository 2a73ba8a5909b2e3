// Reads an answer's JSON text as bytes on the wire, before any parser smooths it over: how deep it
// nests (a bound that keeps every rule safe), which object names a member twice, and how each number
// is written. One pass, no recursion, no allocation per value except member names.

export const MAX_JSON_DEPTH = 64;

export interface WireScan {
  /** Nesting went past MAX_JSON_DEPTH: the answer is a fault, and nothing else is read from it. */
  tooDeep: boolean;
  /** Paths of members named twice in one object (`layers[2].layerSize`). */
  duplicateKeys: string[];
  /** Every number literal with its path, as written. */
  numbers: { path: string; literal: string }[];
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  keys?: Set<string>;
  index: number;
  /** The member name the next value belongs to (objects). */
  key?: string;
  expectKey: boolean;
}

/** [0-9eE.+-]: what a number literal is written with (char codes, not a regular expression per character). */
const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x65 || c === 0x45 || c === 0x2e || c === 0x2b || c === 0x2d;
/** [a-z]: the letters of true, false and null. */
const isLowerLetter = (c: number) => c >= 0x61 && c <= 0x7a;

const childPath = (f: Frame) => (f.kind === 'array' ? `${f.path}[${f.index}]` : f.path ? `${f.path}.${f.key}` : String(f.key));

/**
 * Scans a JSON text. It does not validate the text (JSON.parse does that afterwards); on text that
 * is not JSON it returns whatever it saw, never throws.
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): WireScan {
  const out: WireScan = { tooDeep: false, duplicateKeys: [], numbers: [] };
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  const valueStarts = () => {
    const f = top();
    if (f?.kind === 'array') f.index++;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = top();
      valueStarts();
      const path = parent ? childPath(parent) : '';
      if (stack.length >= maxDepth) {
        out.tooDeep = true;
        return out;
      }
      stack.push(c === 0x7b ? { kind: 'object', path, keys: new Set(), index: -1, expectKey: true } : { kind: 'array', path, index: -1, expectKey: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const f = top();
      if (f?.kind === 'object') f.expectKey = true;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) { escaped = true; j++; continue; }
        if (d === 0x22) break;
      }
      const f = top();
      if (f?.kind === 'object' && f.expectKey) {
        let key = text.slice(i + 1, j);
        if (escaped) {
          try { key = JSON.parse(text.slice(i, j + 1)) as string; } catch { /* not JSON: JSON.parse will say so */ }
        }
        if (f.keys!.has(key)) out.duplicateKeys.push(f.path ? `${f.path}.${key}` : key);
        f.keys!.add(key);
        f.key = key;
        f.expectKey = false;
      } else {
        valueStarts();
      }
      i = j;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      const f = top();
      valueStarts();
      out.numbers.push({ path: f ? childPath(f) : '', literal: text.slice(i, j) });
      i = j - 1;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e /* true false null */) {
      valueStarts();
      while (i + 1 < text.length && isLowerLetter(text.charCodeAt(i + 1))) i++;
    }
  }
  return out;
}

/** A JSON number literal that is an integer as written: no fraction, no exponent. */
export const isIntegerLiteral = (literal: string) => /^-?(0|[1-9][0-9]*)$/.test(literal);

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Within the range of a Smithy long (a signed 64-bit integer). */
export const isLong = (literal: string) => isIntegerLiteral(literal) && BigInt(literal) >= LONG_MIN && BigInt(literal) <= LONG_MAX;
