import pg from 'pg';
import type { Logger } from '../logger.js';

/** What the listening connection is called in `pg_stat_activity`. */
export const LISTENER_NAME = 'sorae-listener';

export interface PgListenerOptions {
  /** A handler per channel, given each notification's payload. */
  channels: Record<string, (payload: string) => void>;
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
 * One connection of its own per process that `LISTEN`s on the channels other server processes
 * (and database triggers) announce on. A lost connection (an error, its end, or an unanswered
 * heartbeat) is retried with backoff; whoever uses a channel must tolerate the gap (a TTL, a
 * poll), and `onGap` lets them drop what they may have missed.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private listening = false;
  private readonly timeoutMs: number;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: PgListenerOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Connects and listens, waiting at most `timeoutMs`; on failure it keeps retrying in the background. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Whether the listening connection is up. */
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
      application_name: LISTENER_NAME,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    client.on('notification', (message) => {
      const handler = this.options.channels[message.channel];
      if (handler) this.guarded(() => handler(message.payload ?? ''));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(
        Object.keys(this.options.channels)
          .map((channel) => `LISTEN ${channel};`)
          .join(' '),
      );
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
      this.options.log.info('database listener: listening again');
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
    this.options.log.warn({ err, retryInMs: wait }, "database listener: connection lost; other processes' announcements are missed until it is back");
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
      this.options.log.error({ err }, 'database listener: a notification handler failed');
    }
  }
}

/** Ends a connection, giving up on a polite goodbye after `ms` (a peer that stopped answering never sends one back). */
async function end(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
