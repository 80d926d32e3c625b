import { Link } from 'react-router';
import { Badge, type Column, DataTable, formatBps, formatDate, formatMoney, useConnectionTable } from '@sorae/web-shared';
import { graphql } from '../../../gql';
import type { CampaignsQuery } from '../../../gql/graphql';
import { StatusBadge } from './StatusBadge';

export const CampaignsDocument = graphql(`
  query Campaigns($first: Int, $after: String) {
    campaigns(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          slug
          status
          currency
          commission {
            type
            rateBps
            amountMinor
          }
          intakeFields {
            key
          }
          createdAt
        }
      }
    }
  }
`);

type Row = CampaignsQuery['campaigns']['edges'][number]['node'];

const columns: Column<Row>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: (c) => (
      <Link to={`/campaigns/${c.id}`} className="table__primary-link" data-testid="campaign-link">
        {c.name}
      </Link>
    ),
    sortValue: (c) => c.name,
  },
  { id: 'slug', header: 'Slug', cell: (c) => <code>{c.slug}</code>, sortValue: (c) => c.slug },
  { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status} />, sortValue: (c) => c.status },
  {
    id: 'commission',
    header: 'Commission',
    cell: (c) =>
      c.commission.type === 'PERCENTAGE'
        ? c.commission.rateBps != null
          ? formatBps(c.commission.rateBps)
          : '—'
        : c.commission.amountMinor != null
          ? `${formatMoney(c.commission.amountMinor, c.currency)} per order`
          : '—',
  },
  { id: 'fields', header: 'Questions', cell: (c) => <Badge>{c.intakeFields.length}</Badge>, sortValue: (c) => c.intakeFields.length, align: 'end' },
  { id: 'createdAt', header: 'Created', cell: (c) => formatDate(c.createdAt), sortValue: (c) => c.createdAt },
];

export function CampaignsTable() {
  const { table } = useConnectionTable(CampaignsDocument, { connection: (d) => d.campaigns });
  return (
    <DataTable
      label="Campaigns"
      columns={columns}
      getRowId={(c) => c.id}
      getRowLabel={(c) => c.name}
      empty={
        <>
          No campaigns yet. <Link to="/campaigns/new">Create your first campaign</Link> to start recruiting affiliates.
        </>
      }
      {...table}
    />
  );
}
