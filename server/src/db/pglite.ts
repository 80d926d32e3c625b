import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Whether the database is PGlite, `npm start`'s embedded one: a single process's database, which
 * serves the wire protocol one message at a time (no COPY streaming) and delivers no notifications.
 */
export async function isPglite(orm: MikroORM): Promise<boolean> {
  const [row] = await orm.em.getConnection().execute<{ version: string }[]>('select version() as version');
  return /PGlite/i.test(row?.version ?? '');
}
