import { Link } from 'react-router';
import { type Column, DataTable, formatMoney, PayoutAccountStatusBadge } from '@sorae/web-shared';
import type { PayoutBatchQuery } from '../../../gql/graphql';

type Row = NonNullable<PayoutBatchQuery['payoutBatch']>['skipped'][number];

/** Affiliates the batch carried forward, with the reason: their commissions wait for a later batch. */
export function SkippedTable({ skipped }: { skipped: readonly Row[] }) {
  const columns: Column<Row>[] = [
    {
      id: 'affiliate',
      header: 'Affiliate',
      cell: (s) => (
        <div className="applicant">
          <Link to={`/affiliates/${s.affiliate.id}`} className="table__primary-link">
            {s.affiliate.name}
          </Link>
          <span className="muted">{s.affiliate.email}</span>
        </div>
      ),
      sortValue: (s) => s.affiliate.name,
    },
    { id: 'amount', header: 'Net owed', align: 'end', cell: (s) => formatMoney(s.amountMinor, s.currency), sortValue: (s) => s.amountMinor },
    {
      id: 'reason',
      header: 'Why it waits',
      cell: (s) => (
        <span data-testid="skipped-reason" data-reason={s.reason}>
          {s.message}
        </span>
      ),
      sortValue: (s) => s.reason,
    },
    {
      id: 'account',
      header: 'Payout account',
      cell: (s) => (
        <span className="payouts-nowrap">
          <PayoutAccountStatusBadge status={s.affiliate.payoutAccount.status} />
        </span>
      ),
    },
  ];
  return (
    <DataTable
      label="Carried forward"
      testId="payout-skipped"
      columns={columns}
      rows={skipped}
      getRowId={(s) => `${s.affiliate.id}|${s.currency}`}
      empty="Nobody was carried forward: every affiliate with finalized commissions is in this batch."
    />
  );
}
