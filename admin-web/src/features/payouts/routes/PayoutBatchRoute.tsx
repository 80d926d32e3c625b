import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeError, EmptyState, ErrorState, FormError, formatDateTime, formatMoney, PageHeader, SelectField, Spinner, Stats } from '@sorae/web-shared';
import type { PayoutItemStatus } from '../../../gql/graphql';
import { PayoutBatchDocument, PayoutBatchProgressDocument, RetryFailedPayoutItemsDocument } from '../api/payouts';
import { BatchProgress } from '../components/BatchProgress';
import { BatchStatusBadge } from '../components/BatchStatusBadge';
import { DiscardDialog } from '../components/DiscardDialog';
import { ExecuteDialog } from '../components/ExecuteDialog';
import { ExportCsvButton } from '../components/ExportCsvButton';
import { PayoutItemsTable } from '../components/PayoutItemsTable';
import { SkippedTable } from '../components/SkippedTable';
import '../payouts.css';

const POLL_MS = 1_000;

const ITEM_FILTER: { value: PayoutItemStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'POSTED', label: 'Posted' },
  { value: 'FAILED', label: 'Failed' },
];

/**
 * One batch. While it is a DRAFT this is its preview (totals, items, who is carried forward and
 * why) with "Execute"; while it executes, a progress bar polls every second; afterwards, the
 * outcome per item, "Retry failed items" and the CSV export.
 */
export function PayoutBatchRoute() {
  const { batchId = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(PayoutBatchDocument, { variables: { id: batchId }, fetchPolicy: 'cache-and-network' });
  const batch = data?.payoutBatch;
  const executing = batch?.status === 'EXECUTING';

  // Polls only while executing; the answers land on the same cached PayoutBatch, so the header,
  // the bar and the item table follow.
  const live = useQuery(PayoutBatchProgressDocument, { variables: { id: batchId }, skip: !executing, fetchPolicy: 'network-only' });
  const { startPolling, stopPolling } = live;
  useEffect(() => {
    if (!executing) return;
    startPolling(POLL_MS);
    return () => stopPolling();
  }, [executing, startPolling, stopPolling]);

  const [itemStatus, setItemStatus] = useState<PayoutItemStatus | ''>('');
  const [confirming, setConfirming] = useState<'execute' | 'discard' | null>(null);
  const [retry, retryState] = useMutation(RetryFailedPayoutItemsDocument);
  const [retryProblem, setRetryProblem] = useState<string | null>(null);

  if (loading && !batch) return <Spinner />;
  if (error && !batch) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load this payout batch" />;
  if (!batch) {
    return (
      <EmptyState title="Payout batch not found" testId="batch-not-found">
        It may belong to another merchant. <Link to="/payouts">Back to payouts</Link>
      </EmptyState>
    );
  }

  const { pending, posted, failed } = batch.progress;
  const itemCount = pending + posted + failed;
  const skippedMinor = batch.skipped.reduce((t, s) => t + s.amountMinor, 0);
  const draft = batch.status === 'DRAFT';
  const money = (minor: number) => formatMoney(minor, batch.currency);
  const refreshKey = `${batch.status}|${pending}|${posted}|${failed}`;

  const runRetry = async () => {
    setRetryProblem(null);
    try {
      await retry({ variables: { batchId: batch.id } });
    } catch (err) {
      setRetryProblem(describeError(err).message);
    }
  };

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/payouts">Payouts</Link> <span aria-hidden="true">/</span> {batch.campaign.name} · {batch.period}
      </nav>
      <PageHeader
        title={draft ? `Preview: ${batch.campaign.name}, ${batch.period}` : `Payout batch: ${batch.campaign.name}, ${batch.period}`}
        description={
          <>
            <BatchStatusBadge status={batch.status} /> · created {formatDateTime(batch.createdAt)}
            {batch.scheduled ? ' by the monthly schedule' : ''}
            {batch.executedAt ? ` · executed ${formatDateTime(batch.executedAt)}` : ''}
            {batch.completedAt ? ` · completed ${formatDateTime(batch.completedAt)}` : ''}
          </>
        }
        actions={
          <>
            <ExportCsvButton
              batchId={batch.id}
              fileName={`payouts-${batch.period}-${batch.campaign.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${batch.id.slice(-8)}.csv`}
            />
            {failed > 0 && !executing && !draft ? (
              <button type="button" className="btn btn--primary" onClick={() => void runRetry()} disabled={retryState.loading} data-testid="retry-failed">
                {retryState.loading ? 'Retrying…' : `Retry failed items (${failed})`}
              </button>
            ) : null}
            {draft ? (
              <>
                <button type="button" className="btn btn--ghost" onClick={() => setConfirming('discard')} data-testid="discard-batch">
                  Discard…
                </button>
                <button type="button" className="btn btn--primary" onClick={() => setConfirming('execute')} data-testid="execute-batch">
                  Execute…
                </button>
              </>
            ) : null}
          </>
        }
      />
      <div className="stack">
        {draft ? (
          <div className="banner banner--info" role="status" data-testid="batch-preview">
            Preview: nothing has been sent. Executing sends {itemCount} transfer{itemCount === 1 ? '' : 's'} totalling {money(batch.totalMinor)}
            {batch.skipped.length ? `; ${batch.skipped.length} affiliate${batch.skipped.length === 1 ? ' is' : 's are'} carried forward (below)` : ''}. Until
            then its commissions are reserved for this batch; discard the preview to release them.
          </div>
        ) : null}
        <FormError message={retryProblem} />
        <Stats
          label="Batch totals"
          items={[
            { label: 'To pay (net)', value: money(batch.totalMinor), testId: 'batch-stat-total' },
            { label: 'Items', value: itemCount, testId: 'batch-stat-items' },
            ...(draft
              ? []
              : [
                  { label: 'Posted', value: posted, testId: 'batch-stat-posted' },
                  { label: 'Failed', value: failed, testId: 'batch-stat-failed' },
                ]),
            { label: 'Carried forward', value: `${batch.skipped.length} · ${money(skippedMinor)}`, testId: 'batch-stat-skipped' },
          ]}
        />
        {draft ? null : <BatchProgress status={batch.status} progress={batch.progress} />}
        <section className="stack stack--tight" aria-labelledby="items-heading">
          <div className="payout-items__header">
            <h2 id="items-heading">Items</h2>
            <SelectField
              className="payout-items__filter"
              label="Status"
              value={itemStatus}
              onValueChange={(v) => setItemStatus(v as PayoutItemStatus | '')}
              options={ITEM_FILTER}
              data-testid="item-status-filter"
            />
          </div>
          <PayoutItemsTable key={itemStatus} batchId={batch.id} status={itemStatus || null} refreshKey={refreshKey} />
        </section>
        <section className="stack stack--tight" aria-labelledby="skipped-heading">
          <h2 id="skipped-heading">Carried forward</h2>
          <SkippedTable skipped={batch.skipped} />
        </section>
      </div>
      {confirming === 'execute' ? <ExecuteDialog batch={batch} itemCount={itemCount} onClose={() => setConfirming(null)} /> : null}
      {confirming === 'discard' ? <DiscardDialog batch={batch} onClose={() => setConfirming(null)} /> : null}
    </>
  );
}
