// The progress line: cheap however often a run reports, and never showing less than the run did.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../src/cli/progress.ts';
import type { Progress } from '../src/run/runner.ts';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

const explore = (done: number, total: number): Progress => ({ phase: 'explore', done, total, failing: 0, requests: done, budget: 0, elapsedMs: 1000 });

describe('progress', () => {
  it('keeps only the latest report between frames, and shows it when the phase ends or the run stops', () => {
    const { stream, text } = capture();
    const p = progressReporter(stream, {});
    for (let i = 1; i <= 20_000; i++) p.update(explore(i, 50_000));
    p.done();
    expect(text()).toContain('20000/50000 cases');
  });

  it('shows where the run ended, whichever phase it ended in', () => {
    const { stream, text } = capture();
    const p = progressReporter(stream, {});
    p.update({ ...explore(0, 1), phase: 'setup' });
    for (let i = 1; i <= 500; i++) p.update(explore(i, 500));
    p.update({ ...explore(0, 1), phase: 'cleanup', requests: 777 });
    p.done();
    expect(text()).toContain('[cleanup] removing what the run created · 777 requests');
  });
});
