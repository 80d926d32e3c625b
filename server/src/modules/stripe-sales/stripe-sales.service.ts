import type { EntityManager } from '@mikro-orm/postgresql';
import Stripe from 'stripe';
import { badInput, DomainError, unavailable } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import type { Logger } from '../../logger.js';
import { minorFromDb } from '../../money.js';
import type { SecretsBox } from '../../secrets-box.js';
import { promotionCodeKey, type ApplicationsService, type PromotionCodeIssuer, type PromotionCodeOutcome } from '../applications/index.js';
import type { CampaignsService } from '../campaigns/index.js';
import type { OrdersService } from '../orders/index.js';
import { idOf, refundShare, saleFromInvoice, saleFromPayment, subscriptionOf, type Sale } from './sale-mapping.js';
import { SalesEventLog } from './sales-event-log.js';
import { StripeSalesStatus, type StripeSales } from './stripe-sales.entity.js';

/** The events the endpoint Sorae creates in the merchant's account listens to. */
export const SALES_EVENTS = ['checkout.session.completed', 'invoice.paid', 'charge.refunded', 'charge.dispute.closed', 'coupon.created'] as const;

/** What each Stripe permission Sorae needs is called in the Dashboard's restricted-key form. */
const PERMISSIONS: Record<string, string> = {
  rak_account_read: 'Account: Read',
  rak_checkout_session_read: 'Checkout Sessions: Read',
  rak_invoice_read: 'Invoices: Read',
  rak_charge_read: 'Charges: Read',
  rak_refund_read: 'Refunds: Read',
  rak_promotion_code_read: 'Promotion Codes: Read',
  rak_coupon_read: 'Coupons: Read',
  rak_webhook_write: 'Webhook Endpoints: Write',
};

/** Reads the events need later; a key lacking one is refused now, not at its first sale. A 404 means the read is allowed. */
const PROBES: ((c: Stripe) => Promise<unknown>)[] = [
  (c) => c.checkout.sessions.list({ limit: 1 }),
  (c) => c.invoices.list({ limit: 1 }),
  (c) => c.charges.retrieve('ch_sorae_permission_check'),
  (c) => c.refunds.list({ limit: 1 }),
  (c) => c.promotionCodes.list({ limit: 1 }),
  (c) => c.coupons.retrieve('sorae_permission_check'),
];

const keyContext = (merchantId: string) => `stripe-sales-key:${merchantId}`;
/** How long a process trusts its opened copy of a merchant's key and endpoint secret (each event needs both). */
export const ACCOUNT_CACHE_MS = 10_000;
const secretContext = (merchantId: string) => `stripe-sales-endpoint-secret:${merchantId}`;

interface AccountRow {
  account_id: string;
  api_key: string;
  endpoint_id: string;
  endpoint_secret: string;
  status: StripeSalesStatus;
  last_error: string | null;
  connected_at: Date;
  last_event_at: Date | null;
}

/** What became of an event: an order, refunds of one, or nothing (with why). */
export interface Handled {
  outcome: 'order' | 'refund' | 'ignored' | 'duplicate';
  detail?: string;
  orderId?: string;
}

type Recorded = Handled & { paymentIntent?: string | null; orderAmountMinor?: number; chargedMinor?: number };

/**
 * Events looked up before they are handled: a coupon's arrival issues promotion codes through
 * Stripe by the enrollments' state, not by the event (a replay would call Stripe again).
 */
const LOOKED_UP_FIRST: ReadonlySet<string> = new Set(['coupon.created']);

/** Thrown by the Stripe accessor when the event was handled before: a replay calls Stripe for nothing. */
class Replay extends Error {}

export interface StripeSalesDeps {
  box: SecretsBox;
  orders: OrdersService;
  /** The coupons campaigns name (checked at a connection), and the enrollments' codes that follow a coupon's arrival. */
  campaigns: CampaignsService;
  applications: ApplicationsService;
  /** The SDK for a merchant's key, pointed where the server's Stripe is (the emulator without STRIPE_SECRET_KEY). */
  clientFor: (apiKey: string) => Stripe;
  publicUrl: string;
  /** Whether the server's Stripe is live (keys must match). */
  live: boolean;
  /** The built-in emulator's URL, when it runs (the demo's sales account comes from it). */
  emulatorUrl: string | null;
  log: Logger;
}

/**
 * The Stripe account a merchant sells through: connecting checks its key and creates the webhook
 * endpoint there; its events become orders and refunds through the orders module's rules, each
 * event once.
 */
export class StripeSalesService implements PromotionCodeIssuer {
  private webhookBase: string;
  /** Per merchant, the key and endpoint secret opened (null: not connected), and when they were read. */
  private readonly events = new SalesEventLog();
  private readonly opened = new Map<string, { account: Promise<{ apiKey: string; endpointSecret: string } | null>; at: number }>();

  constructor(private readonly deps: StripeSalesDeps) {
    this.webhookBase = deps.publicUrl;
  }

  /** With the emulator on loopback, its events come to this process's own address, not PUBLIC_URL. */
  listeningAt(url: string): void {
    if (this.deps.emulatorUrl) this.webhookBase = url;
  }

  webhookUrl(merchantId: string): string {
    return `${this.webhookBase}/webhooks/stripe/sales/${merchantId}`;
  }

  async status(em: EntityManager, merchantId: string): Promise<StripeSales> {
    const row = await this.row(em, merchantId);
    return {
      status: row?.status ?? StripeSalesStatus.NOT_CONNECTED,
      accountId: row?.account_id ?? null,
      connectedAt: row ? new Date(row.connected_at) : null,
      lastError: row?.last_error ?? null,
      lastEventAt: row?.last_event_at ? new Date(row.last_event_at) : null,
      webhookUrl: this.webhookUrl(merchantId),
      demoAvailable: this.deps.emulatorUrl !== null,
      missingCoupons: row ? await this.missingCoupons(em, merchantId, row) : [],
    };
  }

  /**
   * The coupons the merchant's campaigns name that the connected account does not have, each
   * in words naming it and its campaigns (asked of Stripe with the stored key, all at once).
   * Stripe not answering is no verdict: nothing is listed.
   */
  private async missingCoupons(em: EntityManager, merchantId: string, row: AccountRow): Promise<string[]> {
    const inUse = await this.deps.campaigns.couponsInUse(em, merchantId);
    const verdicts = await Promise.all(
      inUse.map(({ coupon, campaigns }) =>
        this.couponMissing(row, merchantId, coupon).then(
          (why) => (why ? `${why} (named by ${campaigns.join(', ')})` : null),
          () => null,
        ),
      ),
    );
    return verdicts.filter((why) => why !== null);
  }

  /** CampaignCoupons: why the connected account cannot use the coupon (it has none of that id), or null. */
  async missingCoupon(em: EntityManager, merchantId: string, coupon: string): Promise<string | null> {
    const row = await this.row(em, merchantId);
    return row ? this.couponMissing(row, merchantId, coupon) : null;
  }

  private async couponMissing(row: AccountRow, merchantId: string, coupon: string): Promise<string | null> {
    try {
      await this.deps.clientFor(this.deps.box.open(row.api_key, keyContext(merchantId))).coupons.retrieve(coupon);
      return null;
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404) {
        return `The connected Stripe account ${row.account_id} has no coupon "${coupon}": create it in Stripe (Products → Coupons) or name another`;
      }
      throw err;
    }
  }

  /**
   * Checks the key (its mode, then with Stripe: the account, the permissions the events need) and
   * creates the webhook endpoint; only then stores both, sealed. A refused key stores nothing.
   */
  async connect(em: EntityManager, merchantId: string, apiKey: string, now: Date): Promise<StripeSales> {
    const key = apiKey.trim();
    const mode = /^(?:sk|rk)_(test|live)_\S+$/.exec(key)?.[1];
    if (!mode) {
      throw badInput('That is not a Stripe secret or restricted key', {
        apiKey: 'must be a secret key (sk_…) or a restricted key (rk_…) of the Stripe account you sell through',
      });
    }
    if ((mode === 'live') !== this.deps.live) {
      const server = this.deps.live ? 'live' : 'test';
      throw badInput(`This is a ${mode}-mode key, but Sorae runs against Stripe in ${server} mode`, {
        apiKey: `is a ${mode}-mode key: use the ${server}-mode key (sk_${server}_… or rk_${server}_…)`,
      });
    }
    const client = this.deps.clientFor(key);
    let account: Stripe.Account;
    let endpoint: Stripe.WebhookEndpoint;
    try {
      account = await client.accounts.retrieveCurrent();
      for (const probe of PROBES)
        await probe(client).catch((err: unknown) =>
          err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404 ? null : Promise.reject(err),
        );
      endpoint = await client.webhookEndpoints.create({
        url: this.webhookUrl(merchantId),
        enabled_events: [...SALES_EVENTS],
        api_version: Stripe.API_VERSION,
        description: 'Sorae Affiliates: orders, renewals, refunds and disputes',
        metadata: { sorae_merchant: merchantId },
      });
    } catch (err) {
      throw keyRefusal(err);
    }
    const previous = await this.row(em, merchantId);
    await em.execute(
      `insert into stripe_sales_account (merchant_id, account_id, api_key, endpoint_id, endpoint_secret, livemode, status, last_error, connected_at, last_event_at)
       values (?, ?, ?, ?, ?, ?, 'CONNECTED', null, ?, null)
       on conflict (merchant_id) do update set account_id = excluded.account_id, api_key = excluded.api_key, endpoint_id = excluded.endpoint_id,
         endpoint_secret = excluded.endpoint_secret, livemode = excluded.livemode, status = 'CONNECTED', last_error = null, connected_at = excluded.connected_at`,
      [
        merchantId,
        account.id,
        this.deps.box.seal(key, keyContext(merchantId)),
        endpoint.id,
        this.deps.box.seal(endpoint.secret!, secretContext(merchantId)),
        mode === 'live',
        now,
      ],
      'run',
    );
    this.opened.delete(merchantId);
    if (previous) await this.deleteEndpoint(merchantId, previous);
    // Codes due for coupons this account has are made now; another account has none of the codes made in the last one.
    if (previous?.account_id === account.id) await this.deps.applications.issuePromotionCodes(em, merchantId);
    else await this.deps.applications.salesAccountChanged(em, merchantId);
    return this.status(em, merchantId);
  }

  /** The demo: an account of the built-in emulator's own, connected like a pasted key. */
  async connectDemo(em: EntityManager, merchantId: string, now: Date): Promise<StripeSales> {
    if (!this.deps.emulatorUrl) throw badInput('The built-in Stripe emulator does not run here: connect the Stripe account you sell through with its key');
    const res = await fetch(`${this.deps.emulatorUrl}/_emulator/accounts`, { method: 'POST', body: JSON.stringify({ type: 'standard' }) });
    const { secret_key } = (await res.json()) as { secret_key: string };
    // The demo's account is new: it gets the coupons the campaigns name (10% off), as a merchant would make them.
    const client = this.deps.clientFor(secret_key);
    for (const { coupon } of await this.deps.campaigns.couponsInUse(em, merchantId))
      await client.coupons.create({ id: coupon, percent_off: 10, duration: 'forever', name: `${coupon} (Sorae demo)` });
    return this.connect(em, merchantId, secret_key, now);
  }

  /** Removes the endpoint from the account (if Stripe still takes the key) and forgets the key. */
  async disconnect(em: EntityManager, merchantId: string): Promise<StripeSales> {
    const row = await this.row(em, merchantId);
    if (row) {
      await this.deleteEndpoint(merchantId, row);
      await em.execute(`delete from stripe_sales_account where merchant_id = ?`, [merchantId], 'run');
      this.opened.delete(merchantId);
    }
    return this.status(em, merchantId);
  }

  /**
   * The endpoint's signing secret, for the webhook route; null when the merchant is not connected.
   * Cached per process for ACCOUNT_CACHE_MS (a burst of renewals would read and open it per
   * event); `fresh` reads it again, for a signature that fails against the cached one, so a
   * reconnection made by another process is picked up at once.
   */
  async endpointSecret(em: EntityManager, merchantId: string, fresh = false): Promise<string | null> {
    return (await this.account(em, merchantId, fresh))?.endpointSecret ?? null;
  }

  /** The merchant's key and endpoint secret, opened; cached as `endpointSecret` says (events arriving together share one read). */
  private account(em: EntityManager, merchantId: string, fresh = false): Promise<{ apiKey: string; endpointSecret: string } | null> {
    const now = Date.now();
    const hit = this.opened.get(merchantId);
    if (hit && !fresh && now - hit.at < ACCOUNT_CACHE_MS) return hit.account;
    const account = this.row(em, merchantId).then((row) =>
      row
        ? {
            apiKey: this.deps.box.open(row.api_key, keyContext(merchantId)),
            endpointSecret: this.deps.box.open(row.endpoint_secret, secretContext(merchantId)),
          }
        : null,
    );
    if (this.opened.size > 10_000) this.opened.clear();
    this.opened.set(merchantId, { account, at: now });
    // A failed read is not kept.
    account.catch(() => this.opened.get(merchantId)?.account === account && this.opened.delete(merchantId));
    return account;
  }

  /**
   * A verified event of the merchant's account, once by event id. What an event writes is
   * idempotent by its own ids (orders by order id, refunds by refund or dispute id), so most
   * types are handled without first asking whether the event was seen: the lookup runs before the
   * first call to Stripe (a replay stops there, calling Stripe for nothing) or after a failure,
   * and the record says whether this delivery was the first, a replay answering `duplicate`. A
   * renewal's invoice.paid, which needs no call, costs no lookup. Both statements are
   * group-committed (see SalesEventLog). Failures Stripe should retry (the order of a refund not
   * there yet, Stripe unreachable) throw and record nothing.
   */
  async receive(em: EntityManager, merchantId: string, event: Stripe.Event, now: Date): Promise<Handled> {
    let lookup: Promise<void> | undefined;
    const unseen = () =>
      (lookup ??= this.events.seen(em, merchantId, event.id).then((seen) => {
        if (seen) throw new Replay();
      }));
    if (LOOKED_UP_FIRST.has(event.type)) {
      if (await this.events.seen(em, merchantId, event.id)) return { outcome: 'duplicate' };
      lookup = Promise.resolve();
    }
    const account = await this.account(em, merchantId);
    if (!account) throw badInput('Stripe sales are not connected');
    // Built only when the event needs Stripe: a renewal's invoice.paid carries everything.
    let client: Stripe | undefined;
    const stripe = async () => {
      await unseen();
      return (client ??= this.deps.clientFor(account.apiKey));
    };
    let handled: Recorded;
    try {
      handled = await this.handle(em, merchantId, stripe, event, now);
    } catch (err) {
      if (err instanceof Replay) return { outcome: 'duplicate' };
      // A replay whose handling fails now (the state it depended on moved) answers as before.
      if (!lookup && (await this.events.seen(em, merchantId, event.id))) return { outcome: 'duplicate' };
      if (!(err instanceof Stripe.errors.StripeError)) throw err;
      if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
        await em.execute(`update stripe_sales_account set status = 'ERROR', last_error = ? where merchant_id = ?`, [err.message, merchantId], 'run');
        this.opened.delete(merchantId);
      }
      this.deps.log.warn({ merchantId, event: event.id, type: event.type, err: err.message }, 'stripe sales: Stripe refused a call; the event will come again');
      throw unavailable(`Stripe refused a call while handling ${event.type}: ${err.message}`, 60);
    }
    // A signed event handled with the stored key (or needing no call): a connection in ERROR works again.
    const first = await this.events.record(em, {
      id: uuidv7(now.getTime()),
      merchantId,
      eventId: event.id,
      type: event.type,
      outcome: handled.outcome,
      detail: handled.detail ?? null,
      orderId: handled.orderId ?? null,
      paymentIntent: handled.paymentIntent ?? null,
      orderAmountMinor: handled.orderAmountMinor ?? null,
      chargedMinor: handled.chargedMinor ?? null,
      receivedAt: now,
    });
    if (!first) return { outcome: 'duplicate' };
    if (handled.outcome === 'ignored')
      this.deps.log.info({ merchantId, event: event.id, type: event.type, detail: handled.detail }, 'stripe sales: event ignored');
    return { outcome: handled.outcome, ...(handled.detail ? { detail: handled.detail } : {}), ...(handled.orderId ? { orderId: handled.orderId } : {}) };
  }

  /**
   * At start-up: seals with the current SECRETS_KEY every stored key and endpoint secret sealed
   * with SECRETS_KEY_PREVIOUS (as OrderWebhookSecrets.resealAll does; a value sealed with a key
   * this process does not hold stops the start, naming it). Each row is replaced only if it still
   * holds what was read, so processes starting together do not clash.
   */
  async resealAll(em: EntityManager): Promise<number> {
    const { box } = this.deps;
    const rows = await em.execute<{ merchant_id: string; api_key: string; endpoint_secret: string }[]>(
      `select merchant_id, api_key, endpoint_secret from stripe_sales_account`,
    );
    const stale = rows.filter((r) => !box.isCurrent(r.api_key) || !box.isCurrent(r.endpoint_secret));
    for (const r of stale) {
      const again = (sealed: string, context: string) => box.seal(box.open(sealed, context), context);
      await em.execute(
        `update stripe_sales_account set api_key = ?, endpoint_secret = ? where merchant_id = ? and api_key = ? and endpoint_secret = ?`,
        [again(r.api_key, keyContext(r.merchant_id)), again(r.endpoint_secret, secretContext(r.merchant_id)), r.merchant_id, r.api_key, r.endpoint_secret],
        'run',
      );
    }
    return stale.length;
  }

  private async handle(em: EntityManager, merchantId: string, stripe: () => Promise<Stripe>, event: Stripe.Event, now: Date): Promise<Recorded> {
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        if (session.payment_status === 'unpaid') return { outcome: 'ignored', detail: 'the session is not paid (yet)' };
        if (session.mode === 'payment') return this.recordSale(em, merchantId, stripe, saleFromPayment(session, new Date(event.created * 1000)), now);
        const invoiceId = idOf(session.invoice);
        if (session.mode !== 'subscription' || !invoiceId)
          return { outcome: 'ignored', detail: `a ${session.mode}-mode session without an invoice is no sale` };
        const invoice = await (await stripe()).invoices.retrieve(invoiceId, { expand: ['payments'] });
        return this.recordSale(em, merchantId, stripe, saleFromInvoice(invoice, session), now);
      }
      case 'invoice.paid': {
        const subscription = subscriptionOf(event.data.object);
        if (!subscription) return { outcome: 'ignored', detail: 'an invoice of no subscription: its sale is not from Checkout' };
        const invoice = event.data.object.payments
          ? event.data.object
          : await (await stripe()).invoices.retrieve(event.data.object.id, { expand: ['payments'] });
        // The first invoice carries the click of the session that started the subscription (it may not have arrived yet).
        const session =
          invoice.billing_reason === 'subscription_create'
            ? ((await (await stripe()).checkout.sessions.list({ subscription, limit: 1 })).data[0] ?? null)
            : null;
        return this.recordSale(em, merchantId, stripe, saleFromInvoice(invoice, session), now);
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        const order = await this.orderOf(em, merchantId, idOf(charge.payment_intent));
        if (!order) return { outcome: 'ignored', detail: 'no order was recorded from this payment' };
        const refunds = (await (await stripe()).refunds.list({ charge: charge.id, limit: 100 })).data
          .filter((r) => r.status === 'succeeded' || r.status === 'pending')
          .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
        let before = 0;
        const refused: string[] = [];
        for (const refund of refunds) {
          const amountMinor = refundShare(order, before, refund.amount);
          before += refund.amount;
          const taken = await this.refund(em, merchantId, { orderId: order.id, id: refund.id, amountMinor, occurredAt: new Date(refund.created * 1000) }, now);
          if (taken) refused.push(taken);
        }
        return { outcome: 'refund', orderId: order.id, ...(refused.length ? { detail: refused.join('; ') } : {}) };
      }
      case 'charge.dispute.closed': {
        const dispute = event.data.object;
        if (dispute.status !== 'lost') return { outcome: 'ignored', detail: `the dispute was ${dispute.status}: nothing to take back` };
        const order = await this.orderOf(em, merchantId, idOf(dispute.payment_intent));
        if (!order) return { outcome: 'ignored', detail: 'no order was recorded from this payment' };
        const charge = await (await stripe()).charges.retrieve(idOf(dispute.charge)!);
        const amountMinor = refundShare(order, charge.amount_refunded, dispute.amount);
        const refused = await this.refund(em, merchantId, { orderId: order.id, id: dispute.id, amountMinor, occurredAt: new Date(event.created * 1000) }, now);
        return { outcome: 'refund', orderId: order.id, ...(refused ? { detail: refused } : {}) };
      }
      case 'coupon.created':
        // A coupon a campaign names may have been missing: the enrollments waiting for it get their codes.
        await this.deps.applications.issuePromotionCodes(em, merchantId);
        return { outcome: 'ignored', detail: `coupon ${event.data.object.id}: promotion codes due for it were made` };
      default:
        return { outcome: 'ignored', detail: `${event.type} is not an event Sorae uses` };
    }
  }

  /**
   * The sale's order through the orders module's rules. An order the winning campaign cannot
   * pay (another currency) is recorded unattributed, with the reason kept on the event; one the
   * rules refuse outright (an amount past the limit) is not recorded.
   */
  private async recordSale(em: EntityManager, merchantId: string, stripe: () => Promise<Stripe>, sale: Sale, now: Date): Promise<Recorded> {
    const recorded = { orderId: sale.order.id, paymentIntent: sale.paymentIntent, orderAmountMinor: sale.order.amountMinor, chargedMinor: sale.chargedMinor };
    // The recurring engine's fields of the order input (a subscription's payments, a promotion code's enrollment).
    const couponCode = sale.promotionCodeId ? (await (await stripe()).promotionCodes.retrieve(sale.promotionCodeId)).code : null;
    const order = { ...sale.order, couponCode, subscription: sale.subscription };
    try {
      await this.deps.orders.recordOrder(em, merchantId, order, now);
      return { outcome: 'order', ...recorded };
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'BAD_USER_INPUT') throw err;
      if (err.fieldErrors?.currency && (order.clickId || order.visitorId)) {
        await this.deps.orders.recordOrder(em, merchantId, { ...order, clickId: null, visitorId: null, couponCode: null }, now);
        return { outcome: 'order', detail: `recorded unattributed: ${err.message}`, ...recorded };
      }
      return { outcome: 'ignored', detail: `not recorded: ${err.message}`, orderId: sale.order.id, paymentIntent: sale.paymentIntent };
    }
  }

  /** A refund through the orders module's rules; why it was refused (it exceeds what is left), or null. */
  private async refund(
    em: EntityManager,
    merchantId: string,
    refund: { orderId: string; id: string; amountMinor: number; occurredAt: Date },
    now: Date,
  ): Promise<string | null> {
    if (refund.amountMinor === 0) return null;
    try {
      await this.deps.orders.recordRefund(em, merchantId, refund, now);
      return null;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'BAD_USER_INPUT') return `${refund.id} not recorded: ${err.message}`;
      throw err;
    }
  }

  /** The order recorded from a payment, with its amount and what was charged for it. */
  private async orderOf(em: EntityManager, merchantId: string, paymentIntent: string | null) {
    if (!paymentIntent) return null;
    const [row] = await em.execute<{ order_id: string; order_amount_minor: string; charged_minor: string }[]>(
      `select order_id, order_amount_minor, charged_minor from stripe_sales_event
        where merchant_id = ? and payment_intent = ? and outcome = 'order' order by id limit 1`,
      [merchantId, paymentIntent],
    );
    return row ? { id: row.order_id, amountMinor: minorFromDb(row.order_amount_minor), chargedMinor: minorFromDb(row.charged_minor) } : null;
  }

  // ---- Promotion codes (PromotionCodeIssuer: applications asks, with the merchant's stored key) ----

  async createPromotionCode(
    em: EntityManager,
    merchantId: string,
    p: { enrollmentId: string; coupon: string; code: string },
  ): Promise<PromotionCodeOutcome | null> {
    const client = await this.clientOf(em, merchantId);
    if (!client) return null;
    // Asked first: a create refused for a missing coupon would be kept by Stripe under the key, and replayed once the coupon exists.
    const missing = await this.missingCoupon(em, merchantId, p.coupon);
    if (missing) return { refused: missing };
    // The account may hold it already (the same account connected again under another key, or
    // the coupon given back to the campaign after its codes were turned off): it is adopted, on
    // again, not made twice (the create's key would only replay the code turned off).
    const held = (await client.promotionCodes.list({ code: p.code, limit: 10 })).data
      .filter((c) => c.promotion.coupon === p.coupon)
      .sort((a, b) => Number(b.active) - Number(a.active))[0];
    if (held) {
      if (!held.active) await client.promotionCodes.update(held.id, { active: true });
      return { stripeId: held.id };
    }
    try {
      const created = await client.promotionCodes.create(
        { promotion: { type: 'coupon', coupon: p.coupon }, code: p.code, metadata: { sorae_enrollment: p.enrollmentId } },
        { idempotencyKey: promotionCodeKey(p.enrollmentId, p.coupon) },
      );
      return { stripeId: created.id };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return { refused: `Stripe refused the promotion code ${p.code}: ${err.message}` };
      throw err;
    }
  }

  async setPromotionCodeActive(em: EntityManager, merchantId: string, stripeId: string, active: boolean): Promise<void> {
    const client = await this.clientOf(em, merchantId);
    if (client) await client.promotionCodes.update(stripeId, { active });
  }

  /** The SDK with the merchant's stored key, or null when no sales account is connected. */
  private async clientOf(em: EntityManager, merchantId: string): Promise<Stripe | null> {
    const row = await this.row(em, merchantId);
    return row ? this.deps.clientFor(this.deps.box.open(row.api_key, keyContext(merchantId))) : null;
  }

  private async row(em: EntityManager, merchantId: string): Promise<AccountRow | null> {
    const [row] = await em.execute<AccountRow[]>(
      `select account_id, api_key, endpoint_id, endpoint_secret, status, last_error, connected_at, last_event_at from stripe_sales_account where merchant_id = ?`,
      [merchantId],
    );
    return row ?? null;
  }

  private async deleteEndpoint(merchantId: string, row: AccountRow): Promise<void> {
    try {
      await this.deps.clientFor(this.deps.box.open(row.api_key, keyContext(merchantId))).webhookEndpoints.del(row.endpoint_id);
    } catch (err) {
      // The key may be revoked already: the endpoint then fails its deliveries, and Stripe disables it.
      this.deps.log.warn({ merchantId, endpoint: row.endpoint_id, err: (err as Error).message }, 'stripe sales: could not delete the webhook endpoint');
    }
  }
}

/** Why Stripe refused a key, in words an owner can act on; nothing was stored. */
function keyRefusal(err: unknown): unknown {
  if (err instanceof Stripe.errors.StripePermissionError) {
    const permission = /'(rak_[a-z_]+)'/.exec(err.message)?.[1] ?? 'unknown';
    const name = PERMISSIONS[permission] ?? permission;
    return badInput(`The key lacks the Stripe permission "${name}" (${permission}): give the restricted key that permission and connect again`, {
      apiKey: `lacks the permission "${name}"`,
    });
  }
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    return badInput(`Stripe refused the key: ${err.message}`, { apiKey: 'was refused by Stripe (mistyped, expired or revoked)' });
  }
  if (err instanceof Stripe.errors.StripeError) return unavailable(`Stripe did not take the request (${err.message}); nothing was stored, try again`, 30);
  return err;
}
