import { useCallback, useState } from 'react';

/**
 * Page-by-page navigation over a Relay connection: keeps the cursors of the pages visited so
 * "Previous" goes back without a `before` argument. Feed `variables` to the query.
 */
export function useCursorPagination(pageSize = 20) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors((c) => [...c, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const reset = useCallback(() => setCursors([null]), []);
  return {
    variables: { first: pageSize, after },
    pageIndex: cursors.length - 1,
    pageSize,
    hasPreviousPage: cursors.length > 1,
    next,
    previous,
    reset,
  };
}
