import { useState } from 'react';
import { Link } from 'react-router';
import { type Column, DataTable, formatDate, formatDateTime, formatMoney, PayoutItemStatusBadge, useConnectionTable } from '@sorae/web-shared';
import type { MyPayoutsQuery } from '../../../gql/graphql';
import { MyPayoutsDocument } from '../api/payouts';

type Row = MyPayoutsQuery['me']['payouts']['edges'][number]['node'];

const STATUS_HELP: Record<Row['status'], string> = {
  PENDING: 'On its way: the transfer to your Stripe account is being sent',
  POSTED: 'Paid: transferred to your Stripe account',
  FAILED: 'Stripe refused the transfer; the program will retry it',
};

/** The affiliate's payouts, newest first; a row opens the commissions it paid. */
export function MyPayoutsTable() {
  const { data, table } = useConnectionTable(MyPayoutsDocument, { connection: (d) => d.me.payouts, fetchPolicy: 'cache-and-network' });
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const columns: Column<Row>[] = [
    {
      id: 'toggle',
      header: '',
      cell: (p) => (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          aria-expanded={open.has(p.id)}
          aria-label={`${open.has(p.id) ? 'Hide' : 'Show'} the commissions paid by the ${p.batch.period} payout`}
          onClick={() => toggle(p.id)}
          data-testid="my-payout-toggle"
        >
          {open.has(p.id) ? '▾' : '▸'} {p.commissions.length} commission{p.commissions.length === 1 ? '' : 's'}
        </button>
      ),
    },
    { id: 'period', header: 'Period', cell: (p) => <span data-testid="my-payout-period">{p.batch.period}</span>, sortValue: (p) => p.batch.period },
    { id: 'program', header: 'Program', cell: (p) => p.batch.campaign.name, sortValue: (p) => p.batch.campaign.name },
    {
      id: 'amount',
      header: 'Amount',
      align: 'end',
      cell: (p) => (
        <span data-testid="my-payout-amount" data-amount-minor={p.amountMinor}>
          {formatMoney(p.amountMinor, p.currency)}
          {p.clawbackMinor !== 0 ? (
            <span className="muted">
              {' '}
              ({formatMoney(p.grossMinor, p.currency)} less {formatMoney(-p.clawbackMinor, p.currency)} refunded)
            </span>
          ) : null}
        </span>
      ),
      sortValue: (p) => p.amountMinor,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (p) => (
        <span title={STATUS_HELP[p.status]}>
          <PayoutItemStatusBadge status={p.status} />
        </span>
      ),
      sortValue: (p) => p.status,
    },
    {
      id: 'transfer',
      header: 'Stripe transfer',
      cell: (p) =>
        p.stripeTransferId ? (
          <span>
            <code data-testid="my-payout-transfer">{p.stripeTransferId}</code>
            {p.transferReversed ? <span className="muted"> (reversed)</span> : null}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { id: 'postedAt', header: 'Paid on', cell: (p) => <span data-testid="my-payout-posted-at">{formatDate(p.postedAt)}</span>, sortValue: (p) => p.postedAt },
  ];

  const accountStatus = data?.me.payoutAccount.status;
  return (
    <div className="stack">
      {accountStatus && accountStatus !== 'ENABLED' ? (
        <div className="banner banner--warning banner--row" role="status" data-testid="payouts-account-notice">
          <span>Payouts can only be sent once your Stripe account is connected and enabled. Your finalized commissions wait until then.</span>
          <Link to="/get-paid" className="btn btn--secondary btn--small">
            Get paid
          </Link>
        </div>
      ) : null}
      <DataTable
        label="My payouts"
        testId="my-payouts"
        columns={columns}
        getRowId={(p) => p.id}
        empty="No payouts yet. Finalized commissions are paid in each program's monthly payout, once your Stripe account is connected."
        expandedRow={(p) => (open.has(p.id) ? <PaidCommissions payout={p} /> : null)}
        {...table}
      />
    </div>
  );
}

function PaidCommissions({ payout }: { payout: Row }) {
  if (payout.commissions.length === 0) return <p className="muted">No commission is linked to this payout.</p>;
  return (
    <table className="table" aria-label={`Commissions paid by the ${payout.batch.period} payout`} data-testid="my-payout-commissions">
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Ordered</th>
          <th scope="col">Finalized</th>
          <th scope="col">Paid</th>
          <th scope="col" className="num">
            Commission
          </th>
        </tr>
      </thead>
      <tbody>
        {payout.commissions.map((c) => (
          <tr key={c.id} data-testid="my-payout-commission">
            <td>
              <code>{c.conversion.orderId}</code>
            </td>
            <td>{formatDateTime(c.conversion.occurredAt)}</td>
            <td>{formatDateTime(c.finalizedAt)}</td>
            <td data-testid="my-payout-commission-paid-at">{formatDateTime(c.paidAt)}</td>
            <td className="num">{formatMoney(c.amountMinor, c.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
