import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { Pressure } from '../../http/serving-pressure.js';
import type { SecretsBox } from '../../secrets-box.js';
import type { AuthService } from '../auth/index.js';
import type { MailService } from '../mail/index.js';
import { addressRefusal, guardedLookup } from './endpoint-address.js';
import { nextAttemptAt } from './retry-schedule.js';
import { WebhookDeliveryStatus } from './webhook.entity.js';

/** What an endpoint's sealed secret is bound to: it opens in that endpoint's row only. */
export const endpointSecretContext = (endpointId: string) => `webhook-endpoint-secret:${endpointId}`;

export interface WebhookSenderOptions {
  timeoutMs: number;
  concurrency: number;
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
  allowLoopback: boolean;
  box: SecretsBox;
  mail: MailService;
  auth: AuthService;
  log: Logger;
  clock: () => Date;
  settingsUrl: string;
}

interface Claimed {
  id: string;
  merchant_id: string;
  endpoint_id: string;
  message_id: string;
  body: string;
  retry_step: number;
  claim: string;
  url: string;
  secret: string;
}

interface Outcome {
  delivery: Claimed;
  attemptedAt: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** The share of the time the sender may take while the process is busy serving requests. */
const SHARE_WHEN_BUSY = 0.05;

const ok = (o: Outcome) => o.status !== null && o.status >= 200 && o.status < 300;

/**
 * POSTs due deliveries. A batch is claimed with `FOR UPDATE SKIP LOCKED` and, in the same
 * statement, moved out of reach (`next_attempt_at` past the time its sends can take) under this
 * claim's token, then committed: other senders (in this process or another) skip it, and only
 * the claim's holder records the outcome. A process that dies mid-batch leaves its rows to be
 * sent again once the claim lapses (at least once, never lost; the receiver sees the same
 * webhook-id). The sends run outside any transaction, WEBHOOK_CONCURRENCY at a time, each bounded
 * by WEBHOOK_TIMEOUT_MS.
 */
export class WebhookSender {
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly batch: number;
  private pausedUntil = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly opts: WebhookSenderOptions,
  ) {
    const agent = { keepAlive: true, maxSockets: opts.concurrency };
    this.agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
    this.batch = opts.concurrency * 4;
  }

  /**
   * Sends everything due now; returns how many attempts were made. While `pressure` says the
   * process is busy serving requests, a delivery waits rather than slow them ("delivery never
   * slows the request that caused the event"): one batch of WEBHOOK_CONCURRENCY at a time, then a
   * pause long enough that sending takes at most SHARE_WHEN_BUSY of the time. Deliveries keep
   * moving under any load, and the backlog goes at full speed once requests ease.
   */
  async sendDue(pressure?: Pressure): Promise<number> {
    let done = 0;
    for (;;) {
      const busy = pressure?.busy() ?? false;
      if (busy && performance.now() < this.pausedUntil) return done;
      const started = performance.now();
      const limit = busy ? this.opts.concurrency : this.batch;
      const claimed = await this.claim(limit);
      if (!claimed.length) return done;
      const outcomes = await this.sendAll(claimed);
      await this.record(outcomes);
      done += outcomes.length;
      if (busy) this.pausedUntil = performance.now() + ((performance.now() - started) * (1 - SHARE_WHEN_BUSY)) / SHARE_WHEN_BUSY;
      if (claimed.length < limit) return done;
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.opts.clock();
    // Longer than the batch can take: `batch / concurrency` rounds of one timeout each, and a margin.
    const leaseMs = this.opts.timeoutMs * Math.ceil(this.batch / this.opts.concurrency) + 10_000;
    return this.orm.em.fork().execute<Claimed[]>(
      `with due as (select d.id from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id and e.disabled_at is null
                     where d.status = 'PENDING' and d.next_attempt_at <= ? order by d.next_attempt_at limit ? for update of d skip locked),
            claimed as (update webhook_delivery d set claim = ?, next_attempt_at = ? from due where d.id = due.id
                        returning d.id, d.merchant_id, d.endpoint_id, d.message_id, d.body, d.retry_step, d.claim)
       select c.*, e.url, e.secret from claimed c join webhook_endpoint e on e.id = c.endpoint_id`,
      [now, limit, uuidv7(), new Date(now.getTime() + leaseMs)],
    );
  }

  private async sendAll(claimed: Claimed[]): Promise<Outcome[]> {
    const signers = new Map<string, Webhook | Error>();
    const signer = (c: Claimed) => {
      let s = signers.get(c.endpoint_id);
      if (!s) {
        try {
          s = new Webhook(this.opts.box.open(c.secret, endpointSecretContext(c.endpoint_id)));
        } catch (e) {
          s = e instanceof Error ? e : new Error(String(e));
        }
        signers.set(c.endpoint_id, s);
      }
      return s;
    };
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const c = claimed[next++]!;
        outcomes.push(await this.send(c, signer(c)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, claimed.length) }, worker));
    return outcomes;
  }

  private async send(c: Claimed, signer: Webhook | Error): Promise<Outcome> {
    const attemptedAt = this.opts.clock();
    const started = performance.now();
    const done = (status: number | null, error: string | null): Outcome => ({
      delivery: c,
      attemptedAt,
      status,
      error: error && error.slice(0, 1000),
      durationMs: Math.round(performance.now() - started),
    });
    if (signer instanceof Error) return done(null, `cannot sign: ${signer.message}`);
    const url = new URL(c.url);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    const refused = isIP(literal) ? addressRefusal(literal, this.opts.allowLoopback) : null;
    if (refused) return done(null, `refused: ${refused}`);
    const msgId = `msg_${c.message_id}`;
    // The wire's timestamp is the real clock's: receivers compare it with theirs.
    const sentAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Sorae-Webhooks/1',
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signer.sign(msgId, sentAt, c.body),
      'content-length': String(Buffer.byteLength(c.body)),
    };
    const https = url.protocol === 'https:';
    return new Promise<Outcome>((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers,
        agent: https ? this.agents.https : this.agents.http,
        lookup: guardedLookup(this.opts.allowLoopback),
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      req.on('response', (res: IncomingMessage) => {
        // The answer's body is not read beyond draining it: only the status counts.
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(done(res.statusCode ?? null, null));
        });
        res.on('error', () => undefined);
      });
      req.on('error', (e: Error) => {
        clearTimeout(timer);
        resolve(done(null, e.message));
      });
      req.end(c.body);
    });
  }

  /** The batch's outcomes in one transaction, a fixed number of statements; only this claim's rows are written. */
  private async record(outcomes: Outcome[]): Promise<void> {
    const schedule = this.opts.retryScheduleMs;
    const rows = outcomes.map((o) => {
      const retryAt = ok(o) ? null : nextAttemptAt(schedule, o.delivery.retry_step + 1, o.attemptedAt);
      const status = ok(o) ? WebhookDeliveryStatus.SUCCEEDED : retryAt ? WebhookDeliveryStatus.PENDING : WebhookDeliveryStatus.FAILED;
      return { o, status, retryAt };
    });
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    await this.orm.em.fork().transactional(async (tx) => {
      await tx.execute(
        `with x as (select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::timestamptz[], ?::int[], ?::text[], ?::int[], ?::timestamptz[])
                      as x(id, claim, status, attempted_at, response_status, error, duration_ms, retry_at)),
              d as (update webhook_delivery d
                       set status = x.status::webhook_delivery_status, attempts = d.attempts + 1,
                           retry_step = case when x.status = 'SUCCEEDED' then d.retry_step else d.retry_step + 1 end,
                           next_attempt_at = coalesce(x.retry_at, x.attempted_at), claim = null,
                           last_response_status = x.response_status, last_error = x.error,
                           delivered_at = case when x.status = 'SUCCEEDED' then x.attempted_at else d.delivered_at end
                      from x where d.id = x.id and d.claim = x.claim
                    returning d.id, d.merchant_id)
         insert into webhook_attempt (id, merchant_id, delivery_id, attempted_at, response_status, error, duration_ms)
         select sorae_uuidv7(clock_timestamp()), d.merchant_id, x.id, x.attempted_at, x.response_status, x.error, x.duration_ms from x join d on d.id = x.id`,
        [
          pgArray(col((r) => r.o.delivery.id)),
          pgArray(col((r) => r.o.delivery.claim)),
          pgTextArray(col((r) => r.status)),
          pgTextArray(col((r) => r.o.attemptedAt.toISOString())),
          pgTextArray(col((r) => (r.o.status === null ? null : String(r.o.status)))),
          pgTextArray(col((r) => r.o.error)),
          pgArray(col((r) => r.o.durationMs)),
          pgTextArray(col((r) => r.retryAt?.toISOString() ?? null)),
        ],
        'run',
      );
      await this.endpointHealth(tx, outcomes);
    });
  }

  /**
   * An endpoint that answered 2xx is healthy again; one that failed is failing since its first
   * failure, and disabled once that is WEBHOOK_DISABLE_AFTER_HOURS ago: its pending deliveries
   * are FAILED (redeliverable) and its owners emailed, in this transaction.
   */
  private async endpointHealth(tx: EntityManager, outcomes: Outcome[]): Promise<void> {
    const healthy = new Set(outcomes.filter(ok).map((o) => o.delivery.endpoint_id));
    const failing = [...new Set(outcomes.filter((o) => !ok(o)).map((o) => o.delivery.endpoint_id))].filter((id) => !healthy.has(id));
    if (healthy.size)
      await tx.execute(
        `update webhook_endpoint set failing_since = null where id = any(?::uuid[]) and failing_since is not null`,
        [pgArray([...healthy])],
        'run',
      );
    if (!failing.length) return;
    const now = this.opts.clock();
    const disabled = await tx
      .execute<{ id: string; merchant_id: string; url: string; failing_since: Date; disabled_at: Date | null }[]>(
        `update webhook_endpoint set failing_since = coalesce(failing_since, ?),
              disabled_at = case when failing_since <= ? then ?::timestamptz end
        where id = any(?::uuid[]) and disabled_at is null
       returning id, merchant_id, url, failing_since, disabled_at`,
        [now, new Date(now.getTime() - this.opts.disableAfterMs), now, pgArray(failing)],
      )
      .then((rows) => rows.filter((r) => r.disabled_at));
    if (!disabled.length) return;
    await tx.execute(
      `update webhook_delivery set status = 'FAILED', claim = null where endpoint_id = any(?::uuid[]) and status = 'PENDING'`,
      [pgArray(disabled.map((d) => d.id))],
      'run',
    );
    this.opts.log.warn({ endpoints: disabled.map((d) => d.id) }, 'webhooks: endpoints failing for too long were disabled');
    const owners = await this.opts.auth.ownerEmails(tx, [...new Set(disabled.map((d) => d.merchant_id))]);
    await this.opts.mail.enqueue(
      tx,
      disabled.flatMap((d) =>
        owners
          .filter((o) => o.merchantId === d.merchant_id)
          .map((o) => ({
            merchantId: d.merchant_id,
            to: o.email,
            template: 'webhookEndpointDisabled' as const,
            data: { url: d.url, since: new Date(d.failing_since).toUTCString(), settingsUrl: this.opts.settingsUrl },
          })),
      ),
      now,
    );
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
