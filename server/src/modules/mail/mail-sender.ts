import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createTransport, type Transporter } from 'nodemailer';
import { pgArray } from '../../db/pg-arrays.js';
import type { Logger } from '../../logger.js';
import { MailStatus } from './mail-message.entity.js';

export interface SenderOptions {
  smtpUrl: string;
  /** The From address; its display name is each message's merchant. */
  from: string;
  retryBaseMs: number;
  retryMaxMs: number;
  log: Logger;
}

interface Due {
  id: string;
  to_address: string;
  from_name: string;
  subject: string;
  html: string;
  text: string;
  unsubscribe_url: string | null;
  attempts: number;
}

/** Messages claimed per transaction: the rows stay locked while they are handed to the SMTP server. */
const BATCH = 10;

/**
 * Sends queued messages. A batch is claimed with `FOR UPDATE SKIP LOCKED` and stays locked until
 * its outcome is committed, so two senders (in one process or many) never send one message twice;
 * a process that dies mid-batch leaves its rows to the next sender (the SMTP server may then have
 * received one of them twice: at least once, never lost). No answer or a 4xx: retried after a
 * backoff doubling from MAIL_RETRY_BASE_MS up to MAIL_RETRY_MAX_MS, for as long as it takes; a
 * 5xx refusal: FAILED, with the server's answer for the outbox.
 */
export class MailSender {
  private readonly transport: Transporter;

  constructor(
    private readonly orm: MikroORM,
    private readonly opts: SenderOptions,
  ) {
    this.transport = createTransport({ url: opts.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  /**
   * Sends everything due now; returns how many messages were sent or refused. The pass ends at
   * the first message that got no answer: the server is down, and the next pass tries again.
   */
  async sendDue(): Promise<number> {
    let done = 0;
    for (;;) {
      const pass = await this.orm.em.fork().transactional(async (tx) => {
        const due = await tx.execute<Due[]>(
          `select id, to_address, from_name, subject, html, text, unsubscribe_url, attempts from mail_message
            where status = 'QUEUED' and next_attempt_at <= now() order by next_attempt_at, id limit ${BATCH} for update skip locked`,
        );
        const sent: string[] = [];
        let finished = 0;
        let down = false;
        for (const m of due) {
          const error = await this.send(m);
          if (!error) sent.push(m.id);
          else await this.failed(tx, m, error);
          if (error && !error.permanent) {
            down = true;
            break;
          }
          finished++;
        }
        if (sent.length) {
          await tx.execute(
            `update mail_message set status = 'SENT', sent_at = now(), attempts = attempts + 1, last_error = null where id = any(?::uuid[])`,
            [pgArray(sent)],
            'run',
          );
        }
        return { finished, more: !down && due.length === BATCH };
      });
      done += pass.finished;
      if (!pass.more) return done;
    }
  }

  private async send(m: Due): Promise<{ message: string; permanent: boolean } | null> {
    try {
      await this.transport.sendMail({
        from: { name: m.from_name, address: this.opts.from },
        to: m.to_address,
        subject: m.subject,
        html: m.html,
        text: m.text,
        ...(m.unsubscribe_url
          ? { list: { unsubscribe: { url: m.unsubscribe_url, comment: 'Unsubscribe' } }, headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }
          : {}),
      });
      return null;
    } catch (e) {
      const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      return { message: (err.response ?? err.message ?? String(e)).slice(0, 1000), permanent };
    }
  }

  private async failed(tx: EntityManager, m: Due, error: { message: string; permanent: boolean }) {
    if (error.permanent) {
      this.opts.log.warn({ mailId: m.id }, 'mail: refused by the SMTP server');
      await tx.execute(
        `update mail_message set status = ?, attempts = attempts + 1, last_error = ? where id = ?`,
        [MailStatus.FAILED, error.message, m.id],
        'run',
      );
      return;
    }
    const waitMs = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(m.attempts, 30));
    this.opts.log.warn({ mailId: m.id, attempts: m.attempts + 1, waitMs }, 'mail: SMTP server unavailable, retrying later');
    await tx.execute(
      `update mail_message set attempts = attempts + 1, last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?`,
      [error.message, waitMs / 1000, m.id],
      'run',
    );
  }

  close(): void {
    this.transport.close();
  }
}
