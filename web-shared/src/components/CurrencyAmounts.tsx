import { formatMoney } from '../lib/format';

export interface CurrencyAmount {
  currency: string;
  amountMinor: number;
}

/** One field of per-currency sums (an affiliate's `stats.byCurrency`) as amounts to show. */
export function amountsOf<K extends string>(sums: readonly ({ currency: string } & Record<K, number>)[], field: K): CurrencyAmount[] {
  return sums.map((s) => ({ currency: s.currency, amountMinor: s[field] }));
}

/**
 * Money in several currencies, one line per currency: amounts in different currencies are
 * never added together. Each line's data-testid is `<testId>-<currency>`.
 */
export function CurrencyAmounts({ amounts, testId }: { amounts: readonly CurrencyAmount[]; testId: string }) {
  if (!amounts.length) return <span className="muted">—</span>;
  return (
    <span className="currency-amounts">
      {amounts.map((a) => (
        <span key={a.currency} data-testid={`${testId}-${a.currency}`}>
          {formatMoney(a.amountMinor, a.currency)}
        </span>
      ))}
    </span>
  );
}
