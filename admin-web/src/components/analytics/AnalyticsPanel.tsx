import { DateRangePicker, ErrorState, Spinner, useRangeInUrl } from '@sorae/web-shared';
import { AnalyticsChart } from './AnalyticsChart';
import { type AnalyticsFilter, useAnalytics } from './useAnalytics';

/** The overview's chart narrowed to one campaign or one affiliate, with its own range (in the URL). */
export function AnalyticsPanel({ filter, title }: { filter: AnalyticsFilter; title: string }) {
  const [choice, setChoice] = useRangeInUrl();
  const { analytics, interval, money, error, loading, refetch } = useAnalytics(choice, filter);
  return (
    <section className="stack stack--tight" aria-label={title}>
      <DateRangePicker value={choice} onChange={setChoice} />
      {analytics ? (
        <AnalyticsChart title={title} series={analytics.current.series} interval={interval} currency={analytics.current.currency} money={money} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the figures" />
      ) : loading ? (
        <Spinner />
      ) : null}
    </section>
  );
}
