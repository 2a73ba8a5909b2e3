// Looking again at something that takes a moment to settle: the pauses taken, the last look kept.
import { describe, expect, it } from 'vitest';
import { lookAgain, repositoryWaits } from './seed.ts';

describe('lookAgain', () => {
  const run = async (answers: string[], waits: number[]) => {
    const paused: number[] = [];
    let looks = 0;
    const last = await lookAgain(waits, async (ms) => { paused.push(ms); }, async () => answers[looks++]!, (a) => a === 'not yet');
    return { last, looks, paused };
  };

  it('looks once when the first look settles it, and pauses only before looking again', async () => {
    expect(await run(['there'], [0, 250, 500])).toEqual({ last: 'there', looks: 1, paused: [] });
    expect(await run(['not yet', 'not yet', 'there'], [0, 250, 500, 1000])).toEqual({ last: 'there', looks: 3, paused: [250, 500] });
  });

  it('gives up after the last pause with the last look, whatever it was', async () => {
    expect(await run(['not yet', 'not yet', 'not yet', 'never'], [0, 250, 500])).toEqual({ last: 'not yet', looks: 3, paused: [250, 500] });
  });

  it('a window that starts with a pause waits first', async () => {
    expect(await run(['there'], [100, 200])).toEqual({ last: 'there', looks: 1, paused: [100] });
  });

  it('a window of the user\'s (--settle): a look at once, then pauses doubling from 250 ms, the last cut so that they end the window', () => {
    expect(repositoryWaits('emulator', 5000)).toEqual([0, 250, 500, 1000, 2000, 1250]);
    expect(repositoryWaits('aws', 100)).toEqual([0, 100]);
    for (const ms of [1, 249, 250, 7500, 60_000]) expect(repositoryWaits('emulator', ms).reduce((a, b) => a + b, 0)).toBe(ms);
  });

  it('the windows come from spec: longer against AWS than against an emulator, each starting at once', () => {
    const total = (ms: number[]) => ms.reduce((a, b) => a + b, 0);
    expect(repositoryWaits('emulator')[0]).toBe(0);
    expect(repositoryWaits('aws')[0]).toBe(0);
    expect(total(repositoryWaits('aws'))).toBeGreaterThan(total(repositoryWaits('emulator')));
  });
});
