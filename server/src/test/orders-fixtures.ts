// Test arrangements shared by the orders and commissions tests (not a test file itself).
import { readTogether, withConnection, type ReadPart } from '../db/sql-runner.js';
import { uuidv7 } from '../ids.js';
import type { TenantRef } from '../modules/tenancy.js';
import { uniq, type TestApp } from './harness.js';
import { Enrollment } from '../modules/applications/index.js';
import { signPayload } from '../modules/orders/index.js';

export interface Program {
  merchantId: string;
  token: string;
  secret: string;
  campaign: { id: string; slug: string };
  /** Approved affiliates of the campaign, each with a portal session. */
  affiliates: { id: string; email: string; enrollmentId: string; token: string; promotionCode?: string | null }[];
}

/** A merchant with one campaign, `n` approved affiliates and an order-webhook secret. */
export async function program(
  app: TestApp,
  opts: {
    currency?: string;
    commission?: Record<string, unknown>;
    attributionWindowDays?: number;
    affiliates?: number;
    stripeCouponId?: string;
    /** Another campaign of this merchant (its secret is rotated again) instead of a new merchant. */
    owner?: { merchantId: string; token: string };
  } = {},
): Promise<Program> {
  const owner = opts.owner ?? (await app.newMerchant());
  const c = await app.gql(
    `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
    {
      input: {
        name: 'Creators',
        slug: uniq('c-'),
        destinationUrl: 'https://shop.example/',
        currency: opts.currency ?? 'USD',
        commission: opts.commission ?? { type: 'PERCENTAGE', rateBps: 1000 },
        attributionWindowDays: opts.attributionWindowDays ?? 30,
        stripeCouponId: opts.stripeCouponId,
      },
    },
    owner.token,
  );
  const campaign = c.data!.createCampaign as { id: string; slug: string };
  const affiliates: Program['affiliates'] = [];
  for (let i = 0; i < (opts.affiliates ?? 2); i++) {
    const email = `${uniq('aff')}@example.test`;
    const applied = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: campaign.slug, email, name: `Affiliate ${i}`, password: 'affiliate-pw', answers: [] },
    });
    const applicationId = applied.data!.submitApplication.id as string;
    await app.confirmApplication(email);
    await app.gql(
      `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
      { input: { ids: [applicationId], decision: 'APPROVE' } },
      owner.token,
    );
    const enrollment = await app.emFor(owner.merchantId).findOneOrFail(Enrollment, { application: applicationId });
    const signIn = await app.gql(`mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`, { e: email, p: 'affiliate-pw' });
    affiliates.push({
      id: enrollment.affiliate.id,
      email,
      enrollmentId: enrollment.id,
      token: signIn.data!.affiliateSignIn.token,
      promotionCode: enrollment.promotionCode ?? null,
    });
  }
  const rotated = await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, owner.token);
  return { merchantId: owner.merchantId, token: owner.token, secret: rotated.data!.rotateOrderWebhookSecret as string, campaign, affiliates };
}

/** A logged click, written directly (the click log's batching is tested on its own). */
export async function click(
  app: TestApp,
  p: Program,
  affiliate: Program['affiliates'][number],
  opts: { visitorId?: string; occurredAt?: Date; isBot?: boolean; campaignId?: string } = {},
): Promise<string> {
  const occurredAt = opts.occurredAt ?? new Date(Date.now() - 3600_000);
  const id = uuidv7(occurredAt.getTime());
  await app.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into click (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, ip_hash, visitor_id, is_bot)
     values (?, ?, ?, ?, ?, 'AFFILIATE', ?, 'test', ?, ?)`,
      [id, p.merchantId, affiliate.enrollmentId, affiliate.id, opts.campaignId ?? p.campaign.id, occurredAt, opts.visitorId ?? uniq('v'), opts.isBot ?? false],
    );
  return id;
}

export function orderBody(order: Record<string, unknown>, eventId = uniq('evt_')) {
  return {
    id: eventId,
    type: 'order.created',
    order: { id: uniq('ord_'), amountMinor: 10_000, currency: 'USD', occurredAt: new Date().toISOString(), ...order },
  };
}

export function refundBody(orderId: string, refund: Record<string, unknown>, eventId = uniq('evt_')) {
  return {
    id: eventId,
    type: 'order.refunded',
    order: { id: orderId },
    refund: { id: uniq('re_'), amountMinor: 1000, occurredAt: new Date().toISOString(), ...refund },
  };
}

/** POSTs a signed order webhook; `raw` bodies are sent as given. */
export async function postWebhook(
  app: Pick<TestApp, 'url'>,
  p: Pick<Program, 'merchantId' | 'secret'>,
  body: unknown,
  opts: { t?: number; secret?: string; signature?: string | null; merchant?: string | null } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = opts.signature === undefined ? signPayload(opts.secret ?? p.secret, raw, opts.t) : opts.signature;
  if (signature !== null) headers['sorae-signature'] = signature;
  const merchant = opts.merchant === undefined ? p.merchantId : opts.merchant;
  if (merchant !== null) headers['sorae-merchant'] = merchant;
  const res = await fetch(`${app.url}/webhooks/orders`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  const retryAfter = res.headers.get('retry-after');
  return { status: res.status, body: json, ...(retryAfter ? { retryAfter } : {}) };
}

/** Row counts of everything ingestion writes, for "writes nothing" checks. */
export async function counts(app: TestApp, merchantId: string) {
  const [row] = await app.orm.em
    .fork()
    .getConnection()
    .execute<Record<string, string>[]>(
      `select (select count(*) from store_order where merchant_id = ?) as orders,
            (select count(*) from conversion where merchant_id = ?) as conversions,
            (select count(*) from commission where merchant_id = ?) as commissions,
            (select count(*) from refund where merchant_id = ?) as refunds,
            (select count(*) from commission_adjustment where merchant_id = ?) as adjustments,
            (select count(*) from webhook_event where merchant_id = ?) as events`,
      [merchantId, merchantId, merchantId, merchantId, merchantId, merchantId],
    );
  const n = (k: string) => Number(row![k]);
  return {
    orders: n('orders'),
    conversions: n('conversions'),
    commissions: n('commissions'),
    refunds: n('refunds'),
    adjustments: n('adjustments'),
    events: n('events'),
  };
}

/** Every commission of the merchant with its adjustments' sum: the ledger to reconcile. */
export async function ledger(app: TestApp, merchantId: string) {
  return app.orm.em
    .fork()
    .getConnection()
    .execute<{ order_id: string; status: string; original: string; amount: string; adjusted: string; adjustments: string }[]>(
      `select cv.order_external_id as order_id, c.status, c.original_amount_minor as original, c.amount_minor as amount,
            c.original_amount_minor + coalesce(sum(a.amount_minor), 0) as adjusted, count(a.id) as adjustments
       from commission c join conversion cv on cv.id = c.conversion_id
       left join commission_adjustment a on a.commission_id = c.id
      where c.merchant_id = ? group by cv.order_external_id, c.id order by cv.order_external_id`,
      [merchantId],
    );
}

/**
 * A port that reads over the relation of touched enrollments or campaigns (`touched`, pairs of
 * `merchant_id` and `column`), run as order ingestion's read runs it, over `refs`.
 */
export const readOverTouched = <T>(app: TestApp, refs: readonly TenantRef[], column: 'enrollment_id' | 'campaign_id', part: (touched: string) => ReadPart<T>) =>
  withConnection(app.orm.em.fork(), async (exec) => {
    const touched = {
      sql: `touched as (select * from unnest(?::uuid[], ?::uuid[]) as t(merchant_id, ${column}))`,
      params: [`{${refs.map((r) => r.merchantId).join(',')}}`, `{${refs.map((r) => r.id).join(',')}}`],
    };
    const [, found] = await readTogether(exec, [touched, part('touched')] as const);
    return found;
  });
