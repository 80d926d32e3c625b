import { Badge, type Column, DataTable, formatDateTime, formatMoney, useConnectionTable } from '@sorae/web-shared';
import type { ReferralConversionsQuery } from '../../../gql/graphql';
import { ReferralConversionsDocument } from '../api/referrals';

type Referral = ReferralConversionsQuery['referralConversions']['edges'][number]['node'];

/** Orders won by a referral code, newest first, a page at a time. */
export function ReferralConversionsTable() {
  const { table } = useConnectionTable(ReferralConversionsDocument, { connection: (d) => d.referralConversions });
  const columns: Column<Referral>[] = [
    { id: 'occurredAt', header: 'Ordered', cell: (r) => formatDateTime(r.occurredAt), sortValue: (r) => r.occurredAt },
    { id: 'order', header: 'Order', cell: (r) => <code data-testid="referral-order">{r.orderId}</code>, sortValue: (r) => r.orderId },
    {
      id: 'code',
      header: 'Referral code',
      cell: (r) => (r.referralCode ? <code data-testid="referral-code">{r.referralCode}</code> : <span className="muted">—</span>),
      sortValue: (r) => r.referralCode,
    },
    {
      id: 'referrer',
      header: 'Referring customer',
      cell: (r) => (r.referrerCustomerId ? <code data-testid="referral-referrer">{r.referrerCustomerId}</code> : <span className="muted">—</span>),
      sortValue: (r) => r.referrerCustomerId,
    },
    { id: 'amount', header: 'Order amount', align: 'end', cell: (r) => formatMoney(r.amountMinor, r.currency), sortValue: (r) => r.amountMinor },
    {
      id: 'channel',
      header: 'Channel',
      cell: (r) => (
        <span data-testid="referral-channel" data-channel={r.channel}>
          <Badge tone="info">{r.channel === 'REFERRAL' ? 'Referral' : r.channel}</Badge>
        </span>
      ),
    },
  ];
  return (
    <DataTable
      label="Referral conversions"
      testId="referral-conversions"
      columns={columns}
      getRowId={(r) => r.id}
      empty="No order has been won by a referral code yet."
      order="Newest first, by when the order was recorded: an order imported late, with an earlier order time, is listed above later ones."
      {...table}
    />
  );
}
