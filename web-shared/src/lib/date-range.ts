/**
 * Date ranges for analytics: whole UTC days (the server's series buckets are UTC), the presets
 * both dashboards offer, the interval that fits a range, the period a range is compared with,
 * and the query string that makes a view shareable.
 */

export type Interval = 'DAY' | 'WEEK' | 'MONTH';
export type Preset = 'last-7-days' | 'last-30-days' | 'last-90-days' | 'this-month' | 'last-month' | 'custom';

/** Inclusive, as `YYYY-MM-DD` UTC calendar days. */
export interface DateRange {
  from: string;
  to: string;
}

export const PRESETS: readonly { value: Preset; label: string }[] = [
  { value: 'last-7-days', label: 'Last 7 days' },
  { value: 'last-30-days', label: 'Last 30 days' },
  { value: 'last-90-days', label: 'Last 90 days' },
  { value: 'this-month', label: 'This month' },
  { value: 'last-month', label: 'Last month' },
  { value: 'custom', label: 'Custom' },
];

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const parseDay = (day: string) => new Date(`${day}T00:00:00Z`);
const addDays = (day: string, n: number) => dayOf(new Date(parseDay(day).getTime() + n * DAY_MS));

/** The UTC calendar day of an instant. */
export const utcDay = dayOf;

/** Whether `day` is a real calendar day in `YYYY-MM-DD` form (not 2026-02-30). */
export function isDay(day: string | null | undefined): day is string {
  return !!day && DAY_RE.test(day) && dayOf(parseDay(day)) === day;
}

/** Days in a range, both ends counted: a single day is 1. */
export function lengthInDays({ from, to }: DateRange): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS) + 1;
}

/** The days a preset covers on `today` (a UTC day); "last N days" ends with today. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): DateRange {
  const month = today.slice(0, 7);
  switch (preset) {
    case 'last-7-days':
      return { from: addDays(today, -6), to: today };
    case 'last-30-days':
      return { from: addDays(today, -29), to: today };
    case 'last-90-days':
      return { from: addDays(today, -89), to: today };
    case 'this-month':
      return { from: `${month}-01`, to: today };
    case 'last-month': {
      const lastDay = addDays(`${month}-01`, -1);
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay };
    }
  }
}

/**
 * The interval that gives a readable chart: days up to a month (at most 31 points), weeks up to
 * half a year (at most 27), months beyond.
 */
export function intervalFor(range: DateRange): Interval {
  const days = lengthInDays(range);
  if (days <= 31) return 'DAY';
  if (days <= 186) return 'WEEK';
  return 'MONTH';
}

/** The period of the same length that ends the day before `range` starts: what a change compares with. */
export function previousRange(range: DateRange): DateRange {
  const to = addDays(range.from, -1);
  return { from: addDays(to, -(lengthInDays(range) - 1)), to };
}

/** The API's half-open instants for a range of days: from its first midnight to the midnight after its last day. */
export function toInstants({ from, to }: DateRange): { from: string; to: string } {
  return { from: parseDay(from).toISOString(), to: parseDay(addDays(to, 1)).toISOString() };
}

export interface RangeChoice {
  preset: Preset;
  range: DateRange;
}

/**
 * The range a query string names: `range=<preset>` (relative to today, so a shared link shows
 * the recipient's "last 7 days"), or `from` and `to` days for a custom range. Anything missing
 * or malformed falls back to `fallback`; a reversed custom range is put in order.
 */
export function rangeFromSearch(params: URLSearchParams, today: string, fallback: Exclude<Preset, 'custom'> = 'last-30-days'): RangeChoice {
  const preset = params.get('range');
  const from = params.get('from');
  const to = params.get('to');
  if (preset === 'custom' || (!preset && (from || to))) {
    if (isDay(from) && isDay(to)) return { preset: 'custom', range: from <= to ? { from, to } : { from: to, to: from } };
  } else if (PRESETS.some((p) => p.value === preset)) {
    return { preset: preset as Exclude<Preset, 'custom'>, range: presetRange(preset as Exclude<Preset, 'custom'>, today) };
  }
  return { preset: fallback, range: presetRange(fallback, today) };
}

/** Writes a choice into a copy of `params` (other parameters, such as a campaign filter, are kept). */
export function rangeToSearch(params: URLSearchParams, { preset, range }: RangeChoice): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('range');
  next.delete('from');
  next.delete('to');
  if (preset === 'custom') {
    next.set('from', range.from);
    next.set('to', range.to);
  } else {
    next.set('range', preset);
  }
  return next;
}

/**
 * How a figure moved against the previous period, as a fraction (0.25 is +25%); null when the
 * previous period had nothing, where a percentage would mean nothing.
 */
export function changeBetween(current: number | null, previous: number | null): number | null {
  if (current == null || previous == null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** A part of a whole, or null when the whole is zero (no clicks: no conversion rate). */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
