import { useEffect } from 'react';
import { Link } from 'react-router';
import { type Column, DataTable, formatDateTime, formatMoney, PayoutAccountStatusBadge, PayoutItemStatusBadge, useConnectionTable } from '@sorae/web-shared';
import type { PayoutItemRowFragment, PayoutItemStatus } from '../../../gql/graphql';
import { PayoutItemsDocument } from '../api/payouts';

type Row = PayoutItemRowFragment;

interface Props {
  batchId: string;
  /** The status filter; the parent remounts the table when it changes (back to page 1). */
  status: PayoutItemStatus | null;
  /** Changes whenever the batch's progress does: the table fetches its page again. */
  refreshKey: string;
}

/** A batch's items in creation order: who is paid what, and how each transfer went. */
export function PayoutItemsTable({ batchId, status, refreshKey }: Props) {
  const { refetch, table } = useConnectionTable(PayoutItemsDocument, {
    variables: { batchId, status },
    connection: (d) => d.payoutBatch?.items,
    pageSize: 50,
  });
  useEffect(() => {
    void refetch();
  }, [refreshKey, refetch]);

  const columns: Column<Row>[] = [
    {
      id: 'affiliate',
      header: 'Affiliate',
      cell: (i) => (
        <div className="applicant">
          <Link to={`/affiliates/${i.affiliate.id}`} className="table__primary-link" data-testid="payout-item-affiliate">
            {i.affiliate.name}
          </Link>
          <span className="muted">{i.affiliate.email}</span>
        </div>
      ),
      sortValue: (i) => i.affiliate.name,
    },
    { id: 'gross', header: 'Gross', align: 'end', cell: (i) => formatMoney(i.grossMinor, i.currency), sortValue: (i) => i.grossMinor },
    {
      id: 'clawback',
      header: 'Clawback',
      align: 'end',
      cell: (i) => (i.clawbackMinor === 0 ? <span className="muted">—</span> : formatMoney(i.clawbackMinor, i.currency)),
      sortValue: (i) => i.clawbackMinor,
    },
    {
      id: 'net',
      header: 'Net',
      align: 'end',
      cell: (i) => (
        <strong data-testid="payout-item-net" data-amount-minor={i.amountMinor}>
          {formatMoney(i.amountMinor, i.currency)}
        </strong>
      ),
      sortValue: (i) => i.amountMinor,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (i) => (
        <span className="payouts-nowrap">
          <PayoutItemStatusBadge status={i.status} />
        </span>
      ),
      sortValue: (i) => i.status,
    },
    {
      id: 'transfer',
      header: 'Transfer',
      cell: (i) =>
        i.stripeTransferId ? (
          <span>
            <code data-testid="payout-item-transfer">{i.stripeTransferId}</code>
            {i.transferReversed ? <span className="muted"> (reversed)</span> : null}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      id: 'failure',
      header: 'Failure',
      cell: (i) =>
        i.failureCode || i.failureMessage ? (
          <div className="payout-failure" data-testid="payout-item-failure" data-code={i.failureCode ?? ''}>
            {i.failureCode ? <code>{i.failureCode}</code> : null}
            {i.failureMessage ? <span className="muted">{i.failureMessage}</span> : null}
          </div>
        ) : i.status === 'PENDING' && i.lastError ? (
          <span className="muted" title="A transient problem; the item is retried">
            Retrying: {i.lastError}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      id: 'attempts',
      header: 'Attempts',
      align: 'end',
      cell: (i) => <span data-testid="payout-item-attempts">{i.attempts}</span>,
      sortValue: (i) => i.attempts,
    },
    { id: 'postedAt', header: 'Posted', cell: (i) => formatDateTime(i.postedAt), sortValue: (i) => i.postedAt },
    {
      id: 'account',
      header: 'Payout account',
      cell: (i) => (
        <span className="payouts-nowrap">
          <PayoutAccountStatusBadge status={i.affiliate.payoutAccount.status} />
        </span>
      ),
      sortValue: (i) => i.affiliate.payoutAccount.status,
    },
  ];

  return (
    <DataTable
      label="Payout items"
      columns={columns}
      getRowId={(i) => i.id}
      empty={status ? `No ${status.toLowerCase()} items in this batch.` : 'This batch has no items: everyone was carried forward.'}
      {...table}
    />
  );
}
