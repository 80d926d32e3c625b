import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('admits `rate` requests in any one-second window, per endpoint', () => {
    let t = 10_000;
    const limiter = new RateLimiter(3, () => t);
    expect([1, 2, 3].map(() => limiter.tryAcquire('transfers.create'))).toEqual([true, true, true]);
    expect(limiter.tryAcquire('transfers.create')).toBe(false);
    expect(limiter.tryAcquire('balance.retrieve')).toBe(true); // another endpoint has its own budget
    t += 999;
    expect(limiter.tryAcquire('transfers.create')).toBe(false);
    t += 1; // the first three leave the window
    expect(limiter.tryAcquire('transfers.create')).toBe(true);
  });

  it('slides: a burst across a second boundary cannot reach twice the rate', () => {
    let t = 0;
    const limiter = new RateLimiter(2, () => t);
    t = 900;
    expect(limiter.tryAcquire('e')).toBe(true);
    expect(limiter.tryAcquire('e')).toBe(true);
    t = 1100; // a fixed-bucket limiter would reset here
    expect(limiter.tryAcquire('e')).toBe(false);
    t = 1900;
    expect(limiter.tryAcquire('e')).toBe(true);
  });

  it('does not count rejected requests', () => {
    let t = 0;
    const limiter = new RateLimiter(1, () => t);
    expect(limiter.tryAcquire('e')).toBe(true);
    t = 500;
    expect(limiter.tryAcquire('e')).toBe(false);
    t = 1000;
    expect(limiter.tryAcquire('e')).toBe(true);
  });
});
