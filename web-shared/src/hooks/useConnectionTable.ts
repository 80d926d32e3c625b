import type { OperationVariables, TypedDocumentNode, WatchQueryFetchPolicy } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import type { DataTableProps } from '../components/DataTable';
import { type ConnectionPage, useCursorPagination } from './useCursorPagination';

/** A Relay connection as the table reads it. */
export interface Connection<TNode = unknown> extends ConnectionPage {
  edges: readonly { node: TNode }[];
}

interface PageVariables {
  first?: number | null;
  after?: string | null;
}

type NodeOf<TConnection extends Connection> = TConnection['edges'][number]['node'];

type OtherVariables<TVariables> = Omit<TVariables, keyof PageVariables>;

export type ConnectionTableOptions<TData, TVariables, TConnection> = {
  /** Picks the paginated connection out of the query's data. */
  connection: (data: TData) => TConnection | null | undefined;
  pageSize?: number;
  fetchPolicy?: WatchQueryFetchPolicy;
  /** Refetch the page every so many ms (a log that changes while it is open). */
  pollInterval?: number;
  // `{} extends V`: true when V has no required key, so `variables` may be left out.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
} & ({} extends OtherVariables<TVariables> ? { variables?: OtherVariables<TVariables> } : { variables: OtherVariables<TVariables> });

/**
 * One paginated query feeding a DataTable: spread `table` on the DataTable. The pager starts
 * over only when the component remounts, so a table whose filters change is given a new `key`.
 */
export function useConnectionTable<TData, TVariables extends OperationVariables & PageVariables, TConnection extends Connection>(
  document: TypedDocumentNode<TData, TVariables>,
  { connection: select, pageSize = 20, fetchPolicy, pollInterval, variables }: ConnectionTableOptions<TData, TVariables, TConnection>,
) {
  const page = useCursorPagination(pageSize);
  const { data, previousData, loading, error, refetch } = useQuery<TData, TVariables>(document, {
    // The caller's variables plus the page's make a TVariables, which TypeScript cannot prove for a generic.
    variables: { ...variables, ...page.variables } as TVariables,
    fetchPolicy,
    pollInterval,
    // The pager's buttons wait while a page or a refetch loads.
    notifyOnNetworkStatusChange: true,
  });
  // The previous page stays on screen (dimmed) while the next one loads. Data is only partial
  // with `returnPartialData`, which this hook never sets.
  const shown = (data ?? previousData) as TData | undefined;
  const connection = shown === undefined ? undefined : (select(shown) ?? undefined);
  // TypeScript reads a generic connection's nodes through the `Connection` constraint (unknown).
  const rows = useMemo(() => connection?.edges.map((e) => e.node as NodeOf<TConnection>), [connection]);
  const table = {
    rows,
    loading,
    error,
    onRetry: () => void refetch(),
    pagination: page.pagination(connection),
  } satisfies Partial<DataTableProps<NodeOf<TConnection>>>;
  return { data: shown, connection, rows, refetch, table };
}
