import type { ReactNode } from 'react';
import { formatNumber } from '../lib/format';

export interface Stat {
  label: string;
  value: ReactNode;
  /** The figure's data-testid. */
  testId: string;
  hint?: ReactNode;
}

/** A row of key figures (clicks, conversions, commission totals). */
export function Stats({ items, label }: { items: readonly Stat[]; label: string }) {
  return (
    <dl className="stats" aria-label={label}>
      {items.map((s) => (
        <div className="stats__item" key={s.testId}>
          <dt className="stats__label">{s.label}</dt>
          <dd className="stats__value" data-testid={s.testId}>
            {typeof s.value === 'number' ? formatNumber(s.value) : s.value}
          </dd>
          {s.hint ? <dd className="stats__hint">{s.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
