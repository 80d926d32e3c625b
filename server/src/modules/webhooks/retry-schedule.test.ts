import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_S } from '../../config.js';
import { nextAttemptAt } from './retry-schedule.js';

const ms = DEFAULT_RETRY_SCHEDULE_S.map((s) => s * 1000);
const t0 = new Date('2026-12-07T00:00:00Z');

describe('the retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure, then gives up', () => {
    const waits: (number | null)[] = [];
    for (let attempts = 1; attempts <= 8; attempts++) {
      const next = nextAttemptAt(ms, attempts, t0);
      waits.push(next && (next.getTime() - t0.getTime()) / 1000);
    }
    expect(waits).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000, null]);
  });

  it('keeps retrying for more than 24 hours after the first attempt', () => {
    let at = t0;
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(ms, attempts, at);
      if (!next) break;
      at = next;
    }
    expect(at.getTime() - t0.getTime()).toBeGreaterThan(24 * 3600_000);
  });
});
