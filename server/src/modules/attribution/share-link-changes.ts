import pg from 'pg';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';

/** Links whose answer may have changed: every share link of an enrollment, or of a campaign. */
export interface ShareLinkChange {
  kind: 'enrollment' | 'campaign';
  id: string;
}

/**
 * The PostgreSQL channel share-link changes are announced on: by triggers on `enrollment` and
 * `campaign` (see the migration that creates `share_link_changed`), so at commit and whoever
 * writes, as `<kind>:<id>`.
 */
export const SHARE_LINK_CHANNEL = 'sorae_share_links';

/** What the listener's connection is called in `pg_stat_activity`. */
export const SHARE_LINK_LISTENER_NAME = 'sorae-share-links';

/** The change a notification carries, or null for anything else on the channel. */
export function decodeShareLinkChange(payload: string | undefined): ShareLinkChange | null {
  const [kind, id, ...rest] = (payload ?? '').split(':');
  if (rest.length || !id || !isUuid(id) || (kind !== 'enrollment' && kind !== 'campaign')) return null;
  return { kind, id };
}

export interface ShareLinkListenerOptions {
  onChange: (change: ShareLinkChange) => void;
  /** Called when listening resumes after a lost connection: notifications sent meanwhile are gone. */
  onGap: () => void;
  log: Logger;
  /** First wait before reconnecting, doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Longest wait for a connection, and for a heartbeat's answer. */
  timeoutMs?: number;
  /** How often the idle connection is checked: a peer that vanished without closing it is noticed then. */
  heartbeatMs?: number;
}

/**
 * Hears the share-link changes of every server process (`LISTEN` on a connection of its own),
 * so a suspension or a paused campaign stops the link in every process at once rather than
 * after the cache's TTL. A lost connection (an error, its end, or an unanswered heartbeat) is
 * retried with backoff; meanwhile the cache's TTL bounds staleness, and `onGap` lets the owner
 * drop what it may have missed.
 */
export class ShareLinkListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private listening = false;
  private readonly timeoutMs: number;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: ShareLinkListenerOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Connects and listens, waiting at most `timeoutMs`; on failure it keeps retrying in the background. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Whether the listening connection is up (a process that is not hears changes only through the TTL). */
  get connected(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.drop();
    if (client) await end(client, 1000);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: SHARE_LINK_LISTENER_NAME,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== SHARE_LINK_CHANNEL) return;
      const change = decodeShareLinkChange(message.payload);
      if (!change) this.options.log.warn({ payload: message.payload }, 'share-link listener: ignored a malformed notification');
      else this.guarded(() => this.options.onChange(change));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${SHARE_LINK_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.closed || this.client !== client) return;
    const resumed = this.failures > 0;
    this.failures = 0;
    this.listening = true;
    this.heartbeat = setInterval(() => client.query('select 1').catch((err: unknown) => this.lost(client, err)), this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    if (resumed) {
      this.options.log.info('share-link listener: listening again');
      this.guarded(() => this.options.onGap());
    }
  }

  private lost(client: pg.Client, err: unknown) {
    // Each connection reports its loss once, and only the current one schedules a retry.
    if (this.closed || this.client !== client) return;
    this.drop();
    void end(client, 1000);
    this.failures++;
    const wait = Math.min((this.options.retryMs ?? 200) * 2 ** (this.failures - 1), this.options.maxRetryMs ?? 10_000);
    this.options.log.warn({ err, retryInMs: wait }, "share-link listener: connection lost; other processes' changes reach this one within the cache TTL until it is back");
    this.retryTimer = setTimeout(() => void this.connect(), wait);
    this.retryTimer.unref();
  }

  private drop() {
    clearInterval(this.heartbeat);
    this.client = undefined;
    this.listening = false;
  }

  /** The owner's callbacks run inside the driver's socket handlers: a throw must not take the process down. */
  private guarded(fn: () => void) {
    try {
      fn();
    } catch (err) {
      this.options.log.error({ err }, 'share-link listener: a change handler failed');
    }
  }
}

/** Ends a connection, giving up on a polite goodbye after `ms` (a peer that stopped answering never sends one back). */
async function end(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
