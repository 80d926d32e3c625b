import { randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { paginate, type PageRequest } from '../../db/pagination.js';
import type { Exec } from '../../db/sql-runner.js';
import { badInput, notFound, parseInput } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { every } from '../../jobs/periodic.js';
import type { Pressure } from '../../http/serving-pressure.js';
import type { Logger } from '../../logger.js';
import type { SecretsBox } from '../../secrets-box.js';
import type { AuthService } from '../auth/index.js';
import type { MailService } from '../mail/index.js';
import { hostRefusal } from './endpoint-address.js';
import { WEBHOOK_EVENTS, type OutgoingEvent, type WebhookEventType, type WebhookOutbox } from './events.js';
import { endpointSecretContext, WebhookSender } from './webhook-sender.js';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity.js';

const inputSchema = z.object({
  url: z
    .string()
    .max(2048, 'must be at most 2048 characters')
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL'),
  events: z
    .array(z.string())
    .min(1, 'choose at least one event')
    .refine((events) => events.every((e) => (WEBHOOK_EVENTS as readonly string[]).includes(e)), {
      error: (issue) => {
        const unknown = (issue.input as string[]).filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
        return `unknown event ${unknown.map((e) => `"${e.slice(0, 64)}"`).join(', ')}; events are ${WEBHOOK_EVENTS.join(', ')}`;
      },
    }),
});

/**
 * Outgoing webhooks: the merchant's endpoints, the outbox other modules write events into
 * (`WebhookOutbox`, in the transaction of the change), and the sender that POSTs them. A
 * request that causes an event only writes an outbox row, and only when some endpoint wants it.
 */
export class WebhooksService implements WebhookOutbox {
  readonly sender: WebhookSender;
  private job: { stop(): Promise<void> } | undefined;
  /** Origins that are this server (PUBLIC_URL, and where it listens): an endpoint there would call itself. */
  private readonly selfOrigins = new Set<string>();

  constructor(
    private readonly config: Config,
    orm: MikroORM,
    private readonly box: SecretsBox,
    mail: MailService,
    auth: AuthService,
    private readonly log: Logger,
    clock: () => Date,
  ) {
    this.selfOrigins.add(new URL(config.publicUrl).origin);
    this.sender = new WebhookSender(orm, { ...config.webhooks, box, mail, auth, log, clock, settingsUrl: `${config.publicUrl}/admin/settings/webhooks` });
  }

  /**
   * Once the server listens: its own address is refused as an endpoint, and sending starts every
   * WEBHOOK_POLL_MS, yielding to the requests this process serves (see WebhookSender.sendDue).
   */
  start(listeningPort: number, serving: Pressure): void {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) this.selfOrigins.add(`http://${host}:${listeningPort}`);
    this.job ??= every(this.config.webhooks.pollMs, 'send-webhooks', () => this.sender.sendDue(serving), this.log);
  }

  async close(): Promise<void> {
    await this.job?.stop();
    this.sender.close();
  }

  /**
   * A new endpoint and its signing secret (shown only here). Refused, writing nothing, when the
   * URL is not http(s), is this server, resolves to an internal address (loopback only with
   * WEBHOOK_ALLOW_LOOPBACK), names an unknown event, or the merchant has WEBHOOK_MAX_ENDPOINTS.
   */
  async create(em: EntityManager, merchantId: string, input: unknown, now: Date): Promise<{ secret: string; endpoint: WebhookEndpoint }> {
    const data = parseInput(inputSchema, input);
    const url = new URL(data.url);
    if (this.selfOrigins.has(url.origin)) throw badInput('The URL is this server: an endpoint must be your own receiver', { url: 'is this server' });
    const refused = await hostRefusal(url.hostname, this.config.webhooks.allowLoopback);
    if (refused) throw badInput(`The URL cannot receive webhooks: ${refused}`, { url: `cannot be used: ${refused}` });
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    return em.transactional(async (tx) => {
      // Serializes a merchant's creations, so two at once cannot both pass the limit.
      await tx.execute(`select pg_advisory_xact_lock(hashtext('sorae:webhook-endpoints:' || ?))`, [merchantId]);
      const count = await tx.count(WebhookEndpoint, {});
      const max = this.config.webhooks.maxEndpoints;
      if (count >= max) throw badInput(`At most ${max} webhook endpoints: delete one first`, { url: `at most ${max} endpoints` });
      const endpoint = tx.create(WebhookEndpoint, { merchant: merchantId, url: url.href, events: [...new Set(data.events)], secret: '', createdAt: now });
      endpoint.secret = this.box.seal(secret, endpointSecretContext(endpoint.id));
      await tx.flush();
      return { secret, endpoint };
    });
  }

  /**
   * At start-up: seals with the current SECRETS_KEY every endpoint secret sealed with
   * SECRETS_KEY_PREVIOUS (as the order-webhook secrets and Stripe sales keys are), so a rotation
   * can drop the old key. A row is replaced only if it still holds what was read, so processes
   * starting together do not clash; a secret sealed with a key this process lacks stops the start.
   */
  async resealAll(em: EntityManager): Promise<number> {
    const rows = await em.getConnection().execute<{ id: string; secret: string }[]>(`select id, secret from webhook_endpoint`);
    const stale = rows.filter((r) => !this.box.isCurrent(r.secret));
    for (const r of stale) {
      const context = endpointSecretContext(r.id);
      await em
        .getConnection()
        .execute(
          `update webhook_endpoint set secret = ? where id = ? and secret = ?`,
          [this.box.seal(this.box.open(r.secret, context), context), r.id, r.secret],
          'run',
        );
    }
    return stale.length;
  }

  list(em: EntityManager): Promise<WebhookEndpoint[]> {
    return em.find(WebhookEndpoint, {}, { orderBy: { id: 'asc' } });
  }

  /** Deletes the endpoint and its delivery log; nothing more is sent to it. */
  async delete(em: EntityManager, id: string): Promise<boolean> {
    const endpoint = isUuid(id) ? await em.findOne(WebhookEndpoint, { id }) : null;
    if (!endpoint) throw notFound('Webhook endpoint');
    await em.nativeDelete(WebhookEndpoint, { id: endpoint.id });
    return true;
  }

  /** An endpoint's deliveries, newest first. */
  async deliveries(em: EntityManager, endpointId: string, page: PageRequest) {
    const endpoint = isUuid(endpointId) ? await em.findOne(WebhookEndpoint, { id: endpointId }) : null;
    if (!endpoint) throw notFound('Webhook endpoint');
    return paginate(em, WebhookDelivery, { endpoint: endpoint.id }, page);
  }

  /** Each delivery's attempts, oldest first, for a page of deliveries in one query. */
  async attemptsOf(em: EntityManager, deliveryIds: readonly string[]): Promise<WebhookAttempt[][]> {
    const rows = await em.find(WebhookAttempt, { delivery: { $in: [...deliveryIds] } }, { orderBy: { id: 'asc' } });
    return deliveryIds.map((id) => rows.filter((a) => a.delivery.id === id));
  }

  /**
   * Sends a delivery again now, under the same webhook-id, with a fresh retry schedule; a
   * disabled endpoint is enabled again (redelivering is how its owner says it is fixed).
   */
  async redeliver(em: EntityManager, deliveryId: string, now: Date): Promise<WebhookDelivery> {
    const delivery = isUuid(deliveryId) ? await em.findOne(WebhookDelivery, { id: deliveryId }) : null;
    if (!delivery) throw notFound('Webhook delivery');
    await em.transactional(async (tx) => {
      await tx.execute(
        `update webhook_delivery set status = ?, next_attempt_at = ?, retry_step = 0, claim = null where id = ?`,
        [WebhookDeliveryStatus.PENDING, now, delivery.id],
        'run',
      );
      await tx.execute(
        `update webhook_endpoint set disabled_at = null, failing_since = null where id = ? and disabled_at is not null`,
        [delivery.endpoint.id],
        'run',
      );
    });
    await em.refresh(delivery);
    return delivery;
  }

  // ---- The outbox port ----

  async enqueue(exec: Exec, events: readonly OutgoingEvent[], now: Date): Promise<void> {
    if (!events.length) return;
    const rows = `(select * from unnest(?::uuid[], ?::text[], ?::json[]) as r(merchant_id, type, data))`;
    await exec(outboxInsert(rows), [
      ...outboxParams(now),
      pgArray(events.map((e) => e.merchantId)),
      pgTextArray(events.map((e) => e.type)),
      pgTextArray(events.map((e) => JSON.stringify(e.data))),
    ]);
  }

  enqueueStatement(type: WebhookEventType, source: string, now: Date) {
    return { sql: outboxInsert(`(select s.merchant_id, ?::text as type, s.data::json as data from ${source} s)`), params: [...outboxParams(now), type] };
  }
}

/**
 * One delivery per event and enabled endpoint of its merchant subscribed to its type; an event
 * no endpoint wants writes nothing. The message id (the webhook-id) is the event's, shared by its
 * endpoints; ids follow the real clock so lists keep insertion order under a test's fixed clock.
 */
const outboxInsert = (rows: string) => `
  insert into webhook_delivery (id, merchant_id, endpoint_id, message_id, event_type, body, status, attempts, retry_step, next_attempt_at, created_at)
  select sorae_uuidv7(clock_timestamp()), m.merchant_id, e.id, m.message_id, m.type,
         json_build_object('type', m.type, 'timestamp', ?::text, 'data', m.data)::text, 'PENDING', 0, 0, ?::timestamptz, ?::timestamptz
    from (select r.merchant_id, r.type, r.data, sorae_uuidv7(clock_timestamp()) as message_id from ${rows} r) m
    join webhook_endpoint e on e.merchant_id = m.merchant_id and e.disabled_at is null and m.type = any(e.events)`;

const outboxParams = (now: Date) => [now.toISOString(), now, now];
