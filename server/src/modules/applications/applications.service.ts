import { Reference, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { MAX_ANSWERS_LENGTH, MAX_INTAKE_FIELDS, checkAnswer, type IntakeField } from '@sorae/intake';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { badInput, conflict, notFound, parseInput, unauthenticated } from '../../errors.js';
import { keysetBatches, paginateQuery, type PageRequest } from '../../db/pagination.js';
import {
  type AffiliateCaller,
  type AuthService,
  emailSchema,
  Merchant,
  type MerchantCaller,
  newPasswordSchema,
  newToken,
  sha256,
  verifyPassword,
} from '../auth/index.js';
import { CODE_ALPHABET, isUuid, randomCode, uuidv7 } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import { Campaign, type CampaignsService, CampaignStatus } from '../campaigns/index.js';
import { TENANT, UNSCOPED } from '../tenancy.js';
import { ApplicationRequest } from './application-request.entity.js';
import { Application, ApplicationStatus, type Answer } from './application.entity.js';
import { Enrollment, EnrollmentStatus } from './enrollment.entity.js';
import { ReviewDecision, canTransition, canTransitionEnrollment, refusal, sourcesOf, targetStatus } from './review-rules.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import type { ReadPart } from '../../db/sql-runner.js';
import { containsPattern } from '../../db/search.js';
import type { MailInput, MailService } from '../mail/index.js';
import type { PromotionCodeIssuer } from './promotion-codes.js';
import type { OutgoingEvent, WebhookOutbox } from '../webhooks/index.js';
import { emExec } from '../../db/sql-runner.js';

/** How long an emailed confirmation link works. */
const CONFIRM_TTL_MS = 24 * 3600_000;
const INVALID_LINK = 'This confirmation link is not valid: it was used already or has expired. Apply again to get a new one.';

/** What a public submission answers: the same for every email (no account, no session is told). */
/** A promotion code an order used (`i`: the order's place in its batch), for `promotionCodeEnrollments`. */
export interface PromotionCodeLookup {
  i: number;
  merchantId: string;
  code: string;
}

/** The enrollment holding a looked-up promotion code (`code` as the enrollment spells it). */
export interface PromotionCodeEnrollment {
  i: number;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  code: string;
}

export interface ApplicationReceipt {
  id: string;
  status: ApplicationStatus;
  email: string;
  name: string;
  answers: Answer[];
  submittedAt: Date;
  campaign: Campaign;
}

export type Confirmation =
  | { passwordRequired: true; email: string; campaignName: string }
  | { passwordRequired: false; email: string; campaignName: string; applicationId: string; token: string; caller: AffiliateCaller };

/** The unique constraint on an affiliate account's (merchant, email). */
const AFFILIATE_EMAIL_UNIQUE = 'affiliate_merchant_id_email_unique';

export const SHARE_CODE_LENGTH = 8;
/** Twice the largest page the queue shows; more are reviewed by filter. */
export const MAX_REVIEW_IDS = 1_000;

export interface ApplicationExportRow {
  id: string;
  submitted_at: Date;
  status: ApplicationStatus;
  campaign_id: string;
  campaign_name: string;
  name: string;
  email: string;
  reviewed_at: Date | null;
  rejection_reason: string | null;
  answers: Answer[];
}

export interface ApplicationFilter {
  campaignId?: string | null;
  status?: ApplicationStatus | null;
  search?: string | null;
}

export interface ReviewInput {
  ids?: string[] | null;
  filter?: ApplicationFilter | null;
  decision: ReviewDecision;
  reason?: string | null;
}

export interface ReviewOutcome {
  applicationId: string;
  ok: boolean;
  error: string | null;
  enrollment: Enrollment | null;
}

const submitSchema = z.object({
  campaignSlug: z.string().trim().min(1, 'is required').max(64),
  email: emailSchema,
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  // Checked for everyone, existing accounts too: refusing only new accounts' would tell which emails have one.
  // It becomes the password of a new account once the email is confirmed.
  password: newPasswordSchema,
  answers: z
    .array(z.object({ key: z.string().max(100), value: z.string() }))
    .max(MAX_INTAKE_FIELDS, `at most ${MAX_INTAKE_FIELDS} answers`)
    .refine((answers) => answers.reduce((n, a) => n + a.value.length, 0) <= MAX_ANSWERS_LENGTH, {
      message: `are too long: at most ${MAX_ANSWERS_LENGTH.toLocaleString('en-US')} characters in all`,
    }),
});

const filterSchema = z.object({
  campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
  status: z.enum(ApplicationStatus).nullish(),
  search: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
});

const reviewSchema = z
  .object({
    ids: z
      .array(z.string().refine(isUuid, 'contains a malformed id'))
      .min(1, 'select at least one application')
      .max(MAX_REVIEW_IDS, `at most ${MAX_REVIEW_IDS} at a time: review more with a filter`)
      .nullish(),
    filter: filterSchema.nullish(),
    decision: z.enum(ReviewDecision),
    reason: z.string().trim().max(1000, 'must be at most 1000 characters').nullish(),
  })
  .superRefine((r, ctx) => {
    if (!r.ids === !r.filter) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or filter' });
    if (r.decision === ReviewDecision.REJECT && !r.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejection needs a reason' });
  });

/** A PostgreSQL array literal of values that need no quoting (ids, share codes). */

/** One WHERE clause (table alias `a`) shared by the queue listing and bulk review. */
function filterSql(merchantId: string, filter: z.output<typeof filterSchema>): [string, unknown[]] {
  const clauses = ['a.merchant_id = ?'];
  const params: unknown[] = [merchantId];
  if (filter.campaignId) clauses.push('a.campaign_id = ?') && params.push(filter.campaignId);
  if (filter.status) clauses.push('a.status = ?') && params.push(filter.status);
  if (filter.search) clauses.push(`a.search_text like ?`) && params.push(containsPattern(filter.search.toLowerCase()));
  return [clauses.join(' and '), params];
}

/**
 * What the Application field resolvers read: a managed entity, or the queue's read model.
 * An interface on purpose: type-graphql copies a `@Root()` typed as a class into a new
 * instance of it, which for an entity costs about 0.1 ms a row.
 */
export interface ApplicationNode {
  id: string;
  status: ApplicationStatus;
  submittedAt: Date;
  reviewedAt?: Date;
  rejectionReason?: string;
  campaign: { id: string };
  reviewedBy?: { id: string };
}

const byStatus = (rows: { status: ApplicationStatus; n: string }[]) =>
  Object.fromEntries(Object.values(ApplicationStatus).map((s) => [s, Number(rows.find((r) => r.status === s)?.n ?? 0)])) as Record<ApplicationStatus, number>;

const optionalDate = (v: unknown) => (v == null ? undefined : new Date(v as string));

/**
 * The queue's read model: an application as the GraphQL fields read it, straight from its row
 * (relations as `{ id }`), without the cost of a managed entity.
 */
function applicationView(row: Record<string, unknown>): Application {
  const ref = (id: unknown) => (id == null ? undefined : { id: id as string });
  return {
    id: row.id,
    status: row.status,
    email: row.email,
    name: row.name,
    answers: row.answers,
    submittedAt: new Date(row.submitted_at as string),
    reviewedAt: optionalDate(row.reviewed_at),
    rejectionReason: row.rejection_reason ?? undefined,
    merchant: ref(row.merchant_id),
    campaign: ref(row.campaign_id),
    affiliate: ref(row.affiliate_id),
    reviewedBy: ref(row.reviewed_by_id),
  } as unknown as Application;
}

export class ApplicationsService {
  private readonly listeners: ((enrollmentId: string) => void)[] = [];
  private promotionCodes: { issuer: PromotionCodeIssuer; log: Logger } | null = null;

  constructor(
    private readonly config: Config,
    private readonly auth: AuthService,
    private readonly campaigns: CampaignsService,
    private readonly mail: MailService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /** Called after an enrollment is suspended or reactivated: the share-link cache listens. */
  onEnrollmentChange(listener: (enrollmentId: string) => void): void {
    this.listeners.push(listener);
  }

  /** Where enrollments' promotion codes are created in Stripe (the merchant's sales account). */
  usePromotionCodes(issuer: PromotionCodeIssuer, log: Logger): void {
    this.promotionCodes = { issuer, log };
  }

  /**
   * Brings the Stripe promotion codes of a merchant's active enrollments in line with their
   * campaigns' coupons (after an approval commits, a status change, a campaign's coupon change,
   * a connection, a coupon created in Stripe): one statement selects every enrollment with no
   * code for its campaign's coupon yet; each gets one under a key of its enrollment and coupon
   * (a retry after a lost answer finds the same one), after the code of a replaced coupon is
   * turned off (the affiliate keeps the same code, and Stripe allows one active code of a text).
   * A coupon the account lacks is recorded on the enrollment, which is retried on the next call:
   * the approval stands. No answer from Stripe stops the run, recorded on that enrollment too.
   */
  async issuePromotionCodes(em: EntityManager, merchantId: string): Promise<void> {
    if (!this.promotionCodes) return;
    const { issuer, log } = this.promotionCodes;
    const due = await em.execute<{ id: string; promotion_code: string; coupon: string; replaced: string | null }[]>(
      `select e.id, e.promotion_code, k.stripe_coupon_id as coupon, e.stripe_promotion_code_id as replaced
         from enrollment e join campaign k on k.id = e.campaign_id and k.merchant_id = e.merchant_id
        where e.merchant_id = ? and e.status = 'ACTIVE' and e.promotion_code is not null and k.stripe_coupon_id is not null
          and (e.stripe_promotion_code_id is null or e.stripe_promotion_coupon_id is distinct from k.stripe_coupon_id)
        order by e.id`,
      [merchantId],
    );
    const record = (id: string, set: string, params: unknown[]) =>
      em.execute(`update enrollment set ${set} where id = ? and merchant_id = ?`, [...params, id, merchantId], 'run');
    for (const e of due) {
      let outcome;
      try {
        if (e.replaced) {
          await issuer.setPromotionCodeActive(em, merchantId, e.replaced, false);
          await record(e.id, 'stripe_promotion_code_id = null, stripe_promotion_coupon_id = null', []);
        }
        outcome = await issuer.createPromotionCode(em, merchantId, { enrollmentId: e.id, coupon: e.coupon, code: e.promotion_code });
      } catch (err) {
        const why = `Stripe did not answer (${(err as Error).message}); retried on the next change`;
        await record(e.id, 'promotion_code_error = ?', [why]);
        log.warn({ merchantId, enrollmentId: e.id, err: (err as Error).message }, 'promotion codes: Stripe did not answer; retried on the next change');
        return;
      }
      if (!outcome) return; // no sales account connected
      if ('refused' in outcome) await record(e.id, 'promotion_code_error = ?', [outcome.refused]);
      else await record(e.id, 'stripe_promotion_code_id = ?, stripe_promotion_coupon_id = ?, promotion_code_error = null', [outcome.stripeId, e.coupon]);
    }
  }

  /**
   * The merchant connected another sales account (stripe-sales asks): codes made in the old one
   * are not in the new one, so every enrollment's code is made again there, in one statement and
   * then `issuePromotionCodes`.
   */
  async salesAccountChanged(em: EntityManager, merchantId: string): Promise<void> {
    await em.execute(
      `update enrollment set stripe_promotion_code_id = null, stripe_promotion_coupon_id = null where merchant_id = ? and stripe_promotion_code_id is not null`,
      [merchantId],
      'run',
    );
    await this.issuePromotionCodes(em, merchantId);
  }

  /**
   * After a campaign's coupon changed (CampaignCoupons, wired in services.ts): its active
   * enrollments approved while it had none get their promotion code (their share code, as at
   * approval), in one statement; then every code due is made in Stripe. A coupon taken away
   * retires the campaign's codes: each is turned off in Stripe, then no longer shown or honoured.
   */
  async couponChanged(em: EntityManager, merchantId: string, campaignId: string): Promise<void> {
    await this.retirePromotionCodes(em, merchantId, campaignId);
    await em.execute(
      `update enrollment e set promotion_code = e.share_code from campaign k
        where k.id = e.campaign_id and k.merchant_id = e.merchant_id and e.merchant_id = ? and e.campaign_id = ?
          and k.stripe_coupon_id is not null and e.promotion_code is null and e.status = 'ACTIVE'`,
      [merchantId, campaignId],
      'run',
    );
    await this.issuePromotionCodes(em, merchantId);
  }

  /**
   * The codes of a campaign that has no coupon now. One Stripe refuses to turn off keeps its id
   * and the reason, and is tried again on the next change; the others are cleared in one statement.
   */
  private async retirePromotionCodes(em: EntityManager, merchantId: string, campaignId: string): Promise<void> {
    const codes = await em.execute<{ id: string; stripe_id: string | null }[]>(
      `select e.id, e.stripe_promotion_code_id as stripe_id from enrollment e join campaign k on k.id = e.campaign_id and k.merchant_id = e.merchant_id
        where e.merchant_id = ? and e.campaign_id = ? and k.stripe_coupon_id is null and e.promotion_code is not null`,
      [merchantId, campaignId],
    );
    const retired: string[] = [];
    for (const c of codes) {
      if (c.stripe_id && this.promotionCodes) {
        const { issuer, log } = this.promotionCodes;
        try {
          await issuer.setPromotionCodeActive(em, merchantId, c.stripe_id, false);
        } catch (err) {
          const why = `the campaign has no coupon now, but Stripe did not turn the code off (${(err as Error).message}); retried on the next change`;
          await em.execute(`update enrollment set promotion_code_error = ? where id = ? and merchant_id = ?`, [why, c.id, merchantId], 'run');
          log.warn({ merchantId, enrollmentId: c.id, err: (err as Error).message }, 'promotion codes: Stripe did not turn a retired code off');
          continue;
        }
      }
      retired.push(c.id);
    }
    if (retired.length)
      await em.execute(
        `update enrollment set promotion_code = null, stripe_promotion_code_id = null, stripe_promotion_coupon_id = null, promotion_code_error = null
          where merchant_id = ? and id = any(?::uuid[])`,
        [merchantId, pgArray(retired)],
        'run',
      );
  }

  /** Suspends an enrollment (its link stops redirecting, its clicks stop winning, its promotion code is turned off in Stripe) or reactivates it. */
  async setEnrollmentStatus(em: EntityManager, id: string, status: EnrollmentStatus): Promise<Enrollment> {
    const enrollment = isUuid(id) ? await em.findOne(Enrollment, { id }) : null;
    if (!enrollment) throw notFound('Enrollment');
    const to = parseInput(z.enum(EnrollmentStatus), status);
    if (enrollment.status === to) return enrollment; // already there: nothing changes
    if (!canTransitionEnrollment(enrollment.status, to)) throw conflict(`A ${enrollment.status} enrollment cannot become ${to}`);
    enrollment.status = to;
    await em.flush();
    for (const listener of this.listeners) listener(enrollment.id);
    if (this.promotionCodes && enrollment.stripePromotionCodeId) {
      const { issuer, log } = this.promotionCodes;
      await issuer
        .setPromotionCodeActive(em, enrollment.merchant.id, enrollment.stripePromotionCodeId, enrollment.status === EnrollmentStatus.ACTIVE)
        .catch((err: unknown) => log.warn({ enrollmentId: enrollment.id, err: (err as Error).message }, 'promotion codes: could not change it in Stripe'));
    }
    return enrollment;
  }

  /**
   * Port for attribution (orders): the status of each enrollment the relation `touched` names
   * (a CTE of the caller's reading statement with `merchant_id` and `enrollment_id`), as the CTE
   * `ap_statuses` of that statement (see readTogether); one that is gone is missing.
   */
  enrollmentStatuses(touched: string): ReadPart<Map<string, EnrollmentStatus>> {
    return {
      name: 'ap_statuses',
      sql: `ap_statuses as (select e.id, e.status from (select distinct merchant_id, enrollment_id from ${touched}) x
                             join enrollment e on e.id = x.enrollment_id and e.merchant_id = x.merchant_id)`,
      params: [],
      read: (rows) => new Map((rows as unknown as { id: string; status: EnrollmentStatus }[]).map((r) => [r.id, r.status])),
    };
  }

  /**
   * Port for attribution (orders): the enrollment whose promotion code each lookup names (matched
   * ignoring case, as Stripe's are; unique per merchant), as the CTE `ap_promotions` of the
   * caller's reading statement (see readTogether; with `merchant_id`, `enrollment_id` and
   * `campaign_id`); a code no enrollment holds answers nothing. Each row carries its lookup's `i`.
   */
  promotionCodeEnrollments(lookups: readonly PromotionCodeLookup[]): ReadPart<PromotionCodeEnrollment[]> {
    return {
      name: 'ap_promotions',
      sql: `ap_promotions as (
        select x.i, x.merchant_id, e.id as enrollment_id, e.affiliate_id, e.campaign_id, e.promotion_code as code
          from unnest(?::int[], ?::uuid[], ?::text[]) as x(i, merchant_id, code)
          join enrollment e on e.merchant_id = x.merchant_id and lower(e.promotion_code) = lower(x.code) and e.promotion_code is not null)`,
      params: [pgArray(lookups.map((l) => l.i)), pgArray(lookups.map((l) => l.merchantId)), pgTextArray(lookups.map((l) => l.code))],
      read: (rows) =>
        (rows as unknown as { i: number; enrollment_id: string; affiliate_id: string; campaign_id: string; code: string }[]).map((r) => ({
          i: r.i,
          enrollmentId: r.enrollment_id,
          affiliateId: r.affiliate_id,
          campaignId: r.campaign_id,
          code: r.code,
        })),
    };
  }

  shareUrl(code: string): string {
    return `${this.config.publicUrl}/r/${code}`;
  }

  /**
   * A public application. Every submission is answered the same way whether its email has a
   * portal account or not, so the form tells no one which addresses have one: the submission is
   * recorded as an ApplicationRequest, no session is opened, and the applicant is emailed a link
   * (`confirm`) that makes it the Application, under the id answered here.
   *
   * Each submission counts against APPLY_LIMIT_PER_IP for its address and APPLY_LIMIT_PER_EMAIL
   * for its email (so the form cannot flood an inbox either). The password is checked against
   * the password rules for everyone and hashed for everyone; it becomes a new account's.
   */
  async submit(em: EntityManager, input: unknown, ip: string, now: Date): Promise<ApplicationReceipt> {
    const data = parseInput(submitSchema, input);
    await this.auth.limit(
      em,
      [
        { key: `apply:${ip}`, free: this.config.applyLimitPerIp },
        { key: `apply-email:${data.email}`, free: this.config.applyLimitPerEmail },
      ],
      now,
      3600_000,
    );
    const { campaign, answers } = await this.checkSubmission(em, data);
    const merchantId = campaign.merchant.id;
    const passwordHash = await this.auth.hashPassword(data.password);
    const token = newToken('apc_');
    const request = await em.transactional(async (tx) => {
      const created = tx.create(ApplicationRequest, {
        merchant: tx.getReference(Merchant, merchantId),
        campaign: campaign.id,
        email: data.email,
        name: data.name,
        answers,
        fieldsSnapshot: campaign.intakeFields,
        passwordHash,
        tokenHash: sha256(token),
        submittedAt: now,
        expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS),
      });
      await tx.flush();
      await this.mail.enqueue(
        tx,
        {
          merchantId,
          to: data.email,
          template: 'applicationReceived',
          data: { name: data.name, campaignName: campaign.name, confirmUrl: `${this.config.publicUrl}/portal/confirm#${token}` },
        },
        now,
      );
      return created;
    });
    return { id: request.id, status: ApplicationStatus.SUBMITTED, email: data.email, name: data.name, answers, submittedAt: now, campaign };
  }

  /**
   * The emailed link. A new email gets its account (with the password chosen when applying); an
   * email with an account needs that account's password (checked under the sign-in limits): the
   * first call without it answers `passwordRequired` and leaves the link usable. Then the
   * Application is recorded and the applicant signed in. The link works once.
   */
  async confirm(em: EntityManager, input: { token: string; password?: string | null }, ip: string, now: Date, retried = false): Promise<Confirmation> {
    const request = await em.findOne(ApplicationRequest, { tokenHash: sha256(input.token), confirmedAt: null, expiresAt: { $gt: now } }, UNSCOPED);
    if (!request) throw badInput(INVALID_LINK, { token: 'is not valid' });
    em.setFilterParams(TENANT, { merchantId: request.merchant.id });
    const campaign = await em.findOneOrFail(Campaign, request.campaign.id);
    const answer = { email: request.email, campaignName: campaign.name };
    const existing = await em.findOne(Affiliate, { email: request.email });
    if (existing) {
      const password = input.password;
      if (!password) return { ...answer, passwordRequired: true };
      const proven = await this.auth.limitedCheck(em, request.email, ip, now, async () =>
        (await verifyPassword(password, existing.passwordHash)) ? existing : null,
      );
      if (!proven) throw unauthenticated('Wrong password: enter the password of your portal account');
    }
    let affiliate: Affiliate;
    try {
      affiliate = await em.transactional(async (tx) => {
        const claimed = await tx.execute<unknown[]>(`update application_request set confirmed_at = ? where id = ? and confirmed_at is null returning id`, [
          now,
          request.id,
        ]);
        if (!claimed.length) throw badInput(INVALID_LINK, { token: 'is not valid' });
        if ((await tx.count(Application, { campaign: campaign.id, email: request.email })) > 0) {
          throw conflict('You have already applied to this campaign', { email: 'has already applied to this campaign' });
        }
        const account = existing
          ? tx.getReference(Affiliate, existing.id)
          : tx.create(Affiliate, {
              merchant: tx.getReference(Merchant, request.merchant.id),
              email: request.email,
              name: request.name,
              passwordHash: request.passwordHash,
            });
        const application = this.record(tx, campaign, account, request);
        await tx.flush();
        await this.webhooks.enqueue(
          emExec(tx),
          [
            applicationEvent(application.merchant.id, 'application.submitted', {
              id: application.id,
              status: application.status,
              campaignId: campaign.id,
              affiliateId: account.id,
              email: application.email,
              name: application.name,
              submittedAt: application.submittedAt,
              reviewedAt: null,
              rejectionReason: null,
            }),
          ],
          now,
        );
        return account;
      });
    } catch (e) {
      // Another link for this email made its account a moment ago: confirm again, now with that account.
      if (e instanceof UniqueConstraintViolationException && !retried && (e as { constraint?: string }).constraint === AFFILIATE_EMAIL_UNIQUE) {
        return this.confirm(em.fork({ clear: true }), input, ip, now, true);
      }
      throw e;
    }
    const session = await this.auth.openAffiliateSession(em, existing ?? affiliate, now);
    return { ...answer, passwordRequired: false, applicationId: request.id, ...session };
  }

  /**
   * The demo's applicants: applied and confirmed at once (an existing account is reused without
   * its password), with no email and no limits.
   */
  async apply(em: EntityManager, input: unknown): Promise<{ application: Application; affiliate: Affiliate }> {
    const data = parseInput(submitSchema, input);
    const { campaign, answers } = await this.checkSubmission(em, data);
    const affiliate =
      (await em.findOne(Affiliate, { email: data.email })) ??
      em.create(Affiliate, {
        merchant: em.getReference(Merchant, campaign.merchant.id),
        email: data.email,
        name: data.name,
        passwordHash: await this.auth.hashPassword(data.password),
      });
    const application = this.record(em, campaign, affiliate, { ...data, answers, submittedAt: new Date() });
    await em.flush();
    return { application, affiliate };
  }

  /** The campaign (active) and the answers checked against its form; the unit of work is set to its merchant. */
  private async checkSubmission(em: EntityManager, data: z.output<typeof submitSchema>) {
    const campaign = await this.campaigns.findPublic(em, data.campaignSlug);
    if (!campaign) throw notFound('Campaign');
    if (campaign.status !== CampaignStatus.ACTIVE) {
      throw badInput('This campaign is not accepting applications', { campaignSlug: 'is not accepting applications' });
    }
    const answers = this.checkAnswers(campaign.intakeFields, data.answers);
    em.setFilterParams(TENANT, { merchantId: campaign.merchant.id });
    return { campaign, answers };
  }

  private record(
    em: EntityManager,
    campaign: Campaign,
    affiliate: Affiliate,
    a: { id?: string; email: string; name: string; answers: Answer[]; submittedAt: Date },
  ): Application {
    return em.create(Application, {
      ...(a.id ? { id: a.id } : {}),
      merchant: em.getReference(Merchant, campaign.merchant.id),
      campaign: campaign.id,
      affiliate,
      email: a.email,
      name: a.name,
      answers: a.answers,
      fieldsSnapshot: campaign.intakeFields,
      submittedAt: a.submittedAt,
      searchText: [a.name, a.email, ...a.answers.map((x) => x.value ?? '')].join(' ').toLowerCase(),
    });
  }

  private checkAnswers(fields: IntakeField[], given: { key: string; value: string }[]): Answer[] {
    const fieldErrors: Record<string, string> = {};
    const byKey = new Map<string, string>();
    for (const a of given) {
      if (!fields.some((f) => f.key === a.key)) fieldErrors[`answers.${a.key.slice(0, 100)}`] = 'is not a question on this form';
      else if (byKey.has(a.key)) fieldErrors[`answers.${a.key}`] = 'is answered twice';
      byKey.set(a.key, a.value);
    }
    const answers: Answer[] = [];
    for (const field of fields) {
      const result = checkAnswer(field, byKey.get(field.key));
      if ('error' in result) fieldErrors[`answers.${field.key}`] = result.error;
      else answers.push({ key: field.key, label: field.label, value: result.value });
    }
    if (Object.keys(fieldErrors).length) {
      throw badInput(
        `Some answers need attention: ${Object.entries(fieldErrors)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ')}`,
        fieldErrors,
      );
    }
    return answers;
  }

  list(em: EntityManager, merchantId: string, filter: ApplicationFilter | null | undefined, page: PageRequest, direction: 'asc' | 'desc') {
    const f = parseInput(filterSchema, filter ?? {});
    const [where, params] = filterSql(merchantId, f);
    const makeQuery = () => em.createQueryBuilder(Application, 'a').where(where, params);
    const count = f.search
      ? () => makeQuery().getCount()
      : async () => {
          const counts = await this.statusCounts(em, merchantId, f.campaignId);
          return f.status ? counts[f.status] : counts.SUBMITTED + counts.APPROVED + counts.REJECTED;
        };
    return paginateQuery(makeQuery, page, direction, applicationView, count);
  }

  /** Checks a filter (BAD_USER_INPUT with each field's problem). */
  parseFilter(filter: ApplicationFilter | Record<string, string>) {
    return parseInput(filterSchema, filter);
  }

  /** The queue's filtered applications for an export, newest first, a keyset batch at a time. */
  exportBatches(em: EntityManager, merchantId: string, filter: z.output<typeof filterSchema>) {
    const [where, params] = filterSql(merchantId, filter);
    return keysetBatches((after, limit) =>
      em.execute<ApplicationExportRow[]>(
        `select a.id, a.submitted_at, a.status, a.campaign_id, c.name as campaign_name, a.name, a.email, a.reviewed_at, a.rejection_reason, a.answers
           from application a join campaign c on c.id = a.campaign_id
          where ${where}${after ? ' and a.id < ?' : ''}
          order by a.id desc limit ?`,
        [...params, ...(after ? [after] : []), limit],
      ),
    );
  }

  /** Counts per status for the queue's tabs, under the same campaign and search filter. */
  async counts(em: EntityManager, merchantId: string, filter: ApplicationFilter | null | undefined) {
    const f = parseInput(filterSchema, filter ?? {});
    let counts: Record<ApplicationStatus, number>;
    if (f.search) {
      const [where, params] = filterSql(merchantId, { ...f, status: null });
      const rows = await em.execute<{ status: ApplicationStatus; n: string }[]>(
        `select a.status, count(*) as n from application a where ${where} group by a.status`,
        params,
      );
      counts = byStatus(rows);
    } else counts = await this.statusCounts(em, merchantId, f.campaignId);
    return { submitted: counts.SUBMITTED, approved: counts.APPROVED, rejected: counts.REJECTED };
  }

  /** Per-status totals from the trigger-kept counters: a few rows, whatever the queue's size. */
  private async statusCounts(em: EntityManager, merchantId: string, campaignId: string | null | undefined) {
    const rows = await em.execute<{ status: ApplicationStatus; n: string }[]>(
      `select status, sum(n) as n from application_status_count where merchant_id = ?${campaignId ? ' and campaign_id = ?' : ''} group by status`,
      campaignId ? [merchantId, campaignId] : [merchantId],
    );
    return byStatus(rows);
  }

  /**
   * Approves or rejects a selection, or every application matching a filter, in one
   * transaction with a fixed number of statements whatever the count. Applications that may
   * not make the move (already reviewed) are reported and left as they were.
   */
  async review(em: EntityManager, caller: MerchantCaller, input: unknown, now: Date) {
    const r = parseInput(reviewSchema, input);
    const to = targetStatus(r.decision);
    // A filter selects only what may make the move (chosen ids are all reported, reviewed or not).
    const [where, params] = r.ids
      ? ['a.merchant_id = ? and a.id = any(?::uuid[])', [caller.merchantId, pgArray(r.ids)]]
      : (([w, p]) => [`${w} and a.status = any(?::application_status[])`, [...p, pgArray(sourcesOf(to))]])(filterSql(caller.merchantId, r.filter!));

    for (let attempt = 1; ; attempt++) {
      try {
        const result = await em.transactional(async (tx) => {
          const rows = await tx.execute<{ id: string; status: ApplicationStatus; campaign_id: string; affiliate_id: string; email: string; name: string }[]>(
            `select a.id, a.status, a.campaign_id, a.affiliate_id, a.email, a.name from application a where ${where} order by a.id for update`,
            params,
          );
          const eligible = rows.filter((row) => canTransition(row.status, to));
          const ids = eligible.map((row) => row.id);
          if (ids.length) {
            await tx.execute(
              `update application set status = ?, reviewed_at = ?, reviewed_by_id = ?, rejection_reason = ?
                where id = any(?::uuid[]) and status = any(?::application_status[])`,
              [
                to,
                now,
                caller.kind === 'operator' ? caller.operatorId : null,
                r.decision === ReviewDecision.REJECT ? r.reason : null,
                pgArray(ids),
                pgArray(sourcesOf(to)),
              ],
              'run',
            );
          }
          const enrollments = new Map<string, Enrollment>();
          if (to === ApplicationStatus.APPROVED && ids.length) {
            const rowsToInsert = eligible.map((row) => ({
              id: uuidv7(now.getTime()),
              campaign: row.campaign_id,
              affiliate: row.affiliate_id,
              application: row.id,
              code: randomCode(SHARE_CODE_LENGTH, CODE_ALPHABET),
            }));
            await tx.execute(
              // A campaign with a Stripe coupon gives each enrollment a promotion code: its share code (unique already, in capitals).
              `insert into enrollment (id, merchant_id, campaign_id, affiliate_id, application_id, share_code, status, created_at, promotion_code)
               select e.id, ?, e.campaign_id, e.affiliate_id, e.application_id, e.code, 'ACTIVE', ?, case when k.stripe_coupon_id is not null then e.code end
                 from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[]) as e(id, campaign_id, affiliate_id, application_id, code)
                 join campaign k on k.id = e.campaign_id`,
              [
                caller.merchantId,
                now,
                pgArray(rowsToInsert.map((e) => e.id)),
                pgArray(rowsToInsert.map((e) => e.campaign)),
                pgArray(rowsToInsert.map((e) => e.affiliate)),
                pgArray(rowsToInsert.map((e) => e.application)),
                pgArray(rowsToInsert.map((e) => e.code)),
              ],
              'run',
            );
            for (const e of rowsToInsert) {
              enrollments.set(
                e.application,
                Object.assign(new Enrollment(), { id: e.id, shareCode: e.code, createdAt: now, campaign: Reference.createFromPK(Campaign, e.campaign) }),
              );
            }
          }
          const reason = r.decision === ReviewDecision.REJECT ? r.reason! : null;
          await this.mailDecisions(tx, caller.merchantId, eligible, enrollments, reason, now);
          await this.webhooks.enqueue(
            emExec(tx),
            eligible.map((row) =>
              applicationEvent(caller.merchantId, to === ApplicationStatus.APPROVED ? 'application.approved' : 'application.rejected', {
                id: row.id,
                status: to,
                campaignId: row.campaign_id,
                affiliateId: row.affiliate_id,
                email: row.email,
                name: row.name,
                reviewedAt: now,
                rejectionReason: reason,
              }),
            ),
            now,
          );
          const found = new Set(rows.map((row) => row.id));
          const results: ReviewOutcome[] = rows.map((row) => {
            const why = refusal(row.status, to);
            return { applicationId: row.id, ok: !why, error: why && `The application ${why}`, enrollment: enrollments.get(row.id) ?? null };
          });
          for (const id of r.ids ?? []) {
            if (!found.has(id)) results.push({ applicationId: id, ok: false, error: 'Application not found', enrollment: null });
          }
          return {
            approvedCount: to === ApplicationStatus.APPROVED ? ids.length : 0,
            rejectedCount: to === ApplicationStatus.REJECTED ? ids.length : 0,
            skippedCount: results.length - ids.length,
            results,
          };
        });
        if (result.approvedCount) await this.issuePromotionCodes(em, caller.merchantId);
        return result;
      } catch (e) {
        // A share code collided with an existing one (about 1 in 10^11 per code): draw again.
        if (e instanceof UniqueConstraintViolationException && /share_code/.test(e.message) && attempt < 5) continue;
        throw e;
      }
    }
  }

  /** Tells each applicant the decision (the share link, or the reason where the campaign shares it), in the review's transaction. */
  private async mailDecisions(
    tx: EntityManager,
    merchantId: string,
    reviewed: { id: string; campaign_id: string; email: string; name: string }[],
    enrollments: Map<string, Enrollment>,
    reason: string | null,
    now: Date,
  ) {
    if (!reviewed.length) return;
    const campaigns = await tx.execute<{ id: string; name: string; show_rejection_reason_to_applicant: boolean }[]>(
      `select id, name, show_rejection_reason_to_applicant from campaign where merchant_id = ? and id = any(?::uuid[])`,
      [merchantId, pgArray([...new Set(reviewed.map((a) => a.campaign_id))])],
    );
    const campaign = new Map(campaigns.map((c) => [c.id, c]));
    const messages = reviewed.map((a): MailInput => {
      const c = campaign.get(a.campaign_id)!;
      const enrollment = enrollments.get(a.id);
      return enrollment
        ? {
            merchantId,
            to: a.email,
            template: 'applicationApproved',
            data: { name: a.name, campaignName: c.name, shareUrl: this.shareUrl(enrollment.shareCode) },
          }
        : {
            merchantId,
            to: a.email,
            template: 'applicationRejected',
            data: { name: a.name, campaignName: c.name, reason: c.show_rejection_reason_to_applicant ? reason : null },
          };
    });
    await this.mail.enqueue(tx, messages, now);
  }

  forAffiliate(em: EntityManager, affiliateId: string) {
    return em.find(Application, { affiliate: affiliateId }, { orderBy: { id: 'desc' } });
  }

  enrollmentsOf(em: EntityManager, affiliateId: string) {
    return em.find(Enrollment, { affiliate: affiliateId }, { orderBy: { id: 'desc' } });
  }

  /** Each affiliate's enrollments, for a page of affiliates in one query. */
  async enrollmentsByAffiliate(em: EntityManager, affiliateIds: readonly string[]) {
    const rows = await em.find(Enrollment, { affiliate: { $in: [...affiliateIds] } }, { orderBy: { id: 'asc' } });
    return affiliateIds.map((id) => rows.filter((e) => e.affiliate.id === id));
  }

  /** Enrollments by application id, for the queue's `enrollment` field (one query per page). */
  async enrollmentsByApplication(em: EntityManager, applicationIds: readonly string[]) {
    const rows = await em.find(Enrollment, { application: { $in: [...applicationIds] } });
    const map = new Map(rows.map((e) => [e.application.id, e]));
    return applicationIds.map((id) => map.get(id) ?? null);
  }
}

/** An application's event: `data.application` is what an operator sees of it. */
const applicationEvent = (merchantId: string, type: OutgoingEvent['type'], application: Record<string, unknown>): OutgoingEvent => ({
  merchantId,
  type,
  data: { application },
});
