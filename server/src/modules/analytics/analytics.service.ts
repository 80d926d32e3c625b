import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { pgArray } from '../../db/pg-arrays.js';
import { badInput, parseInput } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { isCurrency, minorFromDb } from '../../money.js';
import type { CampaignsService } from '../campaigns/index.js';
import { AnalyticsInterval, TOP_AFFILIATES_DEFAULT, TOP_AFFILIATES_MAX, type Figures } from './analytics.types.js';

const DAY_MS = 86_400_000;
/** The longest period one answer covers (three years of days). */
export const MAX_DAYS = 1_096;

const inputSchema = z
  .object({
    from: z.date(),
    to: z.date(),
    interval: z.enum(AnalyticsInterval).nullish(),
    campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
    affiliateId: z.string().refine(isUuid, 'is not an affiliate id').nullish(),
    currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code such as USD').nullish(),
  })
  .refine((i) => i.from < i.to, { path: ['to'], message: 'must be after from' })
  .refine((i) => i.to.getTime() - i.from.getTime() <= MAX_DAYS * DAY_MS, { path: ['to'], message: `must be at most ${MAX_DAYS} days after from` });

export type AnalyticsInputValues = z.input<typeof inputSchema>;

/** One answer's selection: whole UTC days [fromDay, toDay), some campaigns (all in one currency), maybe one affiliate. */
export interface AnalyticsSelection {
  merchantId: string;
  fromDay: string;
  toDay: string;
  interval: AnalyticsInterval;
  currency: string;
  campaignIds: string[];
  affiliateId: string | null;
}

export interface AnalyticsAnswer {
  currency: string;
  totals: Figures;
  series: (Figures & { start: Date })[];
  selection: AnalyticsSelection;
}

export interface AffiliateFigures {
  affiliateId: string;
  clicks: number;
  conversions: number;
  revenueMinor: number;
  commissionMinor: number;
}

const TRUNC: Record<AnalyticsInterval, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);

/** The first day of the bucket holding `day` (UTC; weeks start on Monday, as PostgreSQL's date_trunc). */
export function bucketStart(day: Date, interval: AnalyticsInterval): Date {
  if (interval === AnalyticsInterval.DAY) return floorDay(day);
  if (interval === AnalyticsInterval.MONTH) return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
  const d = floorDay(day);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);
}

function nextBucket(start: Date, interval: AnalyticsInterval): Date {
  if (interval === AnalyticsInterval.DAY) return new Date(start.getTime() + DAY_MS);
  if (interval === AnalyticsInterval.WEEK) return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

const zero = (): Figures => ({ clicks: 0, uniqueClicks: 0, conversions: 0, revenueMinor: 0, commissionMinor: 0 });

/** The currency most of these campaigns use; on a tie, the one whose first campaign is oldest (ids are UUIDv7). */
export function mostUsedCurrency(campaigns: readonly { id: string; currency: string }[]): string | null {
  const counts = new Map<string, { n: number; first: string }>();
  for (const c of campaigns) {
    const e = counts.get(c.currency);
    if (e) {
      e.n++;
      if (c.id < e.first) e.first = c.id;
    } else counts.set(c.currency, { n: 1, first: c.id });
  }
  let best: [string, { n: number; first: string }] | null = null;
  for (const entry of counts) if (!best || entry[1].n > best[1].n || (entry[1].n === best[1].n && entry[1].first < best[1].first)) best = entry;
  return best?.[0] ?? null;
}

/**
 * Analytics: clicks, unique clicks, conversions, revenue and commission per day, week or month,
 * read from the daily rollups this module keeps (see rollups.ts), never from the raw tables.
 */
export class AnalyticsService {
  constructor(private readonly campaigns: CampaignsService) {}

  /** The merchant's figures (operators), optionally one campaign's or one affiliate's. */
  async overview(em: EntityManager, merchantId: string, input: AnalyticsInputValues): Promise<AnalyticsAnswer> {
    const i = parseInput(inputSchema, input);
    return this.answer(em, merchantId, i, i.affiliateId ?? null, null);
  }

  /** One affiliate's own figures (me.analytics): its campaigns only; currency by default theirs. */
  async ofAffiliate(
    em: EntityManager,
    merchantId: string,
    affiliateId: string,
    input: Omit<AnalyticsInputValues, 'campaignId' | 'affiliateId'>,
  ): Promise<AnalyticsAnswer> {
    const i = parseInput(inputSchema, { ...input, campaignId: null, affiliateId: null });
    return this.answer(em, merchantId, i, affiliateId, await this.campaignsOf(em, merchantId, affiliateId));
  }

  private async answer(
    em: EntityManager,
    merchantId: string,
    i: z.output<typeof inputSchema>,
    affiliateId: string | null,
    preferred: Set<string> | null,
  ): Promise<AnalyticsAnswer> {
    const campaigns = await this.campaigns.currencies(em, merchantId);
    const currency =
      i.currency ?? mostUsedCurrency(preferred?.size ? campaigns.filter((c) => preferred.has(c.id)) : campaigns) ?? mostUsedCurrency(campaigns) ?? 'USD';
    if (i.campaignId) {
      const c = campaigns.find((k) => k.id === i.campaignId);
      if (c && i.currency && c.currency !== i.currency) {
        throw badInput(`The campaign's currency is ${c.currency}, not ${i.currency}`, { currency: `must be ${c.currency}, the campaign's currency` });
      }
    }
    const campaignIds = campaigns.filter((c) => c.currency === currency && (!i.campaignId || c.id === i.campaignId)).map((c) => c.id);
    const interval = i.interval ?? AnalyticsInterval.DAY;
    const selection: AnalyticsSelection = {
      merchantId,
      fromDay: isoDay(floorDay(i.from)),
      toDay: isoDay(ceilDay(i.to)),
      interval,
      currency,
      campaignIds,
      affiliateId,
    };
    const rows = campaignIds.length ? await this.buckets(em, selection) : new Map<string, Figures>();
    const series: AnalyticsAnswer['series'] = [];
    const totals = zero();
    const end = new Date(`${selection.toDay}T00:00:00Z`);
    for (let start = bucketStart(new Date(`${selection.fromDay}T00:00:00Z`), interval); start < end; start = nextBucket(start, interval)) {
      const f = rows.get(isoDay(start)) ?? zero();
      series.push({ start, ...f });
      for (const k of Object.keys(totals) as (keyof Figures)[]) totals[k] += f[k];
    }
    return { currency, totals, series, selection };
  }

  /**
   * Figures per bucket start (YYYY-MM-DD), one aggregate over the daily rollups: a campaign's
   * days (a row per day) for a whole program, an enrollment's days for one affiliate.
   */
  private async buckets(em: EntityManager, s: AnalyticsSelection): Promise<Map<string, Figures>> {
    const rows = await em.execute<{ bucket: string; clicks: string; unique_clicks: string; conversions: string; revenue: string; commission: string }[]>(
      `select to_char(date_trunc(?, d.day::timestamp), 'YYYY-MM-DD') as bucket, sum(d.clicks) as clicks, sum(d.unique_clicks) as unique_clicks,
              sum(d.conversions) as conversions, sum(d.revenue_minor) as revenue, sum(d.commission_minor) as commission
         from ${s.affiliateId ? 'analytics_day' : 'analytics_campaign_day'} d
        where d.merchant_id = ? and d.day >= ?::date and d.day < ?::date and d.campaign_id = any(?::uuid[])${s.affiliateId ? ' and d.affiliate_id = ?' : ''}
        group by 1`,
      [TRUNC[s.interval], s.merchantId, s.fromDay, s.toDay, pgArray(s.campaignIds), ...(s.affiliateId ? [s.affiliateId] : [])],
    );
    return new Map(
      rows.map((r) => [
        r.bucket,
        {
          clicks: minorFromDb(r.clicks),
          uniqueClicks: minorFromDb(r.unique_clicks),
          conversions: minorFromDb(r.conversions),
          revenueMinor: minorFromDb(r.revenue),
          commissionMinor: minorFromDb(r.commission),
        },
      ]),
    );
  }

  /** The affiliates with the most revenue in the selection (then conversions, clicks), at most `first`. */
  async topAffiliates(em: EntityManager, s: AnalyticsSelection, first: number | null | undefined): Promise<AffiliateFigures[]> {
    const limit = first ?? TOP_AFFILIATES_DEFAULT;
    if (!Number.isInteger(limit) || limit < 0 || limit > TOP_AFFILIATES_MAX) {
      throw badInput(`first must be between 0 and ${TOP_AFFILIATES_MAX}`, { first: `must be between 0 and ${TOP_AFFILIATES_MAX}` });
    }
    if (!limit || !s.campaignIds.length) return [];
    const rows = await em.execute<{ affiliate_id: string; clicks: string; conversions: string; revenue: string; commission: string }[]>(
      `select d.affiliate_id, sum(d.clicks) as clicks, sum(d.conversions) as conversions, sum(d.revenue_minor) as revenue, sum(d.commission_minor) as commission
         from analytics_day d
        where d.merchant_id = ? and d.day >= ?::date and d.day < ?::date and d.campaign_id = any(?::uuid[])${s.affiliateId ? ' and d.affiliate_id = ?' : ''}
        group by d.affiliate_id
        order by sum(d.revenue_minor) desc, sum(d.conversions) desc, sum(d.clicks) desc, d.affiliate_id
        limit ?`,
      [s.merchantId, s.fromDay, s.toDay, pgArray(s.campaignIds), ...(s.affiliateId ? [s.affiliateId] : []), limit],
    );
    return rows.map((r) => ({
      affiliateId: r.affiliate_id,
      clicks: minorFromDb(r.clicks),
      conversions: minorFromDb(r.conversions),
      revenueMinor: minorFromDb(r.revenue),
      commissionMinor: minorFromDb(r.commission),
    }));
  }

  /** The campaigns an affiliate has figures in (its default currency is theirs). */
  private async campaignsOf(em: EntityManager, merchantId: string, affiliateId: string): Promise<Set<string>> {
    const rows = await em.execute<{ campaign_id: string }[]>(
      `select distinct d.campaign_id from analytics_day d where d.merchant_id = ? and d.affiliate_id = ?`,
      [merchantId, affiliateId],
    );
    return new Set(rows.map((r) => r.campaign_id));
  }
}
