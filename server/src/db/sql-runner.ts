import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordQuery } from './query-counter.js';

/** Runs one SQL statement (`?` placeholders) and returns its rows. */
export type Exec = <T = Record<string, unknown>>(sql: string, params: readonly unknown[]) => Promise<T[]>;

/**
 * Named CTEs (`name as (…), …`) a module adds to another's statement, so that writes which
 * must happen together take one round trip: fixed text, values only as `?` parameters (`params`,
 * in text order), CTE names prefixed with the owner's.
 */
export interface StatementPart {
  sql: string;
  params: unknown[];
}

/**
 * A CTE (`name`) a module adds to another's reading statement, and how it reads its own rows
 * back: `readTogether` hands `read` the CTE's rows as JSON objects (column names as keys).
 */
export interface ReadPart<T> extends StatementPart {
  name: string;
  read(rows: readonly Record<string, unknown>[]): T;
}

type ReadResults<P extends readonly (StatementPart | ReadPart<unknown>)[]> = { [K in keyof P]: P[K] extends ReadPart<infer T> ? T : undefined };

/**
 * Reads several modules' rows in one statement (one round trip): the parts' CTEs in order (a
 * later one may read an earlier one by name), then each ReadPart's rows as one JSON array
 * (`json_agg`), handed back to that part's `read`.
 */
export async function readTogether<P extends readonly (StatementPart | ReadPart<unknown>)[]>(exec: Exec, parts: P): Promise<ReadResults<P>> {
  const reads = parts.filter((p): p is ReadPart<unknown> => 'read' in p);
  const [row] = await exec<Record<string, Record<string, unknown>[] | null>>(
    `with ${parts.map((p) => p.sql).join(',\n')}\nselect ${reads.map((p) => `(select json_agg(${p.name}) from ${p.name}) as ${p.name}`).join(', ')}`,
    parts.flatMap((p) => p.params),
  );
  return parts.map((p) => ('read' in p ? p.read(row![p.name] ?? []) : undefined)) as ReadResults<P>;
}

/** An Exec inside a MikroORM transaction (or on its EntityManager). */
export const emExec =
  (em: EntityManager): Exec =>
  (sql, params) =>
    em.execute(sql, [...params]) as never;

/** A pg driver connection, as the pool hands it out. */
export interface DriverConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Prepared statements (see withConnection) on a connection the caller holds. */
export function connectionExec(conn: DriverConnection): Exec {
  return async <R>(sql: string, params: readonly unknown[]) => {
    recordQuery();
    const res = await conn.query({ ...preparedStatement(sql), values: [...params] });
    return res.rows as R[];
  };
}

const prepared = new Map<string, { name: string; text: string }>();

/** A server-side prepared statement per distinct text (the driver prepares it once per connection). */
function preparedStatement(sql: string) {
  let p = prepared.get(sql);
  if (!p) {
    let i = 0;
    p = { name: `sorae_${createHash('sha256').update(sql).digest('hex').slice(0, 20)}`, text: sql.replace(/\?/g, () => `$${++i}`) };
    prepared.set(sql, p);
  }
  return p;
}

/**
 * Statements on one pooled connection, straight through the pg driver: the order-ingestion hot
 * path skips the ORM's unit of work, query builder and formatting (its statements are
 * hand-written set SQL anyway), and each statement is prepared, so PostgreSQL parses it once per
 * connection and soon reuses its plan. Texts must therefore be fixed (values only ever as `?`):
 * every distinct text stays prepared for the connection's life. Statements are still counted.
 */
export async function withConnection<T>(em: EntityManager, fn: (exec: Exec) => Promise<T>): Promise<T> {
  const client = em.getConnection().getKnex().client;
  const conn = (await client.acquireConnection()) as DriverConnection;
  try {
    return await fn(connectionExec(conn));
  } finally {
    await client.releaseConnection(conn);
  }
}

/**
 * `fn`'s statements on `exec`'s connection as one transaction: committed when it resolves,
 * rolled back when it throws (so the connection goes back to the pool clean).
 */
export async function inTransaction<T>(exec: Exec, fn: () => Promise<T>): Promise<T> {
  await exec('begin', []);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await exec('rollback', []);
    throw err;
  }
  await exec('commit', []);
  return result;
}
