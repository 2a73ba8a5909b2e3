import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_CASES_PER_CORE, autoWorkers, compressPath, expandPath, parseCaseId } from './runner.ts';

describe('case ids', () => {
  it('compress shrink paths and expand them back exactly', () => {
    expect(compressPath('0:0:0:0:1:1:2')).toBe('0*4:1:1:2');
    fc.assert(fc.property(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 60 }), (xs) => {
      const path = xs.join(':');
      expect(expandPath(compressPath(path))).toBe(path);
    }), { seed: 3 });
  });

  it('parse, and refuse what is not a case id with a usage error', () => {
    expect(parseCaseId('batch@12:0*3:1')).toEqual({ property: 'batch', seed: 12, path: '0:0:0:1' });
    expect(parseCaseId('order@5')).toEqual({ property: 'order', seed: 5 });
    expect(() => parseCaseId('batch 12')).toThrow(/not a case id/);
  });
});

describe('--workers auto', () => {
  it('one thread below the break-even a core, every core at it and for any soak; raw transport needs a larger plan than the SDK', () => {
    expect(autoWorkers(AUTO_CASES_PER_CORE.sdk * 2 - 1, 2, 'sdk', false)).toBe(1);
    expect(autoWorkers(AUTO_CASES_PER_CORE.sdk * 2, 2, 'sdk', false)).toBe(2);
    expect(autoWorkers(AUTO_CASES_PER_CORE.sdk * 2, 2, 'raw', false)).toBe(1);
    expect(autoWorkers(AUTO_CASES_PER_CORE.raw * 2, 2, 'raw', false)).toBe(2);
    expect(autoWorkers(10, 4, 'raw', true)).toBe(4);
    // The default run (1,123 cases) stays on one thread.
    expect(autoWorkers(1_123, 1, 'sdk', false)).toBe(1);
    expect(AUTO_CASES_PER_CORE.raw).toBeGreaterThan(AUTO_CASES_PER_CORE.sdk);
  });
});
