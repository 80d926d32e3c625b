import { randomBytes } from 'node:crypto';
import { executionError, invalidParam, keyHint, noSuchResource, StripeHttpError } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import type { Change } from './journal.js';
import { allowOnly, applyMetadata, int, LIST_PARAMS, paginate, str, stripeId, type Emitted, type Metadata } from './store.js';

/**
 * A merchant's own Stripe account, as the merchant sells through it: customers, coupons,
 * promotion codes, Checkout Sessions, subscriptions and their invoices, charges, refunds,
 * disputes and webhook endpoints. Each account's key sees only its own objects (the platform's
 * default key is the account `platform`); events of a change go to that account's endpoints.
 * Objects are kept in the journal as their new values, like the Connect state.
 */

/** A sales object in Stripe's wire format (the fields Sorae and its tests read, in the SDK's API version). */
export type SalesObject = { id: string; object: string; [field: string]: unknown };

/** What a key is: its account, and the permissions a restricted key lacks (Stripe's `rak_…` names). */
export interface SalesKey {
  account: string;
  denied: string[];
}

export const PLATFORM = 'platform';
const MONTH_S = 30 * 24 * 3600;

/** Stripe's answer to a restricted key without a permission (the SDK's StripePermissionError). */
export function permissionError(key: string, account: string, permission: string): StripeHttpError {
  return new StripeHttpError(
    403,
    {
      type: 'invalid_request_error',
      message: `The provided key '${keyHint(key)}' does not have the required permissions for this endpoint on account '${account}'. Having the '${permission}' permission would allow this request to continue.`,
    },
    false,
  );
}

export interface CheckoutRequest {
  mode: 'payment' | 'subscription';
  amount: number;
  currency: string;
  client_reference_id?: string;
  metadata?: Metadata;
  promotion_code?: string;
  customer_email?: string;
}

export class SalesState {
  readonly keys = new Map<string, SalesKey>();
  /** Every object by id, with the account that owns it. */
  private readonly objects = new Map<string, { scope: string; value: SalesObject }>();
  /**
   * The same objects per account and kind, in the same order: an event's delivery asks for the
   * account's webhook endpoints, and scanning every object per event made a 10,000-subscription
   * account's deliveries (and redeliveries) cost seconds of this loop.
   */
  private readonly byKind = new Map<string, Map<string, SalesObject>>();

  constructor(
    private readonly now: () => number,
    private readonly record: (change: Change) => void = () => {},
  ) {}

  restore(c: Change): void {
    if (c.kind === 'sales_key') this.keys.set(c.key, c.entry);
    else if (c.kind === 'sales_object') this.put(c.scope, c.object);
    else if (c.kind === 'sales_deleted') this.remove(c.id);
  }

  snapshot(): Change[] {
    return [
      ...[...this.keys].map(([key, entry]): Change => ({ kind: 'sales_key', key, entry })),
      ...[...this.objects.values()].map(({ scope, value }): Change => ({ kind: 'sales_object', scope, object: value })),
    ];
  }

  reset(): void {
    this.keys.clear();
    this.objects.clear();
    this.byKind.clear();
  }

  private put(scope: string, value: SalesObject): void {
    this.objects.set(value.id, { scope, value });
    const key = `${scope} ${value.object}`;
    let kind = this.byKind.get(key);
    if (!kind) this.byKind.set(key, (kind = new Map()));
    kind.set(value.id, value);
  }

  private remove(id: string): void {
    const found = this.objects.get(id);
    if (!found) return;
    this.objects.delete(id);
    this.byKind.get(`${found.scope} ${found.value.object}`)?.delete(id);
  }

  /** The account a key belongs to: its own for keys this emulator issued, else the platform. */
  scopeOf(key: string): string {
    return this.keys.get(key)?.account ?? PLATFORM;
  }

  addKey(account: string, denied: string[], restricted: boolean): string {
    const key = `${restricted ? 'rk' : 'sk'}_test_${randomBytes(24).toString('base64url')}`;
    const entry = { account, denied };
    this.keys.set(key, entry);
    this.record({ kind: 'sales_key', key, entry });
    return key;
  }

  private sec(): number {
    return Math.floor(this.now() / 1000);
  }

  private save<T extends SalesObject>(scope: string, value: T): T {
    this.put(scope, value);
    this.record({ kind: 'sales_object', scope, object: value });
    return value;
  }

  /** The account that owns an object (control routes name objects without a key). */
  ownerOf(id: string, label: string): string {
    const found = this.objects.get(id);
    if (!found) throw noSuchResource(label, id);
    return found.scope;
  }

  /** An object of the key's account; another account's is "No such …", as in Stripe. */
  get(scope: string, kind: string, id: string, label = kind): SalesObject {
    const found = this.objects.get(id);
    if (!found || found.scope !== scope || found.value.object !== kind) throw noSuchResource(label, id);
    return found.value;
  }

  private all(scope: string, kind: string, match: (o: SalesObject) => boolean = () => true): SalesObject[] {
    const out: SalesObject[] = [];
    for (const value of this.byKind.get(`${scope} ${kind}`)?.values() ?? []) if (match(value)) out.push(value);
    return out.reverse();
  }

  list(scope: string, kind: string, params: FormParams, url: string, filters: string[]) {
    allowOnly(params, [...filters, ...LIST_PARAMS]);
    const wanted = filters.flatMap((f) => {
      const v = str(params, f);
      return v === undefined ? [] : [[f, v] as const];
    });
    const matching = this.all(scope, kind, (o) => wanted.every(([f, v]) => String(o[f]) === v));
    const page = paginate(matching, params, url);
    return { ...page, data: page.data.map(clone) };
  }

  /** Endpoints of an account subscribed to an event type. */
  endpointsFor(scope: string, type: string): { url: string; secret: string }[] {
    return this.all(scope, 'webhook_endpoint', (e) => e.status === 'enabled' && (e.enabled_events as string[]).some((t) => t === '*' || t === type)).map(
      (e) => ({ url: e.url as string, secret: e.secret as string }),
    );
  }

  createCustomer(scope: string, params: FormParams): SalesObject {
    allowOnly(params, ['email', 'name', 'metadata', 'description']);
    return clone(
      this.save(scope, {
        id: stripeId('cus', 15),
        object: 'customer',
        email: str(params, 'email') ?? null,
        name: str(params, 'name') ?? null,
        description: str(params, 'description') ?? null,
        created: this.sec(),
        livemode: false,
        metadata: applyMetadata({}, params.metadata),
      }),
    );
  }

  createCoupon(scope: string, params: FormParams): SalesObject {
    allowOnly(params, ['id', 'percent_off', 'amount_off', 'currency', 'duration', 'duration_in_months', 'name', 'metadata']);
    const percent = str(params, 'percent_off');
    const amountOff = int(params, 'amount_off', { min: 1 });
    if ((percent === undefined) === (amountOff === undefined))
      throw invalidParam('parameter_missing', 'You must pass either percent_off or amount_off.', 'percent_off');
    if (amountOff !== undefined && !str(params, 'currency')) throw invalidParam('parameter_missing', 'Missing required param: currency.', 'currency');
    const duration = str(params, 'duration') ?? 'once';
    if (!['once', 'repeating', 'forever'].includes(duration)) throw invalidParam('parameter_invalid_string', 'Invalid duration', 'duration');
    const id = str(params, 'id') ?? randomBytes(6).toString('base64url');
    if (this.objects.has(id)) throw invalidParam('resource_already_exists', 'Coupon already exists.', 'id');
    return clone(
      this.save(scope, {
        id,
        object: 'coupon',
        percent_off: percent === undefined ? null : Number(percent),
        amount_off: amountOff ?? null,
        currency: str(params, 'currency')?.toLowerCase() ?? null,
        duration,
        duration_in_months: int(params, 'duration_in_months', { min: 1 }) ?? null,
        name: str(params, 'name') ?? null,
        valid: true,
        times_redeemed: 0,
        created: this.sec(),
        livemode: false,
        metadata: applyMetadata({}, params.metadata),
      }),
    );
  }

  createPromotionCode(scope: string, params: FormParams): SalesObject {
    allowOnly(params, ['promotion', 'code', 'active', 'metadata', 'max_redemptions', 'expires_at', 'customer']);
    const promotion = params.promotion;
    const couponId =
      promotion && typeof promotion === 'object' && !Array.isArray(promotion) && typeof promotion.coupon === 'string' ? promotion.coupon : undefined;
    if (!couponId) throw invalidParam('parameter_missing', 'Missing required param: promotion[coupon].', 'promotion[coupon]');
    const coupon = this.get(scope, 'coupon', couponId);
    const code = str(params, 'code') ?? randomBytes(6).toString('hex').toUpperCase();
    if (this.all(scope, 'promotion_code', (p) => p.active === true && String(p.code).toLowerCase() === code.toLowerCase()).length) {
      throw executionError('duplicate_promotion_code', `An active promotion code with \`code: ${code}\` already exists.`, 'code');
    }
    return clone(
      this.save(scope, {
        id: stripeId('promo', 24),
        object: 'promotion_code',
        active: str(params, 'active') !== 'false',
        code,
        promotion: { type: 'coupon', coupon: coupon.id },
        customer: str(params, 'customer') ?? null,
        max_redemptions: int(params, 'max_redemptions', { min: 1 }) ?? null,
        expires_at: int(params, 'expires_at') ?? null,
        times_redeemed: 0,
        created: this.sec(),
        livemode: false,
        metadata: applyMetadata({}, params.metadata),
      }),
    );
  }

  updatePromotionCode(scope: string, id: string, params: FormParams): SalesObject {
    allowOnly(params, ['active', 'metadata']);
    const promo = this.get(scope, 'promotion_code', id, 'promotion code');
    const active = str(params, 'active');
    if (active !== undefined) promo.active = active === 'true';
    promo.metadata = applyMetadata(promo.metadata as Metadata, params.metadata);
    return clone(this.save(scope, promo));
  }

  createWebhookEndpoint(scope: string, params: FormParams, apiVersion: string): SalesObject {
    allowOnly(params, ['url', 'enabled_events', 'api_version', 'description', 'metadata', 'connect']);
    const url = str(params, 'url', true);
    if (!/^https?:\/\//.test(url)) throw invalidParam('url_invalid', 'Invalid URL: URL must be publicly accessible.', 'url');
    const events = strings(params.enabled_events);
    if (!events.length) throw invalidParam('parameter_missing', 'Missing required param: enabled_events.', 'enabled_events');
    const endpoint = this.save(scope, {
      id: stripeId('we', 24),
      object: 'webhook_endpoint',
      url,
      enabled_events: events,
      api_version: str(params, 'api_version') ?? apiVersion,
      description: str(params, 'description') ?? null,
      status: 'enabled',
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      created: this.sec(),
      livemode: false,
      metadata: applyMetadata({}, params.metadata),
    });
    return clone(endpoint);
  }

  /** Like Stripe, an endpoint's secret is shown once, on create. */
  endpointView(endpoint: SalesObject): SalesObject {
    const { secret: _secret, ...rest } = endpoint;
    return clone(rest);
  }

  /** Deletes the account's object (a webhook endpoint, a coupon), answering as Stripe does; the deleted object is returned too. */
  delete(scope: string, kind: string, id: string, label = kind): { answer: SalesObject; deleted: SalesObject } {
    const deleted = this.get(scope, kind, id, label);
    this.remove(id);
    this.record({ kind: 'sales_deleted', id });
    return { answer: { id, object: kind, deleted: true }, deleted };
  }

  /** A completed Checkout Session with what it created, and the events Stripe sends for it. */
  checkout(scope: string, req: CheckoutRequest): { ids: Record<string, string | null>; emitted: Emitted[] } {
    const currency = req.currency.toLowerCase();
    const t = this.sec();
    const customer = this.createCustomer(scope, req.customer_email ? { email: req.customer_email } : {});
    let promo: SalesObject | null = null;
    if (req.promotion_code) {
      promo =
        this.all(scope, 'promotion_code', (p) => p.id === req.promotion_code || String(p.code).toLowerCase() === req.promotion_code!.toLowerCase())[0] ?? null;
      if (!promo || promo.active !== true) throw invalidParam('resource_missing', `No such promotion code: '${req.promotion_code}'`, 'promotion_code');
    }
    const coupon = promo ? this.get(scope, 'coupon', (promo.promotion as { coupon: string }).coupon) : null;
    const discount = coupon
      ? coupon.amount_off !== null
        ? Math.min(req.amount, coupon.amount_off as number)
        : Math.round((req.amount * (coupon.percent_off as number)) / 100)
      : 0;
    if (promo) this.save(scope, { ...promo, times_redeemed: (promo.times_redeemed as number) + 1 });
    const discounts = promo && coupon ? [{ coupon: coupon.id, promotion_code: promo.id }] : [];
    const total = req.amount - discount;
    const emitted: Emitted[] = [];
    let subscription: SalesObject | null = null;
    let invoice: SalesObject | null = null;
    let charge: SalesObject;
    const sessionId = stripeId('cs_test', 58);
    if (req.mode === 'subscription') {
      subscription = this.save(scope, {
        id: stripeId('sub', 24),
        object: 'subscription',
        customer: customer.id,
        status: 'active',
        currency,
        created: t,
        start_date: t,
        latest_invoice: null,
        discounts: discounts.map(() => stripeId('di', 24)),
        items: { object: 'list', data: [] as unknown[], has_more: false, url: '' },
        metadata: { ...(req.metadata ?? {}) },
        plan_amount: req.amount,
        coupon: coupon?.id ?? null,
        livemode: false,
      });
      ({ invoice, charge } = this.payInvoice(scope, subscription, 'subscription_create', t, emitted));
    } else {
      charge = this.createCharge(scope, customer.id, total, currency, t);
      emitted.push({ type: 'charge.succeeded', object: clone(charge) });
    }
    const session = this.save(scope, {
      id: sessionId,
      object: 'checkout.session',
      mode: req.mode,
      status: 'complete',
      payment_status: 'paid',
      amount_subtotal: req.amount,
      amount_total: total,
      currency,
      client_reference_id: req.client_reference_id ?? null,
      metadata: { ...(req.metadata ?? {}) },
      customer: customer.id,
      customer_email: req.customer_email ?? null,
      customer_details: { email: req.customer_email ?? null },
      discounts,
      total_details: { amount_discount: discount, amount_shipping: 0, amount_tax: 0 },
      payment_intent: req.mode === 'payment' ? charge.payment_intent : null,
      subscription: subscription?.id ?? null,
      invoice: invoice?.id ?? null,
      created: t,
      expires_at: t + 24 * 3600,
      livemode: false,
      url: null,
    });
    emitted.push({ type: 'checkout.session.completed', object: clone(session) });
    return {
      ids: { session: session.id, customer: customer.id, subscription: subscription?.id ?? null, invoice: invoice?.id ?? null, charge: charge.id },
      emitted: emitted.map((e) => ({ ...e, scope })),
    };
  }

  /** The subscription's next invoice, paid. */
  renew(scope: string, subscriptionId: string): { ids: Record<string, string>; emitted: Emitted[] } {
    const subscription = this.get(scope, 'subscription', subscriptionId);
    const emitted: Emitted[] = [];
    const item = (subscription.items as { data: { current_period_end: number }[] }).data[0]!;
    const { invoice, charge } = this.payInvoice(scope, subscription, 'subscription_cycle', item.current_period_end, emitted);
    return { ids: { invoice: invoice.id, charge: charge.id }, emitted: emitted.map((e) => ({ ...e, scope })) };
  }

  /** An invoice of a subscription for the month from `periodStart`, paid by a new charge. */
  private payInvoice(scope: string, subscription: SalesObject, reason: string, periodStart: number, emitted: Emitted[]) {
    const amount = subscription.plan_amount as number;
    const currency = subscription.currency as string;
    const coupon = subscription.coupon ? this.get(scope, 'coupon', subscription.coupon as string) : null;
    const first = reason === 'subscription_create';
    const applies = coupon && (first || coupon.duration === 'forever');
    const discount = applies
      ? coupon.amount_off !== null
        ? Math.min(amount, coupon.amount_off as number)
        : Math.round((amount * (coupon.percent_off as number)) / 100)
      : 0;
    const total = amount - discount;
    const periodEnd = periodStart + MONTH_S;
    const t = this.sec();
    const charge = this.createCharge(scope, subscription.customer as string, total, currency, t);
    const invoiceId = stripeId('in', 24);
    const discountId = applies ? stripeId('di', 24) : null;
    const invoice = this.save(scope, {
      id: invoiceId,
      object: 'invoice',
      customer: subscription.customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id, metadata: subscription.metadata }, quote_details: null },
      // The pre-2025 field, still read by older integrations.
      subscription: subscription.id,
      billing_reason: reason,
      status: 'paid',
      currency,
      subtotal: amount,
      total,
      amount_due: total,
      amount_paid: total,
      amount_remaining: 0,
      discounts: discountId ? [discountId] : [],
      total_discount_amounts: discountId ? [{ amount: discount, discount: discountId }] : [],
      tax: 0,
      total_taxes: [],
      period_start: periodStart,
      period_end: periodEnd,
      lines: {
        object: 'list',
        data: [{ id: stripeId('il', 24), object: 'line_item', amount, currency, period: { start: periodStart, end: periodEnd }, invoice: invoiceId }],
        has_more: false,
        url: `/v1/invoices/${invoiceId}/lines`,
      },
      payments: {
        object: 'list',
        data: [
          {
            id: stripeId('inpay', 24),
            object: 'invoice_payment',
            amount_paid: total,
            currency,
            invoice: invoiceId,
            is_default: true,
            status: 'paid',
            payment: { type: 'payment_intent', payment_intent: charge.payment_intent },
          },
        ],
        has_more: false,
        url: '/v1/invoice_payments',
      },
      status_transitions: { finalized_at: t, paid_at: t, marked_uncollectible_at: null, voided_at: null },
      created: t,
      livemode: false,
      metadata: {},
    });
    const items = subscription.items as { data: unknown[] };
    items.data = [{ id: stripeId('si', 24), object: 'subscription_item', current_period_start: periodStart, current_period_end: periodEnd, quantity: 1 }];
    this.save(scope, { ...subscription, latest_invoice: invoice.id });
    emitted.push({ type: 'charge.succeeded', object: clone(charge) }, { type: 'invoice.paid', object: clone(invoice) });
    return { invoice, charge };
  }

  private createCharge(scope: string, customer: string, amount: number, currency: string, t: number): SalesObject {
    return this.save(scope, {
      id: stripeId('ch', 24),
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      captured: true,
      paid: true,
      refunded: false,
      disputed: false,
      status: 'succeeded',
      currency,
      customer,
      payment_intent: stripeId('pi', 24),
      created: t,
      livemode: false,
      metadata: {},
    });
  }

  refund(scope: string, chargeId: string, amount: number | undefined): { ids: Record<string, string>; emitted: Emitted[] } {
    const charge = this.get(scope, 'charge', chargeId);
    const left = (charge.amount as number) - (charge.amount_refunded as number);
    const value = amount ?? left;
    if (value < 1 || value > left)
      throw invalidParam('amount_too_large', `Refund amount (${value}) is greater than the unrefunded amount of the charge (${left}).`, 'amount');
    const refund = this.save(scope, {
      id: stripeId('re', 24),
      object: 'refund',
      amount: value,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      status: 'succeeded',
      reason: null,
      created: this.sec(),
      metadata: {},
    });
    const amountRefunded = (charge.amount_refunded as number) + value;
    const updated = this.save(scope, { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded === charge.amount });
    return {
      ids: { refund: refund.id },
      emitted: [
        { type: 'refund.created', object: clone(refund), scope },
        { type: 'charge.refunded', object: clone(updated), previous: { amount_refunded: charge.amount_refunded, refunded: charge.refunded }, scope },
      ],
    };
  }

  dispute(scope: string, chargeId: string, outcome: 'lost' | 'won'): { ids: Record<string, string>; emitted: Emitted[] } {
    const charge = this.get(scope, 'charge', chargeId);
    const t = this.sec();
    const opened = {
      id: stripeId('du', 24),
      object: 'dispute',
      amount: (charge.amount as number) - (charge.amount_refunded as number),
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      created: t,
      livemode: false,
      metadata: {},
    };
    const closed = this.save(scope, { ...opened, status: outcome });
    this.save(scope, { ...charge, disputed: true });
    return {
      ids: { dispute: closed.id },
      emitted: [
        { type: 'charge.dispute.created', object: opened, scope },
        { type: 'charge.dispute.closed', object: clone(closed), previous: { status: 'under_review' }, scope },
      ],
    };
  }
}

function strings(v: FormValue | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  const values = Array.isArray(v) ? v : Object.values(v);
  return values.filter((x): x is string => typeof x === 'string');
}

const clone = <T>(v: T): T => structuredClone(v);
