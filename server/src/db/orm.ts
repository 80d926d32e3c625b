import { DefaultLogger, type LoggerNamespace, type LogContext, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { ApiKey } from '../modules/auth/api-key.entity.js';
import { Affiliate } from '../modules/affiliates/affiliate.entity.js';
import { Merchant } from '../modules/auth/merchant.entity.js';
import { Operator } from '../modules/auth/operator.entity.js';
import { Session } from '../modules/auth/session.entity.js';
import { Application } from '../modules/applications/application.entity.js';
import { Enrollment } from '../modules/applications/enrollment.entity.js';
import { ApplicationStatusCount } from '../modules/applications/application-status-count.entity.js';
import { Click } from '../modules/tracking/click.entity.js';
import { ClickFlushMark } from '../modules/tracking/click-flush-mark.entity.js';
import { Conversion } from '../modules/orders/conversion.entity.js';
import { Order, Refund } from '../modules/orders/order.entity.js';
import { OrderWebhookSecret } from '../modules/orders/order-webhook-secret.entity.js';
import { ReferralCode } from '../modules/orders/referral-code.entity.js';
import { WebhookEvent } from '../modules/orders/webhook-event.entity.js';
import { Commission, CommissionAdjustment } from '../modules/commissions/commission.entity.js';
import { Clawback } from '../modules/commissions/clawback.entity.js';
import { PayoutAccount } from '../modules/payouts/payout-account.entity.js';
import { PayoutBatch, PayoutItem, PayoutItemCommission, PayoutScheduleRun } from '../modules/payouts/payout-batch.entity.js';
import { StripeEvent } from '../modules/payouts/stripe-event.entity.js';
import { PayoutPace } from '../modules/payouts/payout-pace.entity.js';
import { SignInThrottleRow } from '../modules/auth/signin-throttle.entity.js';
import { Campaign } from '../modules/campaigns/campaign.entity.js';
import { migrationsList } from './migrations/index.js';
import { recordQuery } from './query-counter.js';

export const entities = [Merchant, Operator, Affiliate, Session, ApiKey, Campaign, Application, ApplicationStatusCount, Enrollment, Click, ClickFlushMark,
  Order, Refund, Conversion, ReferralCode, WebhookEvent, OrderWebhookSecret, Commission, CommissionAdjustment,
  Clawback, PayoutAccount, PayoutBatch, PayoutItem, PayoutItemCommission, PayoutScheduleRun, PayoutPace, StripeEvent, SignInThrottleRow];

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

/**
 * Whether the database is PGlite, `npm start`'s embedded one: a single process's database, which
 * serves the wire protocol one message at a time (no COPY streaming) and delivers no notifications.
 */
export async function isPglite(orm: MikroORM): Promise<boolean> {
  const [row] = await orm.em.getConnection().execute<{ version: string }[]>('select version() as version');
  return /PGlite/i.test(row?.version ?? '');
}

export async function migrate(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
}
