// Progress on stderr, for people and for CI: on a terminal one live line; without one (every CI), a
// plain line every few seconds, so a 15-minute run against real ECR is never silent. Both say the
// phase, cases done of planned, requests used of the budget, the rate and the time left.
// cli-progress draws both (its noTTYOutput mode prints the line on a schedule).
import { SingleBar } from 'cli-progress';
import type { Progress } from '../run/runner.ts';

export interface ProgressReporter {
  update: (p: Progress) => void;
  done: () => void;
}

const SCHEDULE_MS = 5_000;
const FRAME_MS = 100;

export function progressReporter(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, o: { quiet?: boolean } = {}): ProgressReporter {
  if (o.quiet || env['ECR_CONFORMANCE_PROGRESS'] === 'off') return { update: () => {}, done: () => {} };
  const tty = stream.isTTY === true;
  const bar = new SingleBar({
    stream,
    format: '{text}',
    noTTYOutput: !tty,
    notTTYSchedule: SCHEDULE_MS,
    fps: 10,
    hideCursor: tty,
    clearOnComplete: tty,
    stopOnComplete: false,
    etaBuffer: 50,
    formatValue: (v) => String(v),
  });
  let phase = '';
  let started = false;
  // A run reports every case, thousands a second; the bar shows ten frames a second at most. Drawing
  // each report cost more than judging the case, so between frames only the latest report is kept.
  let drawn = 0;
  let latest: Progress | undefined;
  const draw = (p: Progress) => {
    latest = undefined;
    drawn = Date.now();
    const payload = { text: describe(p) };
    if (!started) {
      bar.start(Math.max(1, p.total), p.done, payload);
      started = true;
    }
    if (p.phase !== phase) {
      phase = p.phase;
      bar.setTotal(Math.max(1, p.total));
    }
    bar.update(p.done, payload);
  };
  return {
    update(p) {
      if (started && p.phase === phase && p.done < p.total && Date.now() - drawn < FRAME_MS) latest = p;
      else draw(p);
    },
    done() {
      if (latest) draw(latest);
      if (started) bar.stop();
      started = false;
    },
  };
}

const seconds = (ms: number) => (ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(0, Math.round(ms / 1000))} s`);

/** One line: what the run is doing, how far it is, how fast it goes and how long it has left. */
export function describe(p: Progress): string {
  const requests = `${p.requests}${p.budget ? ` of ${p.budget}` : ''} requests`;
  if (p.phase === 'setup') return `[setup] preparing the target · ${requests}`;
  if (p.phase === 'cleanup') return `[cleanup] removing what the run created · ${requests}`;
  if (p.phase === 'shrink') return `[shrink] ${p.done}/${p.total} broken rules shrunk · ${requests}`;
  const rate = p.elapsedMs > 0 ? (p.done / p.elapsedMs) * 1000 : 0;
  const eta = rate > 0 ? ` · about ${seconds(((p.total - p.done) / rate) * 1000)} left` : '';
  return `[explore] ${p.done}/${p.total} cases${p.failing ? ` (${p.failing} failing)` : ''} · ${requests} · ${rate.toFixed(0)} cases/s${eta}`;
}
