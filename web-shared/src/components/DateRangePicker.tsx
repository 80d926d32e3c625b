import { useSearchParams } from 'react-router';
import { isDay, PRESETS, presetRange, type Preset, type RangeChoice, rangeFromSearch, rangeToSearch, utcDay } from '../lib/date-range';
import { SelectField, TextField } from './forms';

/**
 * The date range a dashboard shows, kept in the URL's query string (`range=last-7-days`, or
 * `from`/`to` for custom days) so a view can be shared and survives a reload. Days are UTC.
 */
export function useRangeInUrl(fallback: Exclude<Preset, 'custom'> = 'last-30-days'): [RangeChoice, (choice: RangeChoice) => void] {
  const [params, setParams] = useSearchParams();
  const choice = rangeFromSearch(params, utcDay(new Date()), fallback);
  return [choice, (next) => setParams((p) => rangeToSearch(p, next), { replace: true })];
}

/** A preset list and, for "Custom", two day inputs; days are UTC calendar days. */
export function DateRangePicker({ value, onChange, testId = 'range' }: { value: RangeChoice; onChange: (choice: RangeChoice) => void; testId?: string }) {
  const today = utcDay(new Date());
  const pick = (preset: string) => {
    const p = preset as Preset;
    onChange(p === 'custom' ? { preset: p, range: value.range } : { preset: p, range: presetRange(p, today) });
  };
  const setDay = (end: 'from' | 'to', day: string) => {
    if (!isDay(day)) return;
    const range = { ...value.range, [end]: day };
    onChange({ preset: 'custom', range: range.from <= range.to ? range : { from: range.to, to: range.from } });
  };
  return (
    <div className="range-picker" data-testid={testId}>
      <SelectField label="Period" options={PRESETS} value={value.preset} onValueChange={pick} data-testid={`${testId}-preset`} />
      {value.preset === 'custom' ? (
        <>
          <TextField label="From" type="date" value={value.range.from} max={today} onValueChange={(d) => setDay('from', d)} data-testid={`${testId}-from`} />
          <TextField label="To" type="date" value={value.range.to} max={today} onValueChange={(d) => setDay('to', d)} data-testid={`${testId}-to`} />
        </>
      ) : null}
    </div>
  );
}
