// Soak rounds across threads (--workers): a thread starts round r only once r is released, that is once
// every thread has finished round r - 1. The main thread releases rounds and tells the workers; each
// thread waits on a gate of its own.

export class RoundGate {
  private released = 0;
  private opened = false;
  private waiting: (() => void)[] = [];

  /** Lets rounds up to `round` start; false if they already could. */
  release(round: number): boolean {
    if (round <= this.released) return false;
    this.released = round;
    this.wake();
    return true;
  }

  /** Ends every wait, now and later (the run is stopping). */
  open(): void {
    this.opened = true;
    this.wake();
  }

  async wait(round: number): Promise<void> {
    while (!this.opened && this.released < round) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private wake(): void {
    const woken = this.waiting;
    this.waiting = [];
    for (const f of woken) f();
  }
}
