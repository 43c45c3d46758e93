/**
 * One pending wake-up for a background loop: asking again for a later time keeps the earlier
 * wake-up, asking for an earlier time moves it forward. The timer is unref'd, so a loop waiting
 * on it never keeps the process alive.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | null = null;
  private due = 0;

  constructor(private readonly fire: () => void, private readonly now: () => number = Date.now) {}

  /** Wakes the loop in `delayMs`, unless a wake-up is already due by then. */
  in(delayMs: number): void {
    const due = this.now() + delayMs;
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, delayMs);
    this.timer.unref();
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
