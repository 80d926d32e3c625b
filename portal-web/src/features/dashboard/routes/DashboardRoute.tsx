import { useQuery } from '@apollo/client/react';
import { amountsOf, CurrencyAmounts, ErrorState, PageHeader, Spinner, Stats } from '@sorae/web-shared';
import type { DashboardQuery } from '../../../gql/graphql';
import { DashboardDocument } from '../api/dashboard';
import { EarningsChart } from '../components/EarningsChart';
import { MyCommissions } from '../components/MyCommissions';
import { PayoutOutlook } from '../components/PayoutOutlook';
import { ShareLinks } from '../components/ShareLinks';

/** The portal's home: share links, traffic and what the affiliate has earned. */
export function DashboardRoute() {
  const { data, previousData, loading, error, refetch } = useQuery(DashboardDocument, { fetchPolicy: 'cache-and-network' });
  const me = (data ?? previousData)?.me;
  if (!me) {
    if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load your dashboard" />;
    return loading ? <Spinner /> : null;
  }
  const money = (field: 'pendingMinor' | 'finalizedMinor' | 'paidMinor', testId: string) => (
    <CurrencyAmounts amounts={amountsOf(me.stats.byCurrency, field)} testId={testId} />
  );
  return (
    <>
      <PageHeader title="Dashboard" description={<span data-testid="dashboard-greeting">{greeting(me)}</span>} />
      <div className="stack">
        <PayoutOutlook me={me} />
        <section className="card" aria-labelledby="links-heading">
          <h2 id="links-heading">Your share links</h2>
          <ShareLinks enrollments={me.enrollments} />
        </section>
        <Stats
          label="Your totals"
          items={[
            { label: 'Clicks', value: me.stats.clicks, testId: 'stat-clicks' },
            { label: 'Conversions', value: me.stats.conversions, testId: 'stat-conversions' },
            { label: 'Pending', value: money('pendingMinor', 'stat-pending'), testId: 'stat-pending', hint: 'Can still change with refunds' },
            { label: 'Finalized', value: money('finalizedMinor', 'stat-finalized'), testId: 'stat-finalized', hint: 'Locked, to be paid' },
            { label: 'Paid', value: money('paidMinor', 'stat-paid'), testId: 'stat-paid' },
          ]}
        />
        {me.enrollments.length > 0 ? <EarningsChart /> : null}
        <section className="stack stack--tight" aria-labelledby="commissions-heading">
          <h2 id="commissions-heading">Commissions</h2>
          <MyCommissions />
        </section>
      </div>
    </>
  );
}

/** Words that fit where the affiliate stands: in a program, waiting for review, or turned down. */
function greeting({ affiliate: { name }, enrollments, applications }: DashboardQuery['me']): string {
  if (enrollments.length > 0) return `Welcome back, ${name}. Share your links; orders they bring earn you commission.`;
  const waiting = applications.find((a) => a.status === 'SUBMITTED');
  if (waiting) return `Welcome, ${name}. Your application to ${waiting.campaign.name} is under review; your share link appears here once you are approved.`;
  const rejected = applications.find((a) => a.status === 'REJECTED');
  if (rejected)
    return `Hello ${name}. Your application to ${rejected.campaign.name} was not accepted this time; My applications shows the details. You can still apply to other programs.`;
  return `Welcome, ${name}. Apply to a program through the link a merchant gave you.`;
}
