// The wire scanner reads what JSON.parse smooths over: members named twice, numbers as written, depth.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, scanJson } from './wire.ts';

describe('scanJson', () => {
  it('finds a member named twice, in a small object and in one past the short list of names', () => {
    expect(scanJson('{"layers":[{"layerDigest":"a","layerSize":1,"layerSize":2}],"failures":[]}').duplicateKeys).toEqual(['layers[0].layerSize']);
    const wide = Array.from({ length: 40 }, (_, i) => `"m${i}":${i}`);
    expect(scanJson(`{${wide.join(',')}}`).duplicateKeys).toEqual([]);
    // Named again at the 3rd, the 20th and the 41st member: each is found, whether the names so far were a list or a set.
    expect(scanJson(`{${[...wide.slice(0, 2), '"m0":0', ...wide.slice(2, 19), '"m1":1', ...wide.slice(19), '"m39":9'].join(',')}}`).duplicateKeys).toEqual(['m0', 'm1', 'm39']);
  });

  it('tells apart names that differ only once unescaped, and the same name escaped', () => {
    expect(scanJson('{"a":1,"\\u0061":2}').duplicateKeys).toEqual(['a']);
    expect(scanJson('{"a":1,"A":2,"a ":3}').duplicateKeys).toEqual([]);
  });

  it('keeps every number literal as written, with its path, and reads past true, false and null', () => {
    const scan = scanJson('{"layers":[{"layerSize":17.0,"x":true},{"layerSize":-1.7e+1,"y":null}],"n":false,"z":0}');
    expect(scan.numbers).toEqual([
      { path: 'layers[0].layerSize', literal: '17.0' },
      { path: 'layers[1].layerSize', literal: '-1.7e+1' },
      { path: 'z', literal: '0' },
    ]);
  });

  it('stops at the depth bound', () => {
    expect(scanJson('['.repeat(MAX_JSON_DEPTH + 1)).tooDeep).toBe(true);
    expect(scanJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).tooDeep).toBe(false);
  });

  it('reads an object of 200,000 members, every one named twice, finding them all', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(',');
    expect(scanJson(`{${names},${names}}`).duplicateKeys).toHaveLength(100_000);
  });
});
