/**
 * A worker that runs one pass, waits its interval, and runs again, never two passes at once.
 * `tick()` runs a pass now (or joins the one running): tests and request handlers use it to
 * move work along without waiting for the timer.
 */
export abstract class PeriodicWorker {
  protected stopped = true;
  /** When the last pass ended (ms since the epoch); undefined before the first. */
  lastPassEndedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly intervalMs: number) {}

  /** One pass over the work; it must not throw (failures are the subclass's to record). */
  protected abstract pass(): Promise<void>;

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.tick();
      if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for a running pass to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
      this.lastPassEndedAt = Date.now();
    });
    return this.running;
  }
}
