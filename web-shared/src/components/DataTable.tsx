import { Fragment, useMemo, useState, type ReactNode } from 'react';
import { ErrorState } from './feedback';

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable. Without `onSortChange` on the table, the loaded rows are sorted here. */
  sortValue?: (row: T) => string | number | boolean | null | undefined;
  align?: 'start' | 'end';
}

export interface SortState {
  columnId: string;
  direction: 'asc' | 'desc';
}

export interface Selection {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  /** Bulk actions shown while something is selected. */
  actions?: ReactNode;
}

export interface Pagination {
  /** 0-based page number, for the "Page n" label. */
  pageIndex: number;
  pageSize: number;
  totalCount?: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  onNext: () => void;
  onPrevious: () => void;
}

export interface DataTableProps<T> {
  /** Accessible name of the table; also the default base of its data-testids. */
  label: string;
  testId?: string;
  columns: readonly Column<T>[];
  rows: readonly T[] | undefined;
  getRowId: (row: T) => string;
  /** Names a row for its checkbox ("Select Summer campaign"). */
  getRowLabel?: (row: T) => string;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** Shown when loaded with no rows. */
  empty?: ReactNode;
  selection?: Selection;
  /** Controlled sorting (the server sorts). Leave both unset to sort the loaded rows locally. */
  sort?: SortState | null;
  onSortChange?: (sort: SortState | null) => void;
  pagination?: Pagination;
  /** Makes rows clickable (e.g. to open a detail drawer); clicks on links, buttons and inputs inside a row are theirs. */
  onRowClick?: (row: T) => void;
  /** A row's details, shown in a full-width row under it (null: collapsed). */
  expandedRow?: (row: T) => ReactNode;
  /** The rows' order as the server gives it ("Newest first"), said above the table. */
  order?: string;
}

/**
 * The table operators work through: selection, sorting, cursor pagination, and loading, empty
 * and error states. Queues, commissions and payout items reuse it. On a phone each row is a card
 * of label-value lines (styles.css reads each cell's data-label), so nothing scrolls sideways.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { label, columns, rows, getRowId, getRowLabel, loading, error, onRetry, empty, selection, pagination, onRowClick, expandedRow, order } = props;
  const testId = props.testId ?? label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const [localSort, setLocalSort] = useState<SortState | null>(null);
  const controlled = props.onSortChange !== undefined;
  const sort = controlled ? (props.sort ?? null) : localSort;
  const setSort = controlled ? props.onSortChange! : setLocalSort;

  const shown = useMemo(() => {
    const list = rows ?? [];
    if (controlled || !sort) return list;
    const col = columns.find((c) => c.id === sort.columnId);
    if (!col?.sortValue) return list;
    const value = col.sortValue;
    const factor = sort.direction === 'asc' ? 1 : -1;
    return [...list].sort((a, b) => factor * compare(value(a), value(b)));
  }, [rows, columns, sort, controlled]);

  const ids = shown.map(getRowId);
  const selectedOnPage = selection ? ids.filter((id) => selection.selected.has(id)).length : 0;
  const allOnPage = ids.length > 0 && selectedOnPage === ids.length;

  const toggleAll = () => {
    if (!selection) return;
    const next = new Set(selection.selected);
    for (const id of ids) {
      if (allOnPage) next.delete(id);
      else next.add(id);
    }
    selection.onChange(next);
  };
  const toggleRow = (id: string) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selection.onChange(next);
  };
  const cycleSort = (columnId: string) => {
    if (sort?.columnId !== columnId) setSort({ columnId, direction: 'asc' });
    else if (sort.direction === 'asc') setSort({ columnId, direction: 'desc' });
    else setSort(null);
  };

  const colSpan = columns.length + (selection ? 1 : 0);
  const initialLoad = loading && !rows;

  let body: ReactNode;
  if (error && !loading) {
    body = (
      <tr>
        <td colSpan={colSpan}>
          <ErrorState error={error} onRetry={onRetry} />
        </td>
      </tr>
    );
  } else if (initialLoad) {
    body = (
      <tr>
        <td colSpan={colSpan} className="table__message" role="status">
          Loading…
        </td>
      </tr>
    );
  } else if (shown.length === 0) {
    body = (
      <tr>
        <td colSpan={colSpan} className="table__message" data-testid={`${testId}-empty`}>
          {empty ?? 'Nothing here yet.'}
        </td>
      </tr>
    );
  } else {
    body = shown.map((row) => {
      const id = getRowId(row);
      const isSelected = selection?.selected.has(id) ?? false;
      const details = expandedRow ? expandedRow(row) : null;
      return (
        <Fragment key={id}>
          <tr
            data-testid={`${testId}-row`}
            data-row-id={id}
            aria-selected={selection ? isSelected : undefined}
            className={onRowClick ? 'is-clickable' : undefined}
            onClick={
              onRowClick
                ? (e) => {
                    if ((e.target as HTMLElement).closest('a, button, input, select, textarea, label')) return;
                    onRowClick(row);
                  }
                : undefined
            }
          >
            {selection ? (
              <td className="table__select">
                <input
                  type="checkbox"
                  checked={isSelected}
                  onChange={() => toggleRow(id)}
                  aria-label={`Select ${getRowLabel ? getRowLabel(row) : id}`}
                  data-testid={`${testId}-select`}
                />
              </td>
            ) : null}
            {columns.map((c) => (
              <td key={c.id} className={c.align === 'end' ? 'num' : undefined} data-column={c.id} data-label={c.header}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
          {details ? (
            <tr className="table__details" data-testid={`${testId}-details`} data-row-id={id}>
              <td colSpan={colSpan}>{details}</td>
            </tr>
          ) : null}
        </Fragment>
      );
    });
  }

  return (
    <div className="table-card" data-testid={testId}>
      {selection && selection.selected.size > 0 ? (
        <div className="table__toolbar" data-testid={`${testId}-toolbar`}>
          <span>
            <strong>{selection.selected.size}</strong> selected
          </span>
          <div className="table__toolbar-actions">
            {selection.actions}
            <button type="button" className="btn btn--ghost" onClick={() => selection.onChange(new Set())}>
              Clear selection
            </button>
          </div>
        </div>
      ) : null}
      {order && !sort ? (
        <p className="table__order" data-testid={`${testId}-order`}>
          {order}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="table" aria-label={label} aria-busy={loading || undefined}>
          <thead>
            <tr>
              {selection ? (
                <th className="table__select" scope="col">
                  <input
                    type="checkbox"
                    checked={allOnPage}
                    ref={(el) => {
                      if (el) el.indeterminate = selectedOnPage > 0 && !allOnPage;
                    }}
                    onChange={toggleAll}
                    disabled={ids.length === 0}
                    aria-label="Select all rows on this page"
                    data-testid={`${testId}-select-all`}
                  />
                </th>
              ) : null}
              {columns.map((c) => {
                const active = sort?.columnId === c.id ? sort.direction : null;
                return (
                  <th
                    key={c.id}
                    scope="col"
                    className={c.align === 'end' ? 'num' : undefined}
                    aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : undefined}
                  >
                    {c.sortValue ? (
                      <button type="button" className="table__sort" onClick={() => cycleSort(c.id)} data-testid={`${testId}-sort-${c.id}`}>
                        {c.header}
                        <span aria-hidden="true" className="table__sort-icon">
                          {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className={loading && rows ? 'is-refreshing' : undefined}>{body}</tbody>
        </table>
      </div>
      {pagination ? <Pager {...pagination} testId={testId} loading={loading} /> : null}
    </div>
  );
}

function Pager({
  pageIndex,
  pageSize,
  totalCount,
  hasNextPage,
  hasPreviousPage,
  onNext,
  onPrevious,
  testId,
  loading,
}: Pagination & { testId: string; loading?: boolean }) {
  const pages = totalCount !== undefined ? Math.max(1, Math.ceil(totalCount / pageSize)) : undefined;
  return (
    <nav className="pager" aria-label="Pagination">
      <span className="pager__info" data-testid={`${testId}-page-info`}>
        Page {pageIndex + 1}
        {pages !== undefined ? ` of ${pages}` : ''}
        {totalCount !== undefined ? ` · ${totalCount} total` : ''}
      </span>
      <div className="pager__buttons">
        <button type="button" className="btn btn--secondary" onClick={onPrevious} disabled={!hasPreviousPage || loading} data-testid={`${testId}-previous`}>
          Previous
        </button>
        <button type="button" className="btn btn--secondary" onClick={onNext} disabled={!hasNextPage || loading} data-testid={`${testId}-next`}>
          Next
        </button>
      </div>
    </nav>
  );
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
