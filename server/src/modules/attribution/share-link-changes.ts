import pg from 'pg';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';

/** Links whose answer may have changed: every share link of an enrollment, or of a campaign. */
export interface ShareLinkChange {
  kind: 'enrollment' | 'campaign';
  id: string;
}

/** The PostgreSQL channel every server process listens on for share-link changes. */
export const SHARE_LINK_CHANNEL = 'sorae_share_links';

export const encodeShareLinkChange = (change: ShareLinkChange) => `${change.kind}:${change.id}`;

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
}

/**
 * Hears the share-link changes of every server process (`LISTEN` on one connection of its own),
 * so a suspension or a paused campaign stops the link in every process at once rather than
 * after the cache's TTL. A lost connection is retried with backoff; the cache's TTL bounds
 * staleness meanwhile, and `onGap` lets the owner drop what it may have missed.
 */
export class ShareLinkListener {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private listening = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: ShareLinkListenerOptions,
  ) {}

  /** Connects and listens; when that fails, keeps retrying in the background rather than failing start-up. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the listening connection is up (a process that is not hears changes only through the TTL). */
  get connected(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== SHARE_LINK_CHANNEL) return;
      const change = decodeShareLinkChange(message.payload);
      if (change) this.options.onChange(change);
      else this.options.log.warn({ payload: message.payload }, 'share-link listener: ignored a malformed notification');
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
    if (resumed) {
      this.options.log.info('share-link listener: listening again');
      this.options.onGap();
    }
  }

  private lost(client: pg.Client, err: unknown) {
    // Each connection reports its loss once, and only the current one schedules a retry.
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => undefined);
    this.failures++;
    const wait = Math.min((this.options.retryMs ?? 200) * 2 ** (this.failures - 1), this.options.maxRetryMs ?? 10_000);
    this.options.log.warn({ err, retryInMs: wait }, 'share-link listener: connection lost; other processes\' changes reach this one within the cache TTL until it is back');
    this.timer = setTimeout(() => void this.connect(), wait);
  }
}
