import { describe, expect, it } from 'vitest';
import { changeBetween, intervalFor, lengthInDays, presetRange, previousRange, rangeFromSearch, rangeToSearch, ratio, toInstants } from './date-range';

describe('presets', () => {
  it('"last N days" ends with today and counts it', () => {
    expect(presetRange('last-7-days', '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(lengthInDays(presetRange('last-30-days', '2026-03-10'))).toBe(30);
    expect(presetRange('last-90-days', '2026-03-10')).toEqual({ from: '2025-12-11', to: '2026-03-10' });
  });

  it('this month runs from the 1st to today; last month is the whole month before, across a year', () => {
    expect(presetRange('this-month', '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(presetRange('last-month', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last-month', '2027-01-01')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
});

describe('the interval that fits a range', () => {
  it('is days up to 31 days, weeks up to half a year, months beyond', () => {
    expect(intervalFor({ from: '2026-12-07', to: '2026-12-07' })).toBe('DAY');
    expect(intervalFor({ from: '2026-01-01', to: '2026-01-31' })).toBe('DAY');
    expect(intervalFor({ from: '2026-01-01', to: '2026-02-01' })).toBe('WEEK');
    expect(intervalFor(presetRange('last-90-days', '2026-12-07'))).toBe('WEEK');
    expect(intervalFor({ from: '2026-01-01', to: '2026-07-05' })).toBe('WEEK');
    expect(intervalFor({ from: '2026-01-01', to: '2026-07-06' })).toBe('MONTH');
  });
});

describe('the period a change compares with', () => {
  it('has the same length and ends the day before the range starts', () => {
    expect(previousRange({ from: '2026-12-01', to: '2026-12-07' })).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    // A month of 31 days is compared with the 31 days before it, not with the calendar month.
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousRange({ from: '2026-12-07', to: '2026-12-07' })).toEqual({ from: '2026-12-06', to: '2026-12-06' });
  });

  it('reports the change as a fraction of the previous figure, and none when there was nothing before', () => {
    expect(changeBetween(150, 100)).toBe(0.5);
    expect(changeBetween(50, 100)).toBe(-0.5);
    expect(changeBetween(0, 0)).toBeNull();
    expect(changeBetween(10, 0)).toBeNull();
    expect(changeBetween(null, 5)).toBeNull();
    expect(ratio(3, 12)).toBe(0.25);
    expect(ratio(3, 0)).toBeNull();
  });
});

describe('the API instants of a range', () => {
  it('run from the first midnight (UTC) to the midnight after the last day', () => {
    expect(toInstants({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
  });
});

describe('the range in the query string', () => {
  const today = '2026-12-07';
  const read = (qs: string) => rangeFromSearch(new URLSearchParams(qs), today);

  it('names a preset, read relative to today, or custom days', () => {
    expect(read('range=last-7-days')).toEqual({ preset: 'last-7-days', range: { from: '2026-12-01', to: '2026-12-07' } });
    expect(read('range=custom&from=2026-10-01&to=2026-10-15')).toEqual({ preset: 'custom', range: { from: '2026-10-01', to: '2026-10-15' } });
    expect(read('from=2026-10-15&to=2026-10-01').range).toEqual({ from: '2026-10-01', to: '2026-10-15' });
  });

  it('falls back to the last 30 days when it names nothing valid', () => {
    for (const qs of ['', 'range=forever', 'range=custom&from=2026-02-30&to=2026-03-01', 'from=2026-10-01']) {
      expect(read(qs)).toEqual({ preset: 'last-30-days', range: { from: '2026-11-08', to: '2026-12-07' } });
    }
  });

  it('is written back with the other parameters kept, and read back the same', () => {
    const custom = { preset: 'custom', range: { from: '2026-10-01', to: '2026-10-15' } } as const;
    const written = rangeToSearch(new URLSearchParams('campaign=c1&range=last-7-days'), custom);
    expect(written.toString()).toBe('campaign=c1&from=2026-10-01&to=2026-10-15');
    expect(rangeFromSearch(written, today)).toEqual(custom);
    expect(rangeToSearch(written, { preset: 'this-month', range: presetRange('this-month', today) }).toString()).toBe('campaign=c1&range=this-month');
  });
});
