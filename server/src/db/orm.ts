import { DefaultLogger, type LoggerNamespace, type LogContext, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { authEntities } from '../modules/auth/index.js';
import { affiliatesEntities } from '../modules/affiliates/index.js';
import { campaignsEntities } from '../modules/campaigns/index.js';
import { applicationsEntities } from '../modules/applications/index.js';
import { trackingEntities } from '../modules/tracking/index.js';
import { ordersEntities } from '../modules/orders/index.js';
import { commissionsEntities } from '../modules/commissions/index.js';
import { payoutsEntities } from '../modules/payouts/index.js';
import { mailEntities } from '../modules/mail/index.js';
import { stripeSalesEntities } from '../modules/stripe-sales/index.js';
import { webhooksEntities } from '../modules/webhooks/index.js';
import { migrationsList } from './migrations/index.js';
import { recordQuery } from './query-counter.js';

export const entities = [
  ...authEntities,
  ...affiliatesEntities,
  ...campaignsEntities,
  ...applicationsEntities,
  ...trackingEntities,
  ...ordersEntities,
  ...commissionsEntities,
  ...payoutsEntities,
  ...mailEntities,
  ...stripeSalesEntities,
  ...webhooksEntities,
];

/** Counts every statement into the current request's counter; logs them at debug level. */
class CountingLogger extends DefaultLogger {
  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    return namespace === 'query' || super.isEnabled(namespace, context);
  }

  override logQuery(context: { query: string } & LogContext): void {
    recordQuery();
    if (super.isEnabled('query', context)) super.logQuery(context);
  }
}

/** The connection pool: its size, and what each new connection runs before its first use. */
export interface PoolOptions {
  max: number;
  afterCreate?: (conn: { query(sql: string, cb: (err: Error | undefined) => void): void }, done: (err: Error | null, conn: unknown) => void) => void;
}

export function ormOptions(clientUrl: string, pool: PoolOptions, log?: Logger): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl,
    entities,
    discovery: { disableDynamicFileAccess: true },
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, ...pool },
    forceUtcTimezone: true,
    debug: log?.isLevelEnabled('debug') ? ['query'] : false,
    loggerFactory: (options) => new CountingLogger({ ...options, writer: (m) => log?.debug(m) }),
    allowGlobalContext: false,
  };
}

export async function openOrm(clientUrl: string, pool: PoolOptions, log?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, pool, log));
}

export async function migrate(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
}
