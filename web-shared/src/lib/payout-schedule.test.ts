import { describe, expect, it } from 'vitest';
import { nextPayout } from './payout-schedule';

describe('the next payout of a campaign', () => {
  it("is this month's payout day while it is still ahead, paying for last month", () => {
    expect(nextPayout(15, '2026-12-07')).toEqual({ date: '2026-12-15', period: '2026-11' });
    expect(nextPayout(1, '2027-01-01')).toEqual({ date: '2027-01-01', period: '2026-12' });
  });

  it("is next month's once the day has passed, or once today's batch exists", () => {
    expect(nextPayout(1, '2026-12-07')).toEqual({ date: '2027-01-01', period: '2026-12' });
    expect(nextPayout(7, '2026-12-07', ['2026-11'])).toEqual({ date: '2027-01-07', period: '2026-12' });
    expect(nextPayout(28, '2026-02-28', ['2026-01'])).toEqual({ date: '2026-03-28', period: '2026-02' });
  });
});
