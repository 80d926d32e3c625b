import { Link } from 'react-router';
import { Badge, type Column, CommissionStatusBadge, DataTable, errorCode, formatDateTime, formatMoney, useConnectionTable } from '@sorae/web-shared';
import type { AffiliateClicksQuery, AffiliateCommissionsQuery, AffiliateConversionsQuery } from '../../../gql/graphql';
import { AffiliateClicksDocument, AffiliateCommissionsDocument, AffiliateConversionsDocument } from '../api/affiliates';

type Click = NonNullable<AffiliateClicksQuery['affiliate']>['clicks']['edges'][number]['node'];
type Conversion = NonNullable<AffiliateConversionsQuery['affiliate']>['conversions']['edges'][number]['node'];
type Commission = NonNullable<AffiliateCommissionsQuery['affiliate']>['commissions']['edges'][number]['node'];

/** The affiliate's clicks, newest first: when, on which campaign, from where, UTM tags, bots flagged. */
export function AffiliateClicks({ affiliateId, campaignName }: { affiliateId: string; campaignName: (id: string) => string }) {
  const { table } = useConnectionTable(AffiliateClicksDocument, { variables: { id: affiliateId }, connection: (d) => d.affiliate?.clicks });
  const columns: Column<Click>[] = [
    { id: 'occurredAt', header: 'Time', cell: (c) => formatDateTime(c.occurredAt), sortValue: (c) => c.occurredAt },
    { id: 'campaign', header: 'Campaign', cell: (c) => campaignName(c.campaignId), sortValue: (c) => campaignName(c.campaignId) },
    {
      id: 'referer',
      header: 'Referer',
      cell: (c) =>
        c.referer ? (
          <span className="cell-clip" title={c.referer}>
            {c.referer}
          </span>
        ) : (
          <span className="muted">Direct</span>
        ),
    },
    { id: 'utm', header: 'UTM', cell: (c) => <Utm click={c} /> },
    {
      id: 'bot',
      header: 'Bot',
      cell: (c) => (c.isBot ? <Badge tone="warning">Bot: never attributed</Badge> : <span className="muted">No</span>),
      sortValue: (c) => c.isBot,
    },
    // The first characters tell visitors apart on a page; the whole id is in the tooltip.
    { id: 'visitor', header: 'Visitor', cell: (c) => <span title={c.visitorId}>Visitor {c.visitorId.slice(0, 8)}</span> },
  ];
  return (
    <DataTable label="Clicks" testId="affiliate-clicks" columns={columns} getRowId={(c) => c.id} empty="No clicks on this affiliate's links yet." {...table} />
  );
}

function Utm({ click: c }: { click: Click }) {
  const tags = (
    [
      ['source', c.utmSource],
      ['medium', c.utmMedium],
      ['campaign', c.utmCampaign],
      ['term', c.utmTerm],
      ['content', c.utmContent],
    ] as const
  ).filter(([, v]) => v);
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <span className="cell-clip" title={tags.map(([k, v]) => `utm_${k}=${v}`).join(' ')}>
      {tags.map(([k, v]) => `${k}: ${v}`).join(' · ')}
    </span>
  );
}

/** Orders this affiliate won, newest first. */
export function AffiliateConversions({ affiliateId, money }: { affiliateId: string; money: boolean }) {
  const { table } = useConnectionTable(AffiliateConversionsDocument, { variables: { id: affiliateId, money }, connection: (d) => d.affiliate?.conversions });
  const columns: Column<Conversion>[] = [
    { id: 'occurredAt', header: 'Ordered', cell: (c) => formatDateTime(c.occurredAt), sortValue: (c) => c.occurredAt },
    { id: 'order', header: 'Order', cell: (c) => <code>{c.orderId}</code>, sortValue: (c) => c.orderId },
    ...(money
      ? [
          {
            id: 'amount',
            header: 'Order amount',
            align: 'end' as const,
            cell: (c: Conversion) => formatMoney(c.amountMinor ?? 0, c.currency),
            sortValue: (c: Conversion) => c.amountMinor ?? 0,
          },
        ]
      : []),
    {
      id: 'click',
      header: 'Winning click',
      cell: ({ attribution: { winner } }) =>
        winner?.clickId ? <span title={`Click id ${winner.clickId}`}>{winner.occurredAt ? formatDateTime(winner.occurredAt) : 'A click'}</span> : '—',
    },
  ];
  return (
    <DataTable
      label="Conversions"
      testId="affiliate-conversions"
      columns={columns}
      getRowId={(c) => c.id}
      empty="No orders attributed to this affiliate yet."
      {...table}
    />
  );
}

/** The affiliate's commissions (FINANCE and OWNER operators); each links to its explanation. */
export function AffiliateCommissions({ affiliateId }: { affiliateId: string }) {
  const { table } = useConnectionTable(AffiliateCommissionsDocument, { variables: { id: affiliateId }, connection: (d) => d.affiliate?.commissions });
  if (table.error && errorCode(table.error) === 'FORBIDDEN') {
    return (
      <p className="muted" data-testid="affiliate-commissions-forbidden">
        Commissions are visible to finance and owner operators.
      </p>
    );
  }
  const columns: Column<Commission>[] = [
    { id: 'createdAt', header: 'Earned', cell: (c) => formatDateTime(c.createdAt), sortValue: (c) => c.createdAt },
    { id: 'campaign', header: 'Campaign', cell: (c) => c.campaign.name, sortValue: (c) => c.campaign.name },
    { id: 'order', header: 'Order', cell: (c) => <code>{c.conversion.orderId}</code> },
    { id: 'amount', header: 'Amount', align: 'end', cell: (c) => formatMoney(c.amountMinor, c.currency), sortValue: (c) => c.amountMinor },
    { id: 'status', header: 'Status', cell: (c) => <CommissionStatusBadge status={c.status} />, sortValue: (c) => c.status },
    { id: 'paidAt', header: 'Paid', cell: (c) => formatDateTime(c.paidAt), sortValue: (c) => c.paidAt },
  ];
  return (
    <div className="stack stack--tight">
      <DataTable
        label="Commissions"
        testId="affiliate-commissions"
        columns={columns}
        getRowId={(c) => c.id}
        empty="No commissions for this affiliate yet."
        {...table}
      />
      <p>
        <Link to={`/commissions?affiliate=${encodeURIComponent(affiliateId)}`} data-testid="affiliate-commissions-explained">
          See these commissions with their attribution and adjustments
        </Link>
      </p>
    </div>
  );
}
