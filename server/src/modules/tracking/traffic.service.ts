import { createHmac } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { EnrollmentStatus } from '../applications/index.js';
import { CampaignStatus } from '../campaigns/index.js';
import { paginateQuery, type PageRequest } from '../../db/pagination.js';
import { PgListener } from '../../db/pg-listener.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { isUuid } from '../../ids.js';
import { Click } from './click.entity.js';
import { ClickLog, postgresClickWriter, type ClickRecord, type ClickWriter } from './click-log.js';
import { CLICK_FLUSH_CHANNEL, ClickWatermarks } from './click-watermarks.js';
import { SHARE_LINK_CHANNEL, shareLinkHandler, type ShareLinkChange } from './share-link-changes.js';
import { withConnection, type Exec, type ReadPart } from '../../db/sql-runner.js';
import { ShareCodeCache, type ShareCodeCacheOptions, type ShareLink, type ShareLinkSource } from './share-codes.js';

const IP_HASHES_KEPT = 10_000;

export interface TrafficOptions {
  /** Replaces the PostgreSQL writer (tests inject failures). */
  writer?: ClickWriter;
  cache?: ShareCodeCacheOptions;
}

/**
 * Share links and the click log: what `GET /r/:code` needs, and what orders wait for. Lookups by
 * code go through an in-process cache; code that suspends an enrollment or pauses a campaign
 * calls `linksChanged`, so the link stops redirecting at once here, and the database announces
 * the change to every other server process (`shareWithOtherProcesses`). The cache's TTL (30 s)
 * bounds staleness while a process cannot hear the announcements. Orders wait for the clicks
 * served before them through the click watermarks (`awaitServedClicks`).
 */
/** An order looking for its clicks (see TrafficService.candidateClicks); `i` is its place in the batch. */
export interface ClickLookup {
  i: number;
  merchantId: string;
  visitorId: string | null;
  /** A click id the order names (a UUID), or null. */
  clickId: string | null;
  placedAt: Date;
}

/** Analytics' figures of stored clicks: per merchant, UTC day (YYYY-MM-DD), campaign and enrollment. */
export interface ClickDayFigures {
  merchantId: string;
  day: string;
  campaignId: string;
  enrollmentId: string;
  affiliateId: string;
  /** Clicks, bots left out. */
  clicks: number;
  /** Of their (link, visitor, UTC hour) keys, those this range counts (see clickFigures). */
  uniqueClicks: number;
}

/** A click an order may be attributed to. */
export interface CandidateClickRow {
  i: number;
  clickId: string;
  occurredAt: Date;
  isBot: boolean;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  visitorId: string;
}

export class TrafficService {
  readonly shareCodes: ShareCodeCache;
  readonly clicks: ClickLog;
  readonly watermarks: ClickWatermarks;
  private readonly ipHashes = new Map<string, string>();
  /** Derived from the IP secret, so one configured secret serves both and neither key is reused. */
  private readonly pseudonymKey: Buffer;
  private listener: PgListener | undefined;

  constructor(
    private readonly config: Config,
    orm: MikroORM,
    private readonly log: Logger,
    options: TrafficOptions = {},
  ) {
    this.pseudonymKey = createHmac('sha256', config.clicks.ipSecret).update('visitor-pseudonym').digest();
    this.shareCodes = new ShareCodeCache(shareLinksFrom(orm), options.cache);
    this.clicks = new ClickLog(options.writer ?? postgresClickWriter(orm), {
      flushMs: config.clicks.flushMs,
      batchSize: config.clicks.batchSize,
      log,
    });
    // Prepared statements on the driver: a wait's ticket costs half the CPU it does through the ORM.
    this.watermarks = new ClickWatermarks(this.clicks, (sql, params) => withConnection(orm.em, (exec) => exec(sql, params)), {
      tickMs: Math.min(config.clicks.flushMs, config.clicks.processTimeoutMs / 4),
      processTimeoutMs: config.clicks.processTimeoutMs,
      orderWaitMs: config.clicks.orderWaitMs,
      log,
    });
  }

  /** The link behind a normalized share code; a promise only when it is not cached. */
  findLink(code: string): ShareLink | null | Promise<ShareLink | null> {
    return this.shareCodes.get(code);
  }

  /** Buffers a click; a promise to await only when the buffer is full (see ClickLog). */
  recordClick(click: ClickRecord): void | Promise<void> {
    return this.clicks.record(click);
  }

  /**
   * Resolves once every click served before the call, by this process or any other live one, is
   * stored; refuses (UNAVAILABLE, retryable) while a flush keeps failing. Orders naming a click
   * or a visitor wait on it before attribution reads the clicks.
   */
  awaitServedClicks(): Promise<void> {
    return this.watermarks.awaitServedClicks();
  }

  /**
   * Port for analytics: the same for the clicks other live processes served (this process
   * stores its own in the order it served them); refuses as above.
   */
  awaitOthersServedClicks(): Promise<void> {
    return this.watermarks.awaitOthersServedClicks();
  }

  /**
   * HMAC-SHA256 of an IP address with the server's secret: what the click log stores. Recent
   * addresses are remembered in memory (never stored) so a shopper's, or an office's, next
   * click skips the HMAC; the map is bounded and simply starts over when full.
   */
  hashIp(ip: string): string {
    let hash = this.ipHashes.get(ip);
    if (hash === undefined) {
      hash = createHmac('sha256', this.config.clicks.ipSecret).update(ip).digest('hex');
      if (this.ipHashes.size >= IP_HASHES_KEPT) this.ipHashes.clear();
      this.ipHashes.set(ip, hash);
    }
    return hash;
  }

  /**
   * What an affiliate sees instead of a shopper's visitor id: stable, so repeat visitors still
   * show as one, but useless as a `sorae_vid` cookie. With the real id an affiliate could replay
   * a shopper's id through their own link and take the last click from whoever came after.
   */
  visitorPseudonym(visitorId: string): string {
    return `p_${createHmac('sha256', this.pseudonymKey).update(visitorId).digest('base64url').slice(0, 22)}`;
  }

  /** An affiliate's clicks, newest first (keyset over the click's UUIDv7 id). */
  clicksOf(em: EntityManager, merchantId: string, affiliateId: string, page: PageRequest) {
    return paginateQuery(() => em.createQueryBuilder(Click, 'k').where({ merchantId, affiliateId }), page);
  }

  /** Clicks per affiliate of a set, in one aggregate (affiliates' stats). */
  async clickCounts(em: EntityManager, merchantId: string, affiliateIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await em.execute<{ affiliate_id: string; n: string }[]>(
      `select affiliate_id, count(*) as n from click where merchant_id = ? and affiliate_id = any(?::uuid[]) group by affiliate_id`,
      [merchantId, pgArray(affiliateIds.filter(isUuid))],
    );
    return new Map(rows.map((r) => [r.affiliate_id, Number(r.n)]));
  }

  /**
   * Port for attribution (orders): the candidate clicks of a batch of orders, as the CTE
   * `tr_clicks` of the caller's reading statement (see readTogether; its columns include
   * `merchant_id`, `enrollment_id` and `campaign_id`). Per order (`i`), its clicks by click id or
   * visitor id (an indexed lookup each): those at or before the order's time first, newest
   * first, at most `limit`.
   */
  candidateClicks(orders: readonly ClickLookup[], limit: number): ReadPart<CandidateClickRow[]> {
    return {
      name: 'tr_clicks',
      sql: `tr_clicks as (
        select j.i, j.merchant_id, c.n, c.id, c.occurred_at, c.is_bot, c.enrollment_id, c.affiliate_id, c.campaign_id, c.visitor_id
          from unnest(?::int[], ?::uuid[], ?::text[], ?::uuid[], ?::timestamptz[]) as j(i, merchant_id, visitor_id, click_id, placed_at)
         cross join lateral (select k.*, row_number() over () as n
                               from (select * from click
                                      where merchant_id = j.merchant_id and (visitor_id = j.visitor_id or id = j.click_id)
                                      order by occurred_at > j.placed_at, occurred_at desc limit ?) k) c)`,
      params: [
        pgArray(orders.map((o) => o.i)),
        pgArray(orders.map((o) => o.merchantId)),
        pgTextArray(orders.map((o) => o.visitorId)),
        pgTextArray(orders.map((o) => o.clickId)),
        pgArray(orders.map((o) => o.placedAt.toISOString())),
        limit,
      ],
      read: (rows) =>
        (
          rows as unknown as {
            i: number;
            n: number;
            id: string;
            occurred_at: string;
            is_bot: boolean;
            enrollment_id: string;
            affiliate_id: string;
            campaign_id: string;
            visitor_id: string;
          }[]
        )
          .toSorted((x, y) => x.i - y.i || x.n - y.n)
          .map((r) => ({
            i: r.i,
            clickId: r.id,
            occurredAt: new Date(r.occurred_at),
            isBot: r.is_bot,
            enrollmentId: r.enrollment_id,
            affiliateId: r.affiliate_id,
            campaignId: r.campaign_id,
            visitorId: r.visitor_id,
          })),
    };
  }

  /**
   * Port for analytics: the transaction id below which every transaction has ended (committed
   * or not), so every click stored below it is visible now and no more will be.
   */
  async clicksSettledBelow(exec: Exec): Promise<string> {
    const [row] = await exec<{ through: string }>(`select pg_snapshot_xmin(pg_current_snapshot())::text as through`, []);
    return row!.through;
  }

  /**
   * Port for analytics: the figures of the clicks stored by transactions in [from, through), in
   * one statement (the range through the storing-transaction index). Each click lands in exactly
   * one range, so a reader that keeps its mark in the same transaction counts every click once.
   * A (link, visitor, hour) key is unique in the range that stores its visitor's first click (the
   * one whose redirect issued the visitor id) if it has one, otherwise in the range that stores
   * its first click. So a new visitor's click needs no lookup (its key is new); another click's
   * key looks in the visitor index for a click of the key stored before `from`, or for the
   * visitor's first click stored from `from` on. Another process may store a visitor's first
   * click after their second: the caller first waits until every click other processes served
   * before `through` was taken is stored (`awaitOthersServedClicks`), so that first click is
   * visible here; this process's click log stores its own in order.
   */
  async clickFigures(exec: Exec, from: string, through: string): Promise<ClickDayFigures[]> {
    const rows = await exec<{
      merchant_id: string;
      day: string;
      campaign_id: string;
      enrollment_id: string;
      affiliate_id: string;
      clicks: string;
      unique_clicks: string;
    }>(
      `select merchant_id, to_char(day, 'YYYY-MM-DD') as day, campaign_id, enrollment_id, min(affiliate_id::text) as affiliate_id,
              sum(clicks) as clicks, sum(unique_clicks) as unique_clicks
         from (select merchant_id, (occurred_at at time zone 'UTC')::date as day, campaign_id, enrollment_id, affiliate_id,
                      count(*) as clicks, count(*) as unique_clicks
                 from click where stored_tx >= ?::bigint and stored_tx < ?::bigint and not is_bot and new_visitor
                group by 1, 2, 3, 4, 5
               union all
               select merchant_id, hour::date, campaign_id, enrollment_id, affiliate_id, clicks,
                      case when exists (select 1 from click p
                                         where p.merchant_id = k.merchant_id and p.visitor_id = k.visitor_id
                                           and p.occurred_at >= k.hour at time zone 'UTC' and p.occurred_at < (k.hour + interval '1 hour') at time zone 'UTC'
                                           and p.enrollment_id = k.enrollment_id and not p.is_bot
                                           and (p.stored_tx is null or p.stored_tx < ?::bigint or (p.new_visitor and p.stored_tx >= ?::bigint)))
                           then 0 else 1 end
                 from (select merchant_id, campaign_id, enrollment_id, affiliate_id, visitor_id, date_trunc('hour', occurred_at at time zone 'UTC') as hour,
                              count(*) as clicks
                         from click where stored_tx >= ?::bigint and stored_tx < ?::bigint and not is_bot and not new_visitor
                        group by 1, 2, 3, 4, 5, 6) k) x
        group by merchant_id, day, campaign_id, enrollment_id`,
      [from, through, from, from, from, through],
    );
    return rows.map((r) => ({
      merchantId: r.merchant_id,
      day: r.day,
      campaignId: r.campaign_id,
      enrollmentId: r.enrollment_id,
      affiliateId: r.affiliate_id,
      clicks: Number(r.clicks),
      uniqueClicks: Number(r.unique_clicks),
    }));
  }

  /** An enrollment's or a campaign's links changed (once the change is saved): forgotten here at once. */
  linksChanged(change: ShareLinkChange): void {
    if (change.kind === 'enrollment') this.shareCodes.invalidateEnrollment(change.id);
    else this.shareCodes.invalidateCampaign(change.id);
  }

  /**
   * Other server processes may share the database: join the click watermarks (before any click
   * is served), and hear what the database announces for every process (a connection of its own
   * to `databaseUrl`): share-link changes, and other processes' flush requests and watermarks.
   */
  async shareWithOtherProcesses(databaseUrl: string): Promise<void> {
    await this.watermarks.register();
    this.listener = new PgListener(databaseUrl, {
      channels: {
        [SHARE_LINK_CHANNEL]: shareLinkHandler((change) => this.linksChanged(change), this.log),
        [CLICK_FLUSH_CHANNEL]: (payload) => this.watermarks.heardNotification(payload),
      },
      // Missed share-link changes: forget every link. Missed flush notifications: waiting orders poll.
      onGap: () => this.shareCodes.clear(),
      log: this.log,
    });
    await this.listener.start();
  }

  /** Stops listening, writes every buffered click, then leaves the watermarks: called on shutdown before the database closes. */
  async close(): Promise<void> {
    await Promise.all([this.listener?.close(), this.clicks.close().finally(() => this.watermarks.close())]);
  }
}

/**
 * Share codes are unique across merchants, so this lookup is deliberately global (no tenant):
 * one statement joining the enrollment with its campaign.
 */
function shareLinksFrom(orm: MikroORM): ShareLinkSource {
  return async (code) => {
    const rows = await orm.em.getConnection().execute<
      {
        enrollment_id: string;
        affiliate_id: string;
        campaign_id: string;
        merchant_id: string;
        destination_url: string;
        status: string;
        campaign_status: string;
      }[]
    >(
      `select e.id as enrollment_id, e.affiliate_id, e.campaign_id, e.merchant_id, e.status, c.status as campaign_status, c.destination_url
         from enrollment e join campaign c on c.id = e.campaign_id
        where e.share_code = ?`,
      [code],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      code,
      enrollmentId: row.enrollment_id,
      affiliateId: row.affiliate_id,
      campaignId: row.campaign_id,
      merchantId: row.merchant_id,
      destinationUrl: row.destination_url,
      active: row.status === EnrollmentStatus.ACTIVE && row.campaign_status === CampaignStatus.ACTIVE,
    };
  };
}
