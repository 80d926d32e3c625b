import { useCallback, useState } from 'react';
import type { Pagination } from '../components/DataTable';
import type { PageInfo } from '../gql/schema';

/** What a Relay connection gives the pager. */
export interface ConnectionPage {
  totalCount?: number;
  pageInfo: Pick<PageInfo, 'hasNextPage' | 'endCursor'>;
}

/**
 * Page-by-page navigation over a Relay connection: keeps the cursors of the pages visited so
 * "Previous" goes back without a `before` argument. Feed `variables` to the query and
 * `pagination(connection)` to the DataTable.
 */
export function useCursorPagination(pageSize = 20) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors((c) => [...c, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const reset = useCallback(() => setCursors([null]), []);
  const pageIndex = cursors.length - 1;
  const hasPreviousPage = cursors.length > 1;
  const pagination = (connection: ConnectionPage | undefined): Pagination => ({
    pageIndex,
    pageSize,
    totalCount: connection?.totalCount,
    hasNextPage: connection?.pageInfo.hasNextPage ?? false,
    hasPreviousPage,
    onNext: () => next(connection?.pageInfo.endCursor),
    onPrevious: previous,
  });
  return {
    variables: { first: pageSize, after },
    pageIndex,
    pageSize,
    hasPreviousPage,
    next,
    previous,
    reset,
    pagination,
  };
}
