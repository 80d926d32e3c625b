import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { intakeFieldsSchema } from '@sorae/intake';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import { paginate, type PageRequest } from '../../db/pagination.js';
import { isUuid } from '../../ids.js';
import type { ReadPart } from '../../db/sql-runner.js';
import { MAX_AMOUNT_MINOR, isCurrency } from '../../money.js';
import { Merchant } from '../auth/index.js';
import { UNSCOPED } from '../tenancy.js';
import { Campaign } from './campaign.entity.js';
import { CampaignStatus, CommissionDuration, CommissionType } from './campaign.enums.js';
import type { CommissionRule, PublicCampaign } from './campaign.types.js';

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

/** A logo is linked, not uploaded: https only, so the apps' CSP (img-src https:) and mixed-content rules hold. */
const logoUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    if (v === '') return true;
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https:// URL');

const commissionSchema = z
  .object({
    type: z.enum(CommissionType),
    rateBps: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000 (100%)').nullish(),
    amountMinor: z.number().int().min(1, 'must be at least 1').max(MAX_AMOUNT_MINOR).nullish(),
    duration: z
      .enum(CommissionDuration)
      .nullish()
      .transform((d) => d ?? CommissionDuration.ONCE),
    durationMonths: z.number().int().min(1, 'must be at least 1').max(120, 'must be at most 120').nullish(),
  })
  .superRefine((c, ctx) => {
    if (c.type === CommissionType.PERCENTAGE && c.rateBps == null)
      ctx.addIssue({ code: 'custom', path: ['rateBps'], message: 'is required for a PERCENTAGE commission' });
    if (c.type === CommissionType.FLAT && c.amountMinor == null)
      ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: 'is required for a FLAT commission' });
    if (c.duration === CommissionDuration.MONTHS && c.durationMonths == null)
      ctx.addIssue({ code: 'custom', path: ['durationMonths'], message: 'is required for a MONTHS duration' });
  });

/** Every campaign setting with its rule; creation adds defaults, updates take any subset. */
const settings = {
  name: z.string().trim().min(1, 'is required').max(200),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1-64 lowercase letters, digits and inner hyphens'),
  destinationUrl: httpUrl,
  currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code such as USD'),
  commission: commissionSchema,
  attributionWindowDays: z.number().int().min(1, 'must be at least 1 day').max(365, 'must be at most 365 days'),
  holdDays: z.number().int().min(0, 'must not be negative').max(365, 'must be at most 365 days'),
  minPayoutMinor: z.number().int().min(0, 'must not be negative').max(MAX_AMOUNT_MINOR),
  payoutDayOfMonth: z.number().int().min(1, 'must be between 1 and 28').max(28, 'must be between 1 and 28'),
  intakeFields: intakeFieldsSchema,
  showRejectionReasonToApplicant: z.boolean(),
  autoExecutePayouts: z.boolean(),
  description: z.string().trim().max(2000, 'must be at most 2000 characters'),
  /** '' clears it (the merchant's name is shown). */
  brandName: z.string().trim().max(200),
  /** '' removes the logo. */
  logoUrl,
  /** '' clears it: new enrollments get no promotion code. */
  stripeCouponId: z
    .string()
    .trim()
    .max(255, 'must be at most 255 characters')
    .regex(/^[A-Za-z0-9_-]*$/, 'must be a Stripe coupon id (letters, digits, - and _)'),
};

const createSchema = z.object({
  ...settings,
  attributionWindowDays: settings.attributionWindowDays.nullish().transform((v) => v ?? 30),
  holdDays: settings.holdDays.nullish().transform((v) => v ?? 30),
  minPayoutMinor: settings.minPayoutMinor.nullish().transform((v) => v ?? 0),
  payoutDayOfMonth: settings.payoutDayOfMonth.nullish().transform((v) => v ?? 1),
  intakeFields: settings.intakeFields.nullish().transform((v) => v ?? []),
  showRejectionReasonToApplicant: settings.showRejectionReasonToApplicant.nullish().transform((v) => v ?? false),
  autoExecutePayouts: settings.autoExecutePayouts.nullish().transform((v) => v ?? false),
  description: settings.description.nullish().transform((v) => v ?? ''),
  brandName: settings.brandName.nullish().transform((v) => v ?? ''),
  logoUrl: settings.logoUrl.nullish().transform((v) => v ?? ''),
  stripeCouponId: settings.stripeCouponId.nullish().transform((v) => v ?? ''),
});

// A field sent as null (as clients send an unset nullable field) means "leave as is", like one left out.
const updateSchema = z.preprocess(
  (u) => (u && typeof u === 'object' ? Object.fromEntries(Object.entries(u).filter(([, v]) => v != null)) : u),
  z.object({ ...settings, status: z.enum(CampaignStatus) }).partial(),
);

type Settings = z.output<typeof createSchema>;

function applySettings(campaign: Partial<Campaign>, s: Partial<Settings>) {
  const { commission, brandName, logoUrl, stripeCouponId, ...rest } = s;
  Object.assign(campaign, rest);
  if (brandName !== undefined) campaign.brandName = brandName || null;
  if (logoUrl !== undefined) campaign.logoUrl = logoUrl || null;
  if (stripeCouponId !== undefined) campaign.stripeCouponId = stripeCouponId || null;
  if (commission) {
    campaign.commissionType = commission.type;
    campaign.commissionRateBps = commission.type === CommissionType.PERCENTAGE ? (commission.rateBps ?? undefined) : undefined;
    campaign.commissionAmountMinor = commission.type === CommissionType.FLAT ? (commission.amountMinor ?? undefined) : undefined;
    campaign.commissionDuration = commission.duration;
    campaign.commissionDurationMonths = commission.duration === CommissionDuration.MONTHS ? commission.durationMonths : null;
  }
}

export function commissionRule(c: Campaign): CommissionRule {
  return {
    type: c.commissionType,
    rateBps: c.commissionRateBps ?? null,
    amountMinor: c.commissionAmountMinor ?? null,
    duration: c.commissionDuration,
    durationMonths: c.commissionDurationMonths ?? null,
  };
}

/** A campaign's terms for attributing an order and accruing its commission. */
export interface AttributionTerms {
  status: CampaignStatus;
  attributionWindowDays: number;
  currency: string;
  /** With its duration: how long a subscription's later payments earn (recurring commissions). */
  rule: CommissionRule;
}

/**
 * What a campaign's Stripe coupon asks of the sales account (stripe-sales answers through the
 * stored key, applications follows with the enrollments' codes; services.ts wires them: campaigns
 * sits below both).
 */
export interface CampaignCoupons {
  /** Why the merchant's connected sales account cannot use the coupon (it has none of that id), or null (it can, or none is connected). */
  missingCoupon(em: EntityManager, merchantId: string, coupon: string): Promise<string | null>;
  /** After a campaign's coupon changed: its approved enrollments get codes for the new one. */
  couponChanged(em: EntityManager, merchantId: string, campaignId: string): Promise<void>;
}

const slugTaken = () => conflict('That slug is already used by another campaign', { slug: 'is already taken' });

export class CampaignsService {
  private readonly listeners: ((campaignId: string) => void)[] = [];

  private coupons: CampaignCoupons | null = null;

  constructor(private readonly publicUrl: string) {}

  useCoupons(coupons: CampaignCoupons): void {
    this.coupons = coupons;
  }

  /** Called after a campaign changes (status, destination…): the share-link cache listens. */
  onChange(listener: (campaignId: string) => void): void {
    this.listeners.push(listener);
  }

  applicationUrl(campaign: Pick<Campaign, 'slug'>): string {
    return `${this.publicUrl}/portal/apply/${campaign.slug}`;
  }

  async create(em: EntityManager, merchantId: string, input: unknown): Promise<Campaign> {
    const s = parseInput(createSchema, input);
    await this.assertSlugFree(em, s.slug);
    await this.assertCouponUsable(em, merchantId, s.stripeCouponId);
    const campaign = new Campaign();
    campaign.merchant = em.getReference(Merchant, merchantId, { wrapped: true });
    applySettings(campaign, s);
    em.persist(campaign);
    return this.save(em, campaign);
  }

  async update(em: EntityManager, id: string, input: unknown): Promise<Campaign> {
    const s = parseInput(updateSchema, input);
    const campaign = await this.require(em, id);
    // Commissions, minimums and payouts are all in the campaign's currency: it never changes.
    if (s.currency && s.currency !== campaign.currency) {
      throw badInput("A campaign's currency cannot change; create a new campaign for another currency", { currency: 'cannot change once the campaign exists' });
    }
    if (s.slug && s.slug !== campaign.slug) await this.assertSlugFree(em, s.slug);
    const couponChanged = s.stripeCouponId !== undefined && (s.stripeCouponId || null) !== (campaign.stripeCouponId ?? null);
    if (couponChanged) await this.assertCouponUsable(em, campaign.merchant.id, s.stripeCouponId);
    applySettings(campaign, s);
    await this.save(em, campaign);
    for (const listener of this.listeners) listener(campaign.id);
    if (couponChanged) await this.coupons?.couponChanged(em, campaign.merchant.id, campaign.id);
    return campaign;
  }

  /** A coupon the connected sales account does not have is refused, naming it; without a connection it is checked when one is made. */
  private async assertCouponUsable(em: EntityManager, merchantId: string, coupon: string | undefined): Promise<void> {
    const missing = coupon && this.coupons ? await this.coupons.missingCoupon(em, merchantId, coupon) : null;
    if (missing) throw badInput(missing, { stripeCouponId: missing });
  }

  /** Port for stripe-sales: each coupon the merchant's campaigns name, with those campaigns' names (a connection checks them). */
  async couponsInUse(em: EntityManager, merchantId: string): Promise<{ coupon: string; campaigns: string[] }[]> {
    const rows = await em.execute<{ coupon: string; campaigns: string[] }[]>(
      `select stripe_coupon_id as coupon, array_agg(name order by name) as campaigns from campaign
        where merchant_id = ? and stripe_coupon_id is not null and status <> 'ARCHIVED' group by stripe_coupon_id order by stripe_coupon_id`,
      [merchantId],
    );
    return rows;
  }

  async require(em: EntityManager, id: string): Promise<Campaign> {
    const campaign = isUuid(id) ? await em.findOne(Campaign, { id }) : null;
    if (!campaign) throw notFound('Campaign');
    return campaign;
  }

  /** Every campaign of the merchant with its currency (which never changes), oldest first: analytics' port. */
  async currencies(em: EntityManager, merchantId: string): Promise<{ id: string; currency: string }[]> {
    const rows = await em.find(Campaign, { merchant: merchantId }, { fields: ['id', 'currency'], orderBy: { id: 'asc' } });
    return rows.map((c) => ({ id: c.id, currency: c.currency }));
  }

  list(em: EntityManager, page: PageRequest) {
    return paginate(em, Campaign, {}, page);
  }

  /**
   * Port for attribution (orders): what an order needs of each campaign its candidate touches
   * name (clicks, promotion codes, a subscription's first payment): of each campaign the
   * relation `touched` names (a CTE of the caller's reading statement with `merchant_id` and
   * `campaign_id`), as the CTE `cp_terms` of that statement (see readTogether).
   */
  attributionTerms(touched: string): ReadPart<Map<string, AttributionTerms>> {
    return {
      name: 'cp_terms',
      sql: `cp_terms as (
        select k.id, k.status, k.attribution_window_days, k.currency, k.commission_type, k.commission_rate_bps, k.commission_amount_minor,
               k.commission_duration, k.commission_duration_months
          from (select distinct merchant_id, campaign_id from ${touched}) x join campaign k on k.id = x.campaign_id and k.merchant_id = x.merchant_id)`,
      params: [],
      read: (rows) =>
        new Map(
          (
            rows as unknown as {
              id: string;
              status: CampaignStatus;
              attribution_window_days: number;
              currency: string;
              commission_type: CommissionType;
              commission_rate_bps: number | null;
              commission_amount_minor: string | number | null;
              commission_duration: CommissionDuration;
              commission_duration_months: number | null;
            }[]
          ).map((r) => [
            r.id,
            {
              status: r.status,
              attributionWindowDays: r.attribution_window_days,
              currency: r.currency,
              rule: {
                type: r.commission_type,
                rateBps: r.commission_rate_bps,
                amountMinor: r.commission_amount_minor == null ? null : Number(r.commission_amount_minor),
                duration: r.commission_duration,
                durationMonths: r.commission_duration_months,
              },
            },
          ]),
        ),
    };
  }

  /**
   * Port for payouts: holds a campaign for building (or discarding) a payout batch, in the
   * caller's transaction, and answers what the batch needs of it. NO KEY: builders and discards
   * of one campaign exclude each other without blocking orders' foreign keys.
   */
  async holdForPayouts(tx: EntityManager, merchantId: string, campaignId: string): Promise<{ currency: string; minPayoutMinor: number } | null> {
    const [row] = await tx.execute<{ currency: string; min_payout_minor: string }[]>(
      `select currency, min_payout_minor from campaign where id = ? and merchant_id = ? for no key update`,
      [campaignId, merchantId],
    );
    return row ? { currency: row.currency, minPayoutMinor: Number(row.min_payout_minor) } : null;
  }

  /** Port for payouts' monthly schedule: every merchant's campaigns whose payout day has come this month. */
  async payoutDayReached(em: EntityManager, dayOfMonth: number): Promise<{ id: string; merchantId: string; autoExecutePayouts: boolean }[]> {
    const rows = await em.execute<{ id: string; merchant_id: string; auto_execute_payouts: boolean }[]>(
      `select id, merchant_id, auto_execute_payouts from campaign where payout_day_of_month <= ?`,
      [dayOfMonth],
    );
    return rows.map((r) => ({ id: r.id, merchantId: r.merchant_id, autoExecutePayouts: r.auto_execute_payouts }));
  }

  /** Anyone may read a campaign's public definition by slug, whatever its merchant. */
  findPublic(em: EntityManager, slug: string): Promise<Campaign | null> {
    return em.findOne(Campaign, { slug }, UNSCOPED);
  }

  /** The public application page: the program and its terms, never its destination or settings. */
  async publicPage(em: EntityManager, slug: string): Promise<PublicCampaign | null> {
    const c = await this.findPublic(em, slug);
    if (!c) return null;
    const merchantName = c.brandName ?? (await em.findOneOrFail(Merchant, { id: c.merchant.id }, UNSCOPED)).name;
    return {
      name: c.name,
      slug: c.slug,
      status: c.status,
      acceptingApplications: c.status === CampaignStatus.ACTIVE,
      intakeFields: c.intakeFields,
      description: c.description,
      merchantName,
      logoUrl: c.logoUrl ?? null,
      currency: c.currency,
      commission: commissionRule(c),
      attributionWindowDays: c.attributionWindowDays,
      holdDays: c.holdDays,
      payoutDayOfMonth: c.payoutDayOfMonth,
      minPayoutMinor: c.minPayoutMinor,
    };
  }

  private async assertSlugFree(em: EntityManager, slug: string) {
    if ((await em.count(Campaign, { slug }, UNSCOPED)) > 0) throw slugTaken();
  }

  private async save(em: EntityManager, campaign: Campaign): Promise<Campaign> {
    try {
      await em.flush();
    } catch (e) {
      // Two requests raced for the same slug: the database's unique index decides.
      if (e instanceof UniqueConstraintViolationException) {
        em.clear();
        throw slugTaken();
      }
      throw e;
    }
    return campaign;
  }
}
