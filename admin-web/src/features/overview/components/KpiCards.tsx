import { changeBetween, formatMoney, formatNumber, ratio, Stats } from '@sorae/web-shared';

export interface Totals {
  clicks: number;
  conversions: number;
  revenueMinor?: number | null;
  commissionMinor?: number | null;
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** "+25% vs previous 7 days", or "No earlier figures" when the previous period had none. */
function Change({ current, previous, days }: { current: number | null; previous: number | null; days: number }) {
  const change = changeBetween(current, previous);
  const period = `the previous ${days === 1 ? 'day' : `${days} days`}`;
  if (change == null) return <span className="muted">{previous === 0 && current ? `Up from none in ${period}` : `Nothing to compare in ${period}`}</span>;
  const tone = change > 0 ? 'change--up' : change < 0 ? 'change--down' : '';
  return (
    <span className={tone}>
      {signedPercent.format(change)} vs {period}
    </span>
  );
}

/**
 * The period's key figures, each with its change against the period of the same length before
 * it. Conversion rate is conversions per click; earnings per click is commission per click.
 */
export function KpiCards({ current, previous, currency, money, days }: { current: Totals; previous: Totals; currency: string; money: boolean; days: number }) {
  const rate = (t: Totals) => ratio(t.conversions, t.clicks);
  const epc = (t: Totals) => (t.commissionMinor == null ? null : ratio(t.commissionMinor, t.clicks));
  const card = (label: string, testId: string, pick: (t: Totals) => number | null, show: (n: number) => string) => {
    const value = pick(current);
    return {
      label,
      testId,
      value: value == null ? '—' : show(value),
      hint: <Change current={value} previous={pick(previous)} days={days} />,
    };
  };
  const amount = (n: number) => formatMoney(n, currency);
  return (
    <Stats
      label="Key figures"
      items={[
        card('Clicks', 'kpi-clicks', (t) => t.clicks, formatNumber),
        card('Conversions', 'kpi-conversions', (t) => t.conversions, formatNumber),
        ...(money
          ? [card('Revenue', 'kpi-revenue', (t) => t.revenueMinor ?? 0, amount), card('Commission', 'kpi-commission', (t) => t.commissionMinor ?? 0, amount)]
          : []),
        card('Conversion rate', 'kpi-conversion-rate', rate, (n) => percent.format(n)),
        ...(money ? [card('Earnings per click', 'kpi-epc', epc, amount)] : []),
      ]}
    />
  );
}
