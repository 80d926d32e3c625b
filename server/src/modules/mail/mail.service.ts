import { randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { badInput, notFound } from '../../errors.js';
import { paginate, type PageRequest } from '../../db/pagination.js';
import { isUuid, uuidv7 } from '../../ids.js';
import { every } from '../../jobs/periodic.js';
import type { Logger } from '../../logger.js';
import { MailSender } from './mail-sender.js';
import { MailMessage, MailStatus } from './mail-message.entity.js';
import { render, templates, type TemplateData, type TemplateName } from './templates.js';

/** One message to send: a template, its data, the recipient and the merchant it is from. */
export type MailInput = { [K in TemplateName]: { merchantId: string; to: string; template: K; data: TemplateData<K> } }[TemplateName];

const address = z.email();

/**
 * The mail port: `enqueue` is what other modules call, in the transaction of the change that
 * causes the message, so the message exists exactly when the change does and the request never
 * waits for SMTP. `MailSender` sends what is queued; without SMTP_URL messages stay in the
 * outbox, which the owner reads.
 */
export class MailService {
  /** With SMTP_URL: this process's sender (every process runs one; row locks keep them apart). */
  readonly sender: MailSender | null;
  private job: { stop(): Promise<void> } | undefined;

  constructor(
    private readonly config: Config,
    orm: MikroORM,
    private readonly log: Logger,
  ) {
    const { smtpUrl, from, retryBaseMs, retryMaxMs } = config.mail;
    this.sender = smtpUrl ? new MailSender(orm, { smtpUrl, from, retryBaseMs, retryMaxMs, log }) : null;
  }

  /** Starts sending queued mail every MAIL_POLL_MS (nothing to do without SMTP_URL). */
  start(): void {
    const sender = this.sender;
    if (sender) this.job ??= every(this.config.mail.pollMs, 'send-mail', () => sender.sendDue(), this.log);
  }

  async close(): Promise<void> {
    await this.job?.stop();
    this.sender?.close();
  }

  /**
   * Renders and stores messages (due at once by the database's clock; `now` is their date) with a fixed number of statements however many there are.
   * Throws BAD_USER_INPUT, writing nothing, when a recipient is not an email address.
   * `sameStatements`: run the statements even for no message, for a caller whose statement count
   * must not tell whether there was one (a password reset for an unknown address).
   */
  async enqueue(em: EntityManager, messages: MailInput | readonly MailInput[], now: Date, { sameStatements = false } = {}): Promise<void> {
    const list: readonly MailInput[] = Array.isArray(messages) ? messages : [messages as MailInput];
    if (!list.length && !sameStatements) return;
    const bad = list.find((m) => !address.safeParse(m.to).success);
    if (bad) throw badInput(`Cannot send email to "${bad.to.slice(0, 320)}": not an email address`, { to: 'must be an email address' });

    const merchantIds = [...new Set(list.map((m) => m.merchantId))];
    const merchants = await em.execute<{ id: string; name: string }[]>(`select id, name from merchant where id = any(?::uuid[])`, [pgArray(merchantIds)]);
    const merchantName = new Map(merchants.map((m) => [m.id, m.name]));
    const unsubscribe = await this.recipients(
      em,
      list.filter((m) => !templates[m.template].transactional),
    );

    const rows = list.flatMap((m) => {
      const recipient = templates[m.template].transactional ? undefined : unsubscribe.get(`${m.merchantId} ${m.to}`);
      if (recipient?.unsubscribed) return [];
      const url = recipient ? `${this.config.publicUrl}/mail/unsubscribe/${recipient.token}` : null;
      const name = merchantName.get(m.merchantId);
      if (name === undefined) throw new Error(`mail: unknown merchant ${m.merchantId}`);
      // The union's members pair each template with its data; TypeScript cannot follow that through `m.template`.
      const r = render(m.template, m.data as never, name, url);
      // By the real clock: the outbox and "the latest message" follow insertion order even when a test fixes `now`.
      return [{ id: uuidv7(), merchantId: m.merchantId, kind: m.template, to: m.to, fromName: name, url, ...r }];
    });
    if (!rows.length && !sameStatements) return;
    await em.execute(
      `insert into mail_message (id, merchant_id, kind, to_address, from_name, subject, html, text, unsubscribe_url, status, attempts, next_attempt_at, created_at)
       select m.id, m.merchant_id, m.kind, m.to_address, m.from_name, m.subject, m.html, m.text, m.unsubscribe_url, ?::mail_status, 0, now(), ?
         from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
           as m(id, merchant_id, kind, to_address, from_name, subject, html, text, unsubscribe_url)`,
      [
        this.config.mail.smtpUrl ? MailStatus.QUEUED : MailStatus.OUTBOX,
        now,
        pgArray(rows.map((r) => r.id)),
        pgArray(rows.map((r) => r.merchantId)),
        pgTextArray(rows.map((r) => r.kind)),
        pgTextArray(rows.map((r) => r.to)),
        pgTextArray(rows.map((r) => r.fromName)),
        pgTextArray(rows.map((r) => r.subject)),
        pgTextArray(rows.map((r) => r.html)),
        pgTextArray(rows.map((r) => r.text)),
        pgTextArray(rows.map((r) => r.url)),
      ],
      'run',
    );
  }

  /** Each notification recipient's unsubscribe token (made on first use) and whether they unsubscribed. */
  private async recipients(em: EntityManager, notifications: readonly MailInput[]) {
    const found = new Map<string, { token: string; unsubscribed: boolean }>();
    if (!notifications.length) return found;
    const merchants = pgArray(notifications.map((m) => m.merchantId));
    const emails = pgTextArray(notifications.map((m) => m.to));
    await em.execute(
      `insert into mail_recipient (id, merchant_id, email, unsubscribe_token)
       select r.id, r.merchant_id, r.email, r.token from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[]) as r(id, merchant_id, email, token)
       on conflict (merchant_id, email) do nothing`,
      [pgArray(notifications.map(() => uuidv7())), merchants, emails, pgTextArray(notifications.map(() => randomBytes(24).toString('base64url')))],
      'run',
    );
    const rows = await em.execute<{ merchant_id: string; email: string; unsubscribe_token: string; unsubscribed_at: string | null }[]>(
      `select r.merchant_id, r.email, r.unsubscribe_token, r.unsubscribed_at from mail_recipient r
         join unnest(?::uuid[], ?::text[]) as w(merchant_id, email) on w.merchant_id = r.merchant_id and w.email = r.email`,
      [merchants, emails],
    );
    for (const r of rows) found.set(`${r.merchant_id} ${r.email}`, { token: r.unsubscribe_token, unsubscribed: r.unsubscribed_at !== null });
    return found;
  }

  /** The unsubscribe link's action: the recipient gets no more notifications from that merchant. */
  async unsubscribe(em: EntityManager, token: string, now: Date): Promise<boolean> {
    const rows = await em.execute<unknown[]>(
      `update mail_recipient set unsubscribed_at = coalesce(unsubscribed_at, ?) where unsubscribe_token = ? returning id`,
      [now, token],
    );
    return rows.length > 0;
  }

  /** The owner's outbox, newest first. */
  outbox(em: EntityManager, page: PageRequest) {
    return paginate(em, MailMessage, {}, page);
  }

  async message(em: EntityManager, id: string): Promise<MailMessage> {
    const message = isUuid(id) ? await em.findOne(MailMessage, { id }) : null;
    if (!message) throw notFound('Message');
    return message;
  }
}
