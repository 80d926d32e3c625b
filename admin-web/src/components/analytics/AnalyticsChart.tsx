import { useState } from 'react';
import { type ChartMetric, formatMoney, formatNumber, type Interval, MetricChart } from '@sorae/web-shared';

type Figure = 'clicks' | 'conversions' | 'revenueMinor' | 'commissionMinor';
type SeriesRow = { start: string; clicks: number; conversions: number; revenueMinor?: number | null; commissionMinor?: number | null };

/**
 * Clicks, conversions, revenue or commission over time, one at a time. Money figures are
 * offered only to operators who see money.
 */
export function AnalyticsChart({
  series,
  interval,
  currency,
  money,
  title = 'Over time',
  testId = 'analytics-chart',
}: {
  series: readonly SeriesRow[];
  interval: Interval;
  currency: string;
  money: boolean;
  title?: string;
  testId?: string;
}) {
  const [figure, setFigure] = useState<Figure>('clicks');
  const amount = (n: number) => formatMoney(Math.round(n), currency);
  const metrics: (ChartMetric & { key: Figure })[] = [
    { key: 'clicks', label: 'Clicks', format: formatNumber },
    { key: 'conversions', label: 'Conversions', format: formatNumber },
    ...(money
      ? [
          { key: 'revenueMinor' as const, label: 'Revenue', format: amount },
          { key: 'commissionMinor' as const, label: 'Commission', format: amount },
        ]
      : []),
  ];
  const rows = series.map((s) => ({
    start: s.start,
    clicks: s.clicks,
    conversions: s.conversions,
    revenueMinor: s.revenueMinor ?? 0,
    commissionMinor: s.commissionMinor ?? 0,
  }));
  return <MetricChart title={title} metrics={metrics} selected={figure} onSelect={setFigure} series={rows} interval={interval} testId={testId} />;
}
