import { chargeQueriesTo } from '../../db/query-counter.js';
import { pgArray } from '../../db/pg-arrays.js';
import { unavailable } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { ClickLog } from './click-log.js';

/** Where processes ask each other to flush (`request:<ticket>:<process>`) and say they did (`flushed:<ticket>:<process>`). */
export const CLICK_FLUSH_CHANNEL = 'sorae_click_flush';

/** Runs one statement (`?` placeholders) and returns its rows. */
export type Sql = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export interface ClickWatermarkOptions {
  /** How often the watermark is refreshed (and advanced when nothing is buffered); also the poll of a waiting order. */
  tickMs: number;
  /** A process whose watermark has not been refreshed for this long is considered gone: orders stop waiting for it. */
  processTimeoutMs: number;
  /** Longest wait of an order for clicks still being written before it is refused, retryable. */
  orderWaitMs: number;
  log: Logger;
}

/** An order's wait for the other processes: its ticket, and the live processes whose watermark has not reached it yet. */
interface Round {
  ticket: bigint;
  behind: Set<string>;
  /** When its order has been refused: the wait is dropped. */
  deadline: number;
  resolve: () => void;
}

const NOTIFICATION = /^(request|flushed):(\d{1,19}):([0-9a-f-]{36})$/;

const TICKET = `
  with t as (select nextval('click_flush_ticket') as n),
       live as (select process_id from click_flush_mark where process_id <> ?::uuid and seen_at > now() - ? * interval '1 millisecond')
  select t.n::text as ticket, array(select process_id::text from live) as behind,
         case when exists (select 1 from live) then pg_notify('${CLICK_FLUSH_CHANNEL}', 'request:' || t.n || ':' || ?) end as asked
    from t`;

const LATEST = `coalesce(pg_sequence_last_value('click_flush_ticket'), 0)`;
const LIVE_OTHERS = `(select count(*) from click_flush_mark m where m.process_id <> ?::uuid and m.seen_at > now() - ? * interval '1 millisecond')::int`;

const PUBLISH = `
  insert into click_flush_mark (process_id, through, seen_at) values (?::uuid, coalesce(?::bigint, ${LATEST}), now())
  on conflict (process_id) do update set through = greatest(click_flush_mark.through, excluded.through), seen_at = excluded.seen_at
  returning through::text, ${LATEST}::text as latest, ${LIVE_OTHERS} as others,
    case when ?::boolean then pg_notify('${CLICK_FLUSH_CHANNEL}', 'flushed:' || through || ':' || process_id) end as told`;

/**
 * Click watermarks: an order is attributed as if every click served before it arrived were
 * stored, whichever process served the click. Clicks wait in each process's buffer (the click
 * log) for up to a flush interval, so an order that names a click or a visitor first waits for
 * the clicks served before it:
 * - its own process's, by `ClickLog.sync()`;
 * - every other live process's. The order takes a ticket, `nextval('click_flush_ticket')`: its
 *   arrival in the database's one order of events. Each process publishes a watermark in
 *   `click_flush_mark`: "every click I served before ticket T was issued is stored". It claims
 *   T only after writing everything it had buffered once T was known (heard in a request, or
 *   read from the sequence by its previous publish), so a watermark never runs ahead of a click.
 *   The ticket's statement asks the live processes to flush now (NOTIFY); each answers with its
 *   new watermark, so the wait is a few round trips, not a flush interval. Idle processes
 *   advance their watermark on every tick, so a lost notification costs a tick or two.
 * - A process whose watermark has not been refreshed for `processTimeoutMs` is gone (killed
 *   with -9, or cut off from the database): orders stop waiting for it, and its unwritten clicks
 *   are lost. A process whose flush fails keeps refreshing it, so orders wait (then get a
 *   retryable refusal) rather than lose their click.
 * Callers coalesce: OrdersService makes the orders that arrive during one wait share the next.
 * A process that has seen no other live process for a moment skips the ticket (most deployments
 * run one process): each refresh of its watermark counts the others, and that count is trusted
 * for `ALONE_TRUST_MS` from when the statement was sent. A process that joins waits longer than
 * that before serving clicks, so any click it serves comes after every count that missed it
 * expired, hence after any order that relied on one. With PGlite (one process) only the local
 * sync is needed.
 */
export class ClickWatermarks {
  readonly processId = uuidv7();
  /** Registered: other processes on the database may serve clicks too. */
  private shared = false;
  private closed = false;
  /** The newest ticket issued when the last publish read the sequence, and the watermark published. */
  private latest = 0n;
  private published = 0n;
  /** The highest ticket another process asked this one to cover, not yet published. */
  private wanted: bigint | undefined;
  private running: Promise<void> | undefined;
  private heartbeating = false;
  private ticker: NodeJS.Timeout | undefined;
  // The order side: waits under way, and the watermarks heard from other processes.
  private readonly waiting = new Set<Round>();
  private readonly heard = new Map<string, bigint>();
  /** Until when (performance.now()) no other live process can have served a click this one has not waited for. */
  private aloneUntil = 0;
  private readonly aloneTrustMs: number;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly clicks: ClickLog,
    private readonly sql: Sql,
    private readonly options: ClickWatermarkOptions,
  ) {
    this.aloneTrustMs = Math.min(4 * options.tickMs, 2000);
  }

  /**
   * Joins the processes sharing the database, and forgets any gone for a day. Resolves when this
   * process may serve clicks: once every other process's count of live processes that missed it
   * has expired.
   */
  async register(): Promise<void> {
    await this.sql(`delete from click_flush_mark where seen_at < now() - interval '1 day'`, []);
    await this.publish(null, false);
    this.shared = true;
    this.ticker = setInterval(() => this.tick(), this.options.tickMs);
    this.ticker.unref();
    await new Promise((resolve) => setTimeout(resolve, this.aloneTrustMs + 100));
  }

  /**
   * Resolves once every click served before the call, by any live process, is stored. Refuses
   * (UNAVAILABLE, retryable) after `orderWaitMs`, while a flush keeps failing somewhere.
   */
  awaitServedClicks(): Promise<void> {
    return this.awaitStored(true);
  }

  /**
   * The same for the other live processes' clicks only, leaving this one's buffer to its own
   * schedule: for a reader that needs a click stored no later than the clicks served after it,
   * which this process's click log already ensures for its own (it writes them in order).
   */
  awaitOthersServedClicks(): Promise<void> {
    return this.awaitStored(false);
  }

  private async awaitStored(own: boolean): Promise<void> {
    const alone = !this.shared || performance.now() < this.aloneUntil;
    if (alone && !own) return;
    const stored = alone ? this.clicks.sync() : Promise.all([own ? this.clicks.sync() : undefined, this.othersStored()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.refusal()), this.options.orderWaitMs);
    });
    try {
      await Promise.race([stored, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A notification on CLICK_FLUSH_CHANNEL. */
  heardNotification(payload: string): void {
    const m = NOTIFICATION.exec(payload);
    if (!m || m[3] === this.processId) return;
    const ticket = BigInt(m[2]!);
    if (m[1] === 'request') {
      if (this.wanted === undefined || ticket > this.wanted) this.wanted = ticket;
      this.kick();
    } else this.heardMark(m[3]!, ticket);
  }

  /** Stops publishing and leaves (after the click log's last flush): orders stop waiting for this process. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    clearTimeout(this.poller);
    await this.running;
    if (this.shared) await this.sql(`delete from click_flush_mark where process_id = ?::uuid`, [this.processId]);
  }

  private refusal() {
    const seconds = Math.ceil(this.options.processTimeoutMs / 1000);
    return unavailable(`Clicks served before this order are still being written; nothing was recorded: retry in ${seconds} s`, seconds);
  }

  // ---- This process's watermark ----

  private tick() {
    // A flush that keeps failing holds the watermark back; refreshing it shows this process is alive.
    if (this.running) void this.heartbeat();
    else this.kick();
  }

  private kick() {
    if (!this.running && !this.closed) this.running = this.publishLoop().finally(() => (this.running = undefined));
  }

  private async publishLoop(): Promise<void> {
    do {
      const requested = this.wanted;
      this.wanted = undefined;
      let claim = this.published;
      if (requested !== undefined) {
        // Everything buffered now was served before this sync; the tickets known now were issued before that.
        const covered = requested > this.latest ? requested : this.latest;
        await this.clicks.sync();
        claim = covered;
      } else if (this.clicks.pending === 0) claim = this.latest;
      if (this.closed) return;
      try {
        await this.publish(claim, claim > this.published);
      } catch (err) {
        if (requested !== undefined && (this.wanted === undefined || requested > this.wanted)) this.wanted = requested;
        this.options.log.error({ err }, 'click watermark: publishing failed; orders elsewhere wait until it succeeds');
        return; // the next tick tries again
      }
    } while (this.wanted !== undefined && !this.closed);
  }

  /** Upserts this process's watermark (null: the newest ticket, before any click is served) and reads the newest ticket. */
  private async publish(claim: bigint | null, tell: boolean): Promise<void> {
    const sent = performance.now();
    const [row] = await chargeQueriesTo([], () =>
      this.sql<{ through: string; latest: string; others: number }>(PUBLISH, [
        this.processId,
        claim?.toString() ?? null,
        this.processId,
        this.options.processTimeoutMs,
        tell,
      ]),
    );
    this.published = BigInt(row!.through);
    this.latest = BigInt(row!.latest);
    this.aloneUntil = row!.others === 0 ? sent + this.aloneTrustMs : 0;
  }

  private async heartbeat() {
    if (this.heartbeating || this.closed) return;
    this.heartbeating = true;
    try {
      await this.sql(`update click_flush_mark set seen_at = now() where process_id = ?::uuid`, [this.processId]);
    } catch (err) {
      this.options.log.warn({ err }, 'click watermark: heartbeat failed');
    } finally {
      this.heartbeating = false;
    }
  }

  // ---- Orders waiting for other processes ----

  /** Takes a ticket (asking the live processes to flush) and resolves when their watermarks pass it or they count as gone. */
  private async othersStored(): Promise<void> {
    let row: { ticket: string; behind: string[] } | undefined;
    const sent = performance.now();
    try {
      [row] = await chargeQueriesTo([], () =>
        this.sql<{ ticket: string; behind: string[] }>(TICKET, [this.processId, this.options.processTimeoutMs, this.processId]),
      );
    } catch (err) {
      this.options.log.error({ err }, 'click watermark: could not take a ticket');
      throw this.refusal();
    }
    const ticket = BigInt(row!.ticket);
    if (!row!.behind.length) this.aloneUntil = Math.max(this.aloneUntil, sent + this.aloneTrustMs);
    const behind = new Set(row!.behind.filter((p) => (this.heard.get(p) ?? -1n) < ticket));
    if (!behind.size) return;
    await new Promise<void>((resolve) => {
      this.waiting.add({ ticket, behind, deadline: Date.now() + this.options.orderWaitMs, resolve });
      this.schedulePoll();
    });
  }

  private heardMark(processId: string, through: bigint) {
    if (through > (this.heard.get(processId) ?? -1n)) this.heard.set(processId, through);
    for (const round of this.waiting) if (through >= round.ticket) this.passed(round, processId);
  }

  private passed(round: Round, processId: string) {
    round.behind.delete(processId);
    if (round.behind.size) return;
    this.waiting.delete(round);
    round.resolve();
  }

  /** The fallback to notifications (lost, or a listener that is down), and how gone processes are noticed. */
  private schedulePoll() {
    this.poller ??= setTimeout(() => void this.poll(), this.options.tickMs);
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    for (const round of this.waiting) if (round.deadline < now) this.waiting.delete(round); // its orders were refused
    const ids = [...new Set([...this.waiting].flatMap((r) => [...r.behind]))];
    try {
      if (!ids.length) return;
      const rows = await this.sql<{ process_id: string; through: string; live: boolean }>(
        `select process_id::text, through::text, seen_at > now() - ? * interval '1 millisecond' as live
           from click_flush_mark where process_id = any(?::uuid[])`,
        [this.options.processTimeoutMs, pgArray(ids)],
      );
      const found = new Map(rows.map((r) => [r.process_id, r]));
      for (const id of ids) {
        const row = found.get(id);
        if (!row || !row.live) {
          this.options.log.warn({ processId: id }, 'click watermark: a process stopped refreshing its watermark; orders no longer wait for it');
          this.heard.delete(id);
          for (const round of this.waiting) if (round.behind.has(id)) this.passed(round, id);
        } else this.heardMark(id, BigInt(row.through));
      }
    } catch (err) {
      this.options.log.warn({ err }, 'click watermark: could not read the watermarks');
    } finally {
      this.poller = undefined;
      if (this.waiting.size && !this.closed) this.schedulePoll();
    }
  }
}
