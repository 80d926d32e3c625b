/**
 * Per-endpoint sliding window: at most `rate` accepted requests in any `windowMs`. A sliding
 * log (not fixed buckets) so a burst straddling a second boundary cannot pass 2× the rate;
 * rejected requests do not consume capacity. The clock is injected so tests never sleep.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private rate: number,
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {}

  setRate(rate: number): void {
    this.rate = rate;
  }

  /** True when the request may proceed (and is counted). */
  tryAcquire(endpoint: string): boolean {
    if (!(this.rate > 0)) return true; // 0 / Infinity: unlimited
    const t = this.now();
    let log = this.hits.get(endpoint);
    if (!log) this.hits.set(endpoint, (log = []));
    const floor = t - this.windowMs;
    let drop = 0;
    while (drop < log.length && log[drop]! <= floor) drop++;
    if (drop) log.splice(0, drop);
    if (log.length >= this.rate) return false;
    log.push(t);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }
}
