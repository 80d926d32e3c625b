import type { ServerResponse } from 'node:http';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Whether this process is busy serving requests; background work that can wait asks it. */
export interface Pressure {
  busy(): boolean;
}

/**
 * A process whose requests queue up, or whose event loop is nearly always running while it
 * serves them, has no spare time: background work that can wait (outgoing webhooks) then yields,
 * so requests keep their throughput. Measured per window of at least `windowMs`, on asking:
 * busy when `queued` requests or more were in progress on average (they wait for the loop or
 * for PostgreSQL: an unhurried process answers each in a few milliseconds, so even hundreds a
 * second keep only one or two in progress), or when requests arrived and the loop was running
 * `loopShare` of the window or more. Background work alone is not pressure: no request waits.
 */
export class ServingPressure implements Pressure {
  /** Sampled requests in progress (each stands for `sampleEvery`). */
  private inProgress = 0;
  private seen = 0;
  /** Sampled requests in progress × milliseconds, since the window started. */
  private load = 0;
  private changedAt = performance.now();
  private arrived = 0;
  private windowStart = this.changedAt;
  private loop: EventLoopUtilization;
  private wasBusy = false;

  constructor(
    private readonly options = { windowMs: 250, queued: 8, loopShare: 0.8, sampleEvery: 32 },
    private readonly utilization: (since?: EventLoopUtilization) => EventLoopUtilization = (since) => performance.eventLoopUtilization(since),
  ) {
    this.loop = utilization();
  }

  /**
   * A request arrived; it is in progress until its response closes. One in `sampleEvery` is
   * followed to its close: a listener on every response cost the redirect about 10 µs of
   * garbage collection per request, a quarter of its CPU.
   */
  request(res: ServerResponse): void {
    this.arrived++;
    if (++this.seen % this.options.sampleEvery) return;
    this.moved(1);
    res.once('close', this.closed);
  }

  /** One listener for every sampled response: no closure allocated per request. */
  private readonly closed = () => this.moved(-1);

  busy(): boolean {
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed < this.options.windowMs) return this.wasBusy;
    this.moved(0);
    const queued = (this.load * this.options.sampleEvery) / elapsed >= this.options.queued;
    const loopBound = this.arrived > 0 && this.utilization(this.loop).utilization >= this.options.loopShare;
    this.wasBusy = queued || loopBound;
    this.loop = this.utilization();
    this.load = 0;
    this.arrived = 0;
    this.windowStart = now;
    return this.wasBusy;
  }

  private moved(by: number): void {
    const now = performance.now();
    this.load += this.inProgress * (now - this.changedAt);
    this.changedAt = now;
    this.inProgress += by;
  }
}
