import type { EntityClass, EntityManager, FilterQuery, QueryBuilder } from '@mikro-orm/postgresql';
import { badInput } from '../errors.js';
import { isUuid } from '../ids.js';

/** Which page a list is asked for; the GraphQL layer builds it from its arguments. */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
  /** Count the whole list now, beside the page (the client asked for totalCount). */
  countNow?: boolean;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  count: () => Promise<number>;
}

/**
 * Runs the page query and, when the count is wanted now, the count at the same time
 * (two pool connections), so the answer takes the longer of the two rather than their sum.
 */
async function withCount<T extends { id: string }>(
  rowsQuery: Promise<T[]>,
  limit: number,
  count: () => Promise<number>,
  countNow: boolean | undefined,
): Promise<Page<T>> {
  const total = countNow ? count() : undefined;
  total?.catch(() => undefined); // awaited below; avoids an unhandled rejection if rows fail first
  const rows = await rowsQuery;
  return { nodes: rows.slice(0, limit), hasNextPage: rows.length > limit, count: total ? () => total : count };
}

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 20;

export function pageSize(first: number | undefined | null): number {
  const n = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw badInput(`first must be between 1 and ${MAX_PAGE}`, { first: `must be between 1 and ${MAX_PAGE}` });
  return n;
}

export const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!isUuid(id)) throw badInput('after is not a cursor from this list', { after: 'is not a valid cursor' });
  return id;
}

/**
 * Keyset pagination over UUIDv7 ids, newest first: ids sort by creation, so the cursor is
 * just the last id and a page costs one indexed query (plus one count, only if asked for).
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  page: PageRequest,
): Promise<Page<T>> {
  const limit = pageSize(page.first);
  const after = page.after ? decodeCursor(page.after) : undefined;
  const cond = (after ? { $and: [where, { id: { $lt: after } }] } : where) as FilterQuery<T>;
  const rows = em.find(entity, cond, { orderBy: { id: 'desc' } as never, limit: limit + 1 });
  return withCount(rows, limit, () => em.count(entity, where), page.countNow);
}

/** The same keyset pagination over a query builder, for lists filtered with SQL. */
export async function paginateQuery<T extends { id: string }>(
  makeQuery: () => QueryBuilder<T>,
  page: PageRequest,
  direction: 'asc' | 'desc' = 'desc',
  /**
   * Builds each node from its raw row instead of a managed entity: for read-only pages that
   * are hot enough for entity hydration (about 0.1 ms a row) to dominate the request.
   */
  fromRow?: (row: Record<string, unknown>) => T,
  /** A cheaper exact count than counting the filtered rows, when the caller has one. */
  count: () => Promise<number> = () => makeQuery().getCount(),
): Promise<Page<T>> {
  const limit = pageSize(page.first);
  const qb = makeQuery();
  if (page.after) qb.andWhere({ id: { [direction === 'desc' ? '$lt' : '$gt']: decodeCursor(page.after) } } as never);
  qb.orderBy({ id: direction } as never).limit(limit + 1);
  const rows = fromRow ? qb.execute<Record<string, unknown>[]>('all', false).then((r) => r.map(fromRow)) : qb.getResultList();
  return withCount(rows, limit, count, page.countNow);
}

/** Rows an export reads from PostgreSQL at a time: enough to amortize the round trip, small enough to hold. */
export const EXPORT_BATCH = 1_000;

/**
 * Every row of a list, newest first, one keyset batch at a time: `next(after, limit)` reads the
 * rows older than `after` (all rows when null). Nothing asks for the next batch until the
 * consumer has taken the last one, so a slow reader holds the database back, not the memory.
 */
export async function* keysetBatches<R extends { id: string }>(
  next: (after: string | null, limit: number) => Promise<R[]>,
  size = EXPORT_BATCH,
): AsyncGenerator<R[]> {
  for (let after: string | null = null; ;) {
    const rows = await next(after, size);
    if (rows.length) yield rows;
    if (rows.length < size) return;
    after = rows.at(-1)!.id;
  }
}
