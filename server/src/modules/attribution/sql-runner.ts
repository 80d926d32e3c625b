import type { EntityManager } from '@mikro-orm/postgresql';
import { recordQuery } from '../../db/query-counter.js';

/** Runs one SQL statement (`?` placeholders) and returns its rows. */
export type Exec = <T = Record<string, unknown>>(sql: string, params: readonly unknown[]) => Promise<T[]>;

/** An Exec inside a MikroORM transaction (or on its EntityManager). */
export const emExec = (em: EntityManager): Exec => (sql, params) => em.execute(sql, [...params]) as never;

/**
 * Statements on one pooled connection, straight through the pg driver: the order-ingestion hot
 * path skips the ORM's unit of work, query builder and formatting (its statements are
 * hand-written set SQL anyway). Statements are still counted per request.
 */
export async function withConnection<T>(em: EntityManager, fn: (exec: Exec) => Promise<T>): Promise<T> {
  const client = em.getConnection().getKnex().client;
  const conn = (await client.acquireConnection()) as { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };
  try {
    return await fn(async <R>(sql: string, params: readonly unknown[]) => {
      recordQuery();
      let i = 0;
      const res = await conn.query(sql.replace(/\?/g, () => `$${++i}`), [...params]);
      return res.rows as R[];
    });
  } finally {
    await client.releaseConnection(conn);
  }
}
