import type { Interval } from './date-range';

export interface SeriesPoint {
  /** The bucket's first instant (ISO 8601, UTC). */
  start: string;
  value: number;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A bucket's name as the table and the summary read it: "Nov 3, 2026", "Week of Nov 2, 2026", "November 2026". */
export function bucketLabel(start: string, interval: Interval): string {
  const d = new Date(start);
  if (interval === 'MONTH') return monthLabel.format(d);
  return interval === 'WEEK' ? `Week of ${dayLabel.format(d)}` : dayLabel.format(d);
}

const PER: Record<Interval, string> = { DAY: 'per day', WEEK: 'per week', MONTH: 'per month' };

/**
 * What a chart shows, in one sentence for a screen reader (its accessible description): the
 * total, and the highest and lowest buckets with their dates.
 */
export function describeSeries(metric: string, points: readonly SeriesPoint[], interval: Interval, format: (n: number) => string): string {
  if (points.length === 0) return `${metric} ${PER[interval]}: no data in this period.`;
  const total = points.reduce((sum, p) => sum + p.value, 0);
  let high = points[0]!;
  let low = points[0]!;
  for (const p of points) {
    if (p.value > high.value) high = p;
    if (p.value < low.value) low = p;
  }
  const span = `${bucketLabel(points[0]!.start, interval)} to ${bucketLabel(points[points.length - 1]!.start, interval)}`;
  if (high.value === low.value) return `${metric} ${PER[interval]}, ${span}: total ${format(total)}, ${format(high.value)} in each.`;
  return (
    `${metric} ${PER[interval]}, ${span}: total ${format(total)}; ` +
    `highest ${format(high.value)} (${bucketLabel(high.start, interval)}), lowest ${format(low.value)} (${bucketLabel(low.start, interval)}).`
  );
}
