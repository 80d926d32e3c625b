import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { EmptyState, ErrorState, formatDateTime, PageHeader, Spinner } from '@sorae/web-shared';
import { AnalyticsPanel } from '../../../components/analytics';
import { CampaignDocument, UpdateCampaignDocument } from '../api/campaigns';
import { draftFromCampaign } from '../components/campaign-draft';
import { CampaignForm } from '../components/CampaignForm';
import { StatusBadge } from '../components/StatusBadge';

export function CampaignRoute() {
  const { campaignId = '' } = useParams();
  const location = useLocation();
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  const { data, loading, error, refetch } = useQuery(CampaignDocument, { variables: { id: campaignId } });
  const [update] = useMutation(UpdateCampaignDocument, {
    update: (cache) => {
      cache.evict({ fieldName: 'campaigns' });
      cache.gc();
    },
  });

  const breadcrumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to="/campaigns">Campaigns</Link> <span aria-hidden="true">/</span> {data?.campaign?.name ?? '…'}
    </nav>
  );

  if (loading && !data) return <Spinner />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load this campaign" />;
  const campaign = data?.campaign;
  if (!campaign) {
    return (
      <EmptyState title="Campaign not found" testId="campaign-not-found">
        It may have been removed, or it belongs to another merchant. <Link to="/campaigns">Back to campaigns</Link>
      </EmptyState>
    );
  }

  return (
    <>
      {breadcrumbs}
      <PageHeader
        title={campaign.name}
        description={
          <>
            <StatusBadge status={campaign.status} /> <span className="muted">Updated {formatDateTime(campaign.updatedAt)}</span>
          </>
        }
      />
      {notice ? (
        <div className="banner banner--success" role="status" data-testid="campaign-notice">
          <p>{notice}</p>
          <button type="button" className="btn btn--ghost" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ) : null}
      <section className="card link-card" aria-labelledby="application-url-heading">
        <h2 id="application-url-heading">Application page</h2>
        <p className="muted">Share this address with people who want to join. It shows the questions below.</p>
        <a href={campaign.applicationUrl} target="_blank" rel="noreferrer" data-testid="application-url" className="link-card__url">
          {campaign.applicationUrl}
        </a>
      </section>
      <AnalyticsPanel filter={{ campaignId: campaign.id, currency: campaign.currency }} title={`${campaign.name} over time`} />
      {/* Keyed by the saved version so a save (or a refetch) resets the form to what the server holds. */}
      <CampaignForm
        key={`${campaign.id}:${campaign.updatedAt}`}
        mode="edit"
        initial={draftFromCampaign(campaign)}
        submitLabel="Save changes"
        onSubmit={async (input) => {
          setNotice(null);
          await update({ variables: { id: campaign.id, input } });
          setNotice('Changes saved.');
        }}
      />
    </>
  );
}
