import { Link } from 'react-router';
import { amountsOf, type Column, CurrencyAmounts, DataTable, useConnectionTable } from '@sorae/web-shared';
import type { AffiliateFilter, AffiliatesQuery } from '../../../gql/graphql';
import { AffiliatesDocument } from '../api/affiliates';
import { PayoutReadiness } from './PayoutReadiness';
import { useSeesMoney } from '../../../lib/session';

type Row = AffiliatesQuery['affiliates']['edges'][number]['node'];

/** The merchant's enrolled affiliates under a filter, newest first, with traffic and pending commission per currency. */
export function AffiliatesTable({ filter }: { filter: AffiliateFilter }) {
  const money = useSeesMoney();
  const filtered = Object.values(filter).some(Boolean);
  const { table } = useConnectionTable(AffiliatesDocument, { variables: { money, filter }, connection: (d) => d.affiliates });

  const columns: Column<Row>[] = [
    {
      id: 'name',
      header: 'Affiliate',
      cell: (a) => (
        <div className="applicant">
          <Link to={`/affiliates/${a.id}`} className="table__primary-link" data-testid="affiliate-link">
            {a.name}
          </Link>
          <span className="muted">{a.email}</span>
        </div>
      ),
      sortValue: (a) => a.name,
    },
    { id: 'clicks', header: 'Clicks', align: 'end', cell: (a) => a.stats.clicks, sortValue: (a) => a.stats.clicks },
    { id: 'conversions', header: 'Conversions', align: 'end', cell: (a) => a.stats.conversions, sortValue: (a) => a.stats.conversions },
    // Money only for those who may see it; one line per currency, not sortable, as amounts in
    // different currencies do not compare.
    ...(money
      ? ([
          {
            id: 'pending',
            header: 'Pending commission',
            align: 'end',
            cell: (a) => (
              <span data-testid="affiliate-pending">
                <CurrencyAmounts amounts={amountsOf(a.stats.byCurrency ?? [], 'pendingMinor')} testId="affiliate-pending" />
              </span>
            ),
          },
          {
            id: 'payouts',
            header: 'Payouts',
            cell: (a) => a.payoutAccount && <PayoutReadiness status={a.payoutAccount.status} />,
            sortValue: (a) => a.payoutAccount?.status ?? '',
          },
        ] satisfies Column<Row>[])
      : []),
  ];

  return (
    <DataTable
      label="Affiliates"
      columns={columns}
      getRowId={(a) => a.id}
      empty={filtered ? 'No affiliate matches these filters.' : 'No affiliates yet. Approving an application makes the applicant an affiliate.'}
      {...table}
    />
  );
}
