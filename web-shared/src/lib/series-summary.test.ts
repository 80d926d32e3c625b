import { describe, expect, it } from 'vitest';
import { bucketLabel, describeSeries } from './series-summary';

const count = (n: number) => String(n);
const day = (d: string) => bucketLabel(`${d}T00:00:00.000Z`, 'DAY');

describe('the sentence that describes a chart', () => {
  it('gives the total and the highest and lowest buckets with their dates', () => {
    const points = [
      { start: '2026-12-01T00:00:00.000Z', value: 4 },
      { start: '2026-12-02T00:00:00.000Z', value: 9 },
      { start: '2026-12-03T00:00:00.000Z', value: 1 },
    ];
    expect(describeSeries('Clicks', points, 'DAY', count)).toBe(
      `Clicks per day, ${day('2026-12-01')} to ${day('2026-12-03')}: total 14; highest 9 (${day('2026-12-02')}), lowest 1 (${day('2026-12-03')}).`,
    );
  });

  it('says when every bucket is the same, and when there is nothing', () => {
    const flat = [
      { start: '2026-11-02T00:00:00.000Z', value: 0 },
      { start: '2026-11-09T00:00:00.000Z', value: 0 },
    ];
    expect(describeSeries('Revenue', flat, 'WEEK', count)).toMatch(/^Revenue per week, Week of .+ to Week of .+: total 0, 0 in each\.$/);
    expect(describeSeries('Revenue', [], 'MONTH', count)).toBe('Revenue per month: no data in this period.');
  });

  it('names days in UTC, as the server buckets them', () => {
    // The tests run in New York (vitest.config.ts), where midnight UTC on the 2nd is still the 1st.
    const utc = (options: Intl.DateTimeFormatOptions, d: number) => new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(new Date(d));
    expect(bucketLabel('2026-12-02T00:00:00.000Z', 'DAY')).toBe(utc({ dateStyle: 'medium' }, Date.UTC(2026, 11, 2)));
    expect(bucketLabel('2026-12-01T00:00:00.000Z', 'MONTH')).toBe(utc({ month: 'long', year: 'numeric' }, Date.UTC(2026, 11, 1)));
  });
});
