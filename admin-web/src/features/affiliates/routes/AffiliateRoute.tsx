import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { amountsOf, CurrencyAmounts, EmptyState, ErrorState, formatDate, PageHeader, Spinner, Stats } from '@sorae/web-shared';
import { AffiliateDocument } from '../api/affiliates';
import { AffiliateClicks, AffiliateCommissions, AffiliateConversions } from '../components/AffiliateActivity';
import { AffiliateEnrollments } from '../components/AffiliateEnrollments';
import { PayoutReadiness } from '../components/PayoutReadiness';
import { AnalyticsPanel } from '../../../components/analytics';
import { useSeesMoney, useSession } from '../../../lib/session';

export function AffiliateRoute() {
  const { affiliateId = '' } = useParams();
  const { role } = useSession();
  const money = useSeesMoney();
  const { data, loading, error, refetch } = useQuery(AffiliateDocument, { variables: { id: affiliateId, money } });
  const campaigns = useMemo(() => data?.campaigns.edges.map((e) => e.node) ?? [], [data]);
  const names = useMemo(() => new Map(campaigns.map((c) => [c.id, c.name])), [campaigns]);

  if (loading && !data) return <Spinner />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load this affiliate" />;
  const affiliate = data?.affiliate;
  if (!affiliate) {
    return (
      <EmptyState title="Affiliate not found" testId="affiliate-not-found">
        It may belong to another merchant. <Link to="/affiliates">Back to affiliates</Link>
      </EmptyState>
    );
  }
  const amounts = (field: 'pendingMinor' | 'finalizedMinor' | 'paidMinor', testId: string) => (
    <CurrencyAmounts amounts={amountsOf(affiliate.stats.byCurrency ?? [], field)} testId={testId} />
  );

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/affiliates">Affiliates</Link> <span aria-hidden="true">/</span> {affiliate.name}
      </nav>
      <PageHeader
        title={affiliate.name}
        description={
          <>
            {affiliate.email} · joined {formatDate(affiliate.createdAt)}
            {affiliate.payoutAccount && (
              <>
                {' · '}
                <PayoutReadiness status={affiliate.payoutAccount.status} />
              </>
            )}
          </>
        }
      />
      <div className="stack">
        <Stats
          label="Performance"
          items={[
            { label: 'Clicks', value: affiliate.stats.clicks, testId: 'stat-clicks' },
            { label: 'Conversions', value: affiliate.stats.conversions, testId: 'stat-conversions' },
            ...(money
              ? [
                  { label: 'Pending', value: amounts('pendingMinor', 'stat-pending'), testId: 'stat-pending' },
                  { label: 'Finalized', value: amounts('finalizedMinor', 'stat-finalized'), testId: 'stat-finalized' },
                  { label: 'Paid', value: amounts('paidMinor', 'stat-paid'), testId: 'stat-paid' },
                ]
              : []),
          ]}
        />
        <AnalyticsPanel filter={{ affiliateId: affiliate.id }} title={`${affiliate.name} over time`} />
        <section className="stack stack--tight" aria-labelledby="enrollments-heading">
          <h2 id="enrollments-heading">Campaigns and links</h2>
          <p className="muted">A suspended link stops redirecting at once and its clicks no longer win attribution.</p>
          <AffiliateEnrollments enrollments={affiliate.enrollments} role={role} />
        </section>
        <section className="stack stack--tight" aria-labelledby="clicks-heading">
          <h2 id="clicks-heading">Clicks</h2>
          <AffiliateClicks affiliateId={affiliate.id} campaignName={(id) => names.get(id) ?? 'Unknown campaign'} />
        </section>
        <section className="stack stack--tight" aria-labelledby="conversions-heading">
          <h2 id="conversions-heading">Conversions</h2>
          <AffiliateConversions affiliateId={affiliate.id} money={money} />
        </section>
        <section className="stack stack--tight" aria-labelledby="commissions-heading">
          <h2 id="commissions-heading">Commissions</h2>
          <AffiliateCommissions affiliateId={affiliate.id} />
        </section>
      </div>
    </>
  );
}
