import { useState } from 'react';
import { type Column, CommissionStatusBadge, DataTable, formatDateTime, formatMoney, CommissionOrder, useConnectionTable } from '@sorae/web-shared';
import type { CommissionFilter, CommissionRowFragment } from '../../../gql/graphql';
import { CommissionsDocument } from '../api/commissions';
import { CommissionDetails } from './CommissionDetails';

type Row = CommissionRowFragment;

interface Props {
  /** The parent remounts the table when the filter changes (back to page 1, nothing selected). */
  filter: CommissionFilter;
  canFinalize: boolean;
  onFinalizeSelected: (ids: string[], clear: () => void) => void;
}

/** Commissions, newest first; each row opens its attribution and adjustment history. */
export function CommissionsTable({ filter, canFinalize, onFinalizeSelected }: Props) {
  const { rows, table } = useConnectionTable(CommissionsDocument, { variables: { filter }, connection: (d) => d.commissions });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const pendingSelected = (rows ?? []).filter((r) => selected.has(r.id) && r.status === 'PENDING').map((r) => r.id);

  const columns: Column<Row>[] = [
    {
      id: 'why',
      header: '',
      cell: (c) => (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          aria-expanded={open.has(c.id)}
          aria-label={`${open.has(c.id) ? 'Hide' : 'Show'} why order ${c.conversion.orderId} was attributed`}
          onClick={() => toggle(c.id)}
          data-testid="commission-toggle"
        >
          {open.has(c.id) ? '▾ Why' : '▸ Why'}
        </button>
      ),
    },
    { id: 'createdAt', header: 'Earned', cell: (c) => formatDateTime(c.createdAt), sortValue: (c) => c.createdAt },
    {
      id: 'affiliate',
      header: 'Affiliate',
      cell: (c) => (
        <div className="applicant">
          <span className="table__primary">{c.affiliate.name}</span>
          <span className="muted">{c.affiliate.email}</span>
        </div>
      ),
      sortValue: (c) => c.affiliate.name,
    },
    ...(filter.campaignId ? [] : [{ id: 'campaign', header: 'Campaign', cell: (c: Row) => c.campaign.name, sortValue: (c: Row) => c.campaign.name }]),
    { id: 'order', header: 'Order', cell: (c) => <CommissionOrder commission={c} monthTestId="commission-month" /> },
    {
      id: 'amount',
      header: 'Commission',
      align: 'end',
      cell: (c) => (
        <span data-testid="commission-amount">
          {c.amountMinor !== c.originalAmountMinor ? <s className="muted">{formatMoney(c.originalAmountMinor, c.currency)}</s> : null}{' '}
          {formatMoney(c.amountMinor, c.currency)}
        </span>
      ),
      sortValue: (c) => c.amountMinor,
    },
    { id: 'status', header: 'Status', cell: (c) => <CommissionStatusBadge status={c.status} />, sortValue: (c) => c.status },
    { id: 'finalizedAt', header: 'Finalized', cell: (c) => formatDateTime(c.finalizedAt), sortValue: (c) => c.finalizedAt },
    { id: 'paidAt', header: 'Paid', cell: (c) => formatDateTime(c.paidAt), sortValue: (c) => c.paidAt },
  ];

  return (
    <DataTable
      label="Commissions"
      columns={columns}
      getRowId={(c) => c.id}
      getRowLabel={(c) => `order ${c.conversion.orderId}`}
      empty="No commissions match these filters."
      expandedRow={(c) => (open.has(c.id) ? <CommissionDetails commission={c} /> : null)}
      selection={
        canFinalize
          ? {
              selected,
              onChange: setSelected,
              actions: (
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={pendingSelected.length === 0}
                  title={pendingSelected.length === 0 ? 'Only pending commissions can be finalized' : undefined}
                  onClick={() => onFinalizeSelected(pendingSelected, () => setSelected(new Set()))}
                  data-testid="finalize-selected"
                >
                  Finalize now ({pendingSelected.length} pending)
                </button>
              ),
            }
          : undefined
      }
      {...table}
    />
  );
}
