import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { DateRangePicker, ErrorState, formatMoney, formatNumber, intervalFor, MetricChart, Spinner, toInstants, useRangeInUrl } from '@sorae/web-shared';
import { MyAnalyticsDocument } from '../api/dashboard';

type Figure = 'commissionMinor' | 'clicks' | 'conversions';

/** The affiliate's earnings, clicks and conversions over a period they pick (kept in the URL). */
export function EarningsChart() {
  const [choice, setChoice] = useRangeInUrl();
  const [figure, setFigure] = useState<Figure>('commissionMinor');
  const interval = intervalFor(choice.range);
  const { data, previousData, error, refetch } = useQuery(MyAnalyticsDocument, {
    variables: { input: { ...toInstants(choice.range), interval } },
    fetchPolicy: 'cache-and-network',
  });
  const analytics = (data ?? previousData)?.me.analytics;
  return (
    <section className="stack stack--tight" aria-label="Your results over time">
      <DateRangePicker value={choice} onChange={setChoice} />
      {analytics ? (
        <MetricChart
          title="Your results over time"
          metrics={[
            { key: 'commissionMinor', label: 'Earnings', format: (n) => formatMoney(Math.round(n), analytics.currency) },
            { key: 'clicks', label: 'Clicks', format: formatNumber },
            { key: 'conversions', label: 'Conversions', format: formatNumber },
          ]}
          selected={figure}
          onSelect={setFigure}
          series={analytics.series.map((b) => ({ start: b.start, clicks: b.clicks, conversions: b.conversions, commissionMinor: b.commissionMinor ?? 0 }))}
          interval={interval}
          testId="earnings-chart"
        />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not load your results" />
      ) : (
        <Spinner />
      )}
    </section>
  );
}
