import { useQuery } from '@apollo/client/react';
import { useSearchParams } from 'react-router';
import { DateRangePicker, ErrorState, lengthInDays, PageHeader, SelectField, Spinner, useRangeInUrl } from '@sorae/web-shared';
import { AnalyticsChart, useAnalytics } from '../../../components/analytics';
import { useSeesMoney } from '../../../lib/session';
import { OverviewDocument } from '../api/overview';
import { KpiCards } from '../components/KpiCards';
import { NextPayout } from '../components/NextPayout';
import { PendingApplications } from '../components/PendingApplications';
import { TopAffiliates } from '../components/TopAffiliates';

const TOP = 5;

/**
 * The landing page after sign-in: the period's key figures against the period before, the chart,
 * the best affiliates, applications waiting and the next payout. The range and the campaign are
 * in the query string (`?range=last-7-days&campaign=<id>`), so the view can be shared.
 */
export function OverviewRoute() {
  const [params, setParams] = useSearchParams();
  const [choice, setChoice] = useRangeInUrl();
  const campaignId = params.get('campaign') ?? '';
  const overview = useQuery(OverviewDocument, { variables: { money: useSeesMoney() }, fetchPolicy: 'cache-and-network' });
  const campaigns = overview.data?.campaigns.edges.map((e) => e.node) ?? [];
  const campaign = campaigns.find((c) => c.id === campaignId);
  const { analytics, interval, money, error, refetch } = useAnalytics(choice, { campaignId: campaign?.id, currency: campaign?.currency }, TOP);

  const setCampaign = (id: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (id) next.set('campaign', id);
        else next.delete('campaign');
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader title="Overview" description="How the program is doing, what waits for review and what is paid next." />
      <div className="stack">
        <div className="range-picker" data-testid="overview-filters">
          <DateRangePicker value={choice} onChange={setChoice} />
          <SelectField
            label="Campaign"
            value={campaign?.id ?? ''}
            options={[{ value: '', label: 'All campaigns' }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))]}
            onValueChange={setCampaign}
            data-testid="overview-campaign"
          />
        </div>
        {analytics ? (
          <>
            <KpiCards
              current={analytics.current.totals}
              previous={analytics.previous.totals}
              currency={analytics.current.currency}
              money={money}
              days={lengthInDays(choice.range)}
            />
            {money ? <p className="muted">Amounts in {analytics.current.currency}.</p> : null}
            <AnalyticsChart series={analytics.current.series} interval={interval} currency={analytics.current.currency} money={money} />
            <TopAffiliates rows={analytics.current.topAffiliates} currency={analytics.current.currency} money={money} />
          </>
        ) : error ? (
          <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the figures" />
        ) : (
          <Spinner />
        )}
        {overview.data ? (
          <div className="grid grid--2">
            <PendingApplications count={overview.data.applicationCounts.submitted} newest={overview.data.applications.edges.map((e) => e.node)} />
            {money ? <NextPayout campaigns={campaigns} batches={overview.data.payoutBatches?.edges.map((e) => e.node) ?? []} /> : null}
          </div>
        ) : overview.error ? (
          <ErrorState error={overview.error} onRetry={() => void overview.refetch()} title="Could not load applications and payouts" />
        ) : null}
      </div>
    </>
  );
}
