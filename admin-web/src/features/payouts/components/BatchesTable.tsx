import { Link } from 'react-router';
import { type Column, DataTable, formatDateTime, formatMoney, useConnectionTable } from '@sorae/web-shared';
import type { PayoutBatchesQuery } from '../../../gql/graphql';
import { PayoutBatchesDocument } from '../api/payouts';
import { BatchStatusBadge } from './BatchStatusBadge';

type Row = PayoutBatchesQuery['payoutBatches']['edges'][number]['node'];

/** Every payout batch, newest first. */
export function BatchesTable() {
  const { table } = useConnectionTable(PayoutBatchesDocument, { connection: (d) => d.payoutBatches, fetchPolicy: 'cache-and-network' });

  const columns: Column<Row>[] = [
    {
      id: 'period',
      header: 'Period',
      cell: (b) => (
        <Link to={`/payouts/${b.id}`} className="table__primary-link" data-testid="batch-link">
          {b.period}
        </Link>
      ),
      sortValue: (b) => b.period,
    },
    { id: 'campaign', header: 'Campaign', cell: (b) => b.campaign.name, sortValue: (b) => b.campaign.name },
    { id: 'status', header: 'Status', cell: (b) => <BatchStatusBadge status={b.status} />, sortValue: (b) => b.status },
    {
      id: 'items',
      header: 'Items',
      align: 'end',
      cell: (b) => {
        const { pending, posted, failed } = b.progress;
        return (
          <span title={`${posted} posted · ${failed} failed · ${pending} pending`}>
            {pending + posted + failed}
            {failed ? <span className="muted"> ({failed} failed)</span> : null}
          </span>
        );
      },
    },
    {
      id: 'total',
      header: 'Total',
      align: 'end',
      cell: (b) => <span data-testid="batch-total">{formatMoney(b.totalMinor, b.currency)}</span>,
      sortValue: (b) => b.totalMinor,
    },
    {
      id: 'created',
      header: 'Created',
      cell: (b) => (
        <>
          {formatDateTime(b.createdAt)}
          {b.scheduled ? <span className="muted"> · scheduled</span> : null}
        </>
      ),
      sortValue: (b) => b.createdAt,
    },
  ];

  return (
    <DataTable
      label="Payout batches"
      columns={columns}
      getRowId={(b) => b.id}
      empty="No payout batches yet. Batches are created monthly on each campaign's payout day, or now with “New batch”."
      {...table}
    />
  );
}
