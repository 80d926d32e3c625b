import { useState } from 'react';
import {
  AttributionExplanation,
  type Column,
  CommissionStatusBadge,
  DataTable,
  formatDateTime,
  formatMoney,
  CommissionOrder,
  type TouchView,
  useConnectionTable,
} from '@sorae/web-shared';
import type { AdjustmentKind, MyCommissionsQuery } from '../../../gql/graphql';
import { MyCommissionsDocument } from '../api/dashboard';

type Row = MyCommissionsQuery['me']['commissions']['edges'][number]['node'];

/** What lowered a commission; a new kind fails the type check until it has words here. */
const ADJUSTMENT_KINDS: Record<AdjustmentKind, string> = { REFUND: 'Lowered after a refund of the order' };

const STATUS_HELP: Record<Row['status'], string> = {
  PENDING: 'Pending: a refund can still change it until the hold period ends',
  FINALIZED: 'Finalized: locked, and paid in the next payout',
  REVERSED: 'Reversed: the order was refunded',
  PAID: 'Paid',
};

/** The affiliate's commissions, newest first, each with why the order was theirs. */
export function MyCommissions() {
  const { data, table } = useConnectionTable(MyCommissionsDocument, { connection: (d) => d.me.commissions, fetchPolicy: 'cache-and-network' });
  const [open, setOpen] = useState<string | null>(null);
  const name = (t: TouchView) => (t.channel !== 'AFFILIATE' ? undefined : t.affiliateId === data?.me.affiliate.id ? 'your link' : "another affiliate's link");

  const columns: Column<Row>[] = [
    { id: 'createdAt', header: 'Earned', cell: (c) => formatDateTime(c.createdAt), sortValue: (c) => c.createdAt },
    { id: 'campaign', header: 'Program', cell: (c) => c.campaign.name, sortValue: (c) => c.campaign.name },
    { id: 'order', header: 'Order', cell: (c) => <CommissionOrder commission={c} monthTestId="my-commission-month" /> },
    {
      id: 'amount',
      header: 'Commission',
      align: 'end',
      cell: (c) => (
        <span data-testid="my-commission-amount">
          {c.amountMinor !== c.originalAmountMinor ? <s className="muted">{formatMoney(c.originalAmountMinor, c.currency)}</s> : null}{' '}
          {formatMoney(c.amountMinor, c.currency)}
        </span>
      ),
      sortValue: (c) => c.amountMinor,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => (
        <span title={STATUS_HELP[c.status]}>
          <CommissionStatusBadge status={c.status} />
        </span>
      ),
      sortValue: (c) => c.status,
    },
    { id: 'paidAt', header: 'Paid', cell: (c) => formatDateTime(c.paidAt), sortValue: (c) => c.paidAt },
    {
      id: 'why',
      header: '',
      align: 'end',
      cell: (c) => (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          aria-expanded={open === c.id}
          onClick={() => setOpen(open === c.id ? null : c.id)}
          data-testid="my-commission-why"
        >
          {open === c.id ? 'Hide why' : 'Why it is yours'}
        </button>
      ),
    },
  ];

  return (
    <DataTable
      label="My commissions"
      testId="my-commissions"
      columns={columns}
      getRowId={(c) => c.id}
      empty="No commissions yet. They appear here when an order comes through one of your links."
      expandedRow={(c) =>
        open === c.id ? (
          <>
            <AttributionExplanation attribution={c.conversion.attribution} name={name} />
            <AmountHistory commission={c} />
          </>
        ) : null
      }
      {...table}
    />
  );
}

/** How the amount came to be: earned, each refund that lowered it (before it was finalized), and what it is now. */
function AmountHistory({ commission: c }: { commission: Row }) {
  if (!c.adjustments.length) return null;
  return (
    <section aria-label="Amount history" data-testid="my-commission-history">
      <h3 className="section-title">Amount history</h3>
      <ol className="history">
        <li>
          <strong>{formatMoney(c.originalAmountMinor, c.currency)}</strong> earned <span className="muted">· {formatDateTime(c.createdAt)}</span>
        </li>
        {c.adjustments.map((a) => (
          <li key={a.id} data-testid="my-commission-adjustment">
            {ADJUSTMENT_KINDS[a.kind]} <span className="muted">· {formatDateTime(a.createdAt)}</span>
          </li>
        ))}
        <li>
          Now <strong>{formatMoney(c.amountMinor, c.currency)}</strong>
        </li>
      </ol>
    </section>
  );
}
