import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { SelectField, TextField, useDebouncedValue } from '@sorae/web-shared';
import type { ApplicationOrder, ApplicationStatus } from '../../../gql/graphql';
import { ExportCsvLink } from '../../../lib/ExportCsvLink';
import { ApplicationCountsDocument, CampaignChoicesDocument, ReviewerRoleDocument } from '../api/applications';
import { ApplicationDrawer } from './ApplicationDrawer';
import { ApplicationsTable } from './ApplicationsTable';
import type { ReviewOutcome, ReviewRequest } from './review';
import { ReviewDialog } from './ReviewDialog';
import { ReviewSummary } from './ReviewSummary';
import { StatusTabs } from './StatusTabs';

const ORDERS = [
  { value: 'SUBMITTED_AT_DESC', label: 'Newest first' },
  { value: 'SUBMITTED_AT_ASC', label: 'Oldest first' },
] as const;

/**
 * The application queue: status tabs with counts, campaign and search filters, the table, the
 * detail drawer, and review (one, a selection, or every match) with a confirmation and a summary.
 */
export function ApplicationsQueue() {
  const panelId = useId();
  const [status, setStatus] = useState<ApplicationStatus>('SUBMITTED');
  const [campaignId, setCampaignId] = useState('');
  const [searchText, setSearchText] = useState('');
  const search = useDebouncedValue(searchText.trim(), 300);
  const [order, setOrder] = useState<ApplicationOrder>('SUBMITTED_AT_DESC');
  const [openId, setOpenId] = useState<string | null>(null);
  const [pending, setPending] = useState<ReviewRequest | null>(null);
  const [summary, setSummary] = useState<{ outcome: ReviewOutcome; names: ReadonlyMap<string, string> } | null>(null);

  // FINANCE may look but not review (the server answers FORBIDDEN): no review buttons for it.
  const role = useQuery(ReviewerRoleDocument).data?.currentUser?.role;
  const canReview = role === 'OWNER' || role === 'REVIEWER';

  const campaigns = useQuery(CampaignChoicesDocument);
  const base = { campaignId: campaignId || null, search: search || null };
  const counts = useQuery(ApplicationCountsDocument, { variables: { filter: base } });
  const filter = { ...base, status };

  const reviewed = (outcome: ReviewOutcome) => {
    if (!pending) return;
    setSummary({ outcome, names: pending.names });
    pending.onDone?.();
    setPending(null);
  };

  return (
    <div className="stack">
      {summary ? <ReviewSummary outcome={summary.outcome} names={summary.names} onDismiss={() => setSummary(null)} /> : null}

      <div className="queue-controls">
        <StatusTabs value={status} onChange={setStatus} counts={(counts.data ?? counts.previousData)?.applicationCounts} panelId={panelId} />
        <div className="filters">
          <SelectField
            label="Campaign"
            value={campaignId}
            onValueChange={setCampaignId}
            options={[{ value: '', label: 'All campaigns' }, ...(campaigns.data?.campaigns.edges.map((e) => ({ value: e.node.id, label: e.node.name })) ?? [])]}
            data-testid="filter-campaign"
          />
          <TextField
            label="Search"
            type="search"
            placeholder="Name, email or any answer"
            value={searchText}
            onValueChange={setSearchText}
            data-testid="filter-search"
          />
          <SelectField label="Sort" value={order} onValueChange={(v) => setOrder(v as ApplicationOrder)} options={ORDERS} data-testid="filter-order" />
        </div>
        <div className="queue-export">
          <ExportCsvLink list="applications" filter={filter} />
        </div>
      </div>

      <div role="tabpanel" id={panelId}>
        <ApplicationsTable
          // A new filter or order starts again at page one with nothing selected.
          key={JSON.stringify([filter, order])}
          filter={filter}
          order={order}
          onOrderChange={setOrder}
          canReview={canReview}
          onOpen={setOpenId}
          onReview={setPending}
        />
      </div>

      {openId ? <ApplicationDrawer id={openId} onClose={() => setOpenId(null)} canReview={canReview} onReview={setPending} /> : null}
      {pending ? <ReviewDialog request={pending} onCancel={() => setPending(null)} onReviewed={reviewed} /> : null}
    </div>
  );
}
