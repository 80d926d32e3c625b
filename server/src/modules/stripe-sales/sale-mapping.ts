import type Stripe from 'stripe';

/**
 * How a Stripe sale becomes an order (pure): a Checkout Session paid in `payment` mode is one,
 * a subscription's invoice is one; the order's id is the Stripe object's id, so both routes to
 * a first invoice (`checkout.session.completed`, `invoice.paid`, in either order) record the
 * same order once.
 */

/** The order fields OrdersService.recordOrder takes. */
export interface SaleOrder {
  id: string;
  amountMinor: number;
  currency: string;
  occurredAt: Date;
  clickId: string | null;
  visitorId: string | null;
  customerId: string | null;
}

export interface Sale {
  order: SaleOrder;
  /** The payment behind the order: refunds and disputes name it. */
  paymentIntent: string | null;
  /** What the customer was charged (tax included): refunds are taken from the order in this proportion. */
  chargedMinor: number;
  /** For recurring commissions: the subscription and the start of the period this invoice pays. */
  subscription: { id: string; periodStart: Date } | null;
  /** The promotion code the payment used (its id; the order takes its code, read from Stripe). */
  promotionCodeId: string | null;
}

type Expandable = string | { id: string } | null | undefined;
export const idOf = (v: Expandable): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);
const at = (unixSeconds: number) => new Date(unixSeconds * 1000);

/** The Sorae click a Checkout Session carries: client_reference_id, or metadata.sorae_click. */
export function clickOf(session: Stripe.Checkout.Session | null): string | null {
  return session?.client_reference_id || session?.metadata?.sorae_click || null;
}

const promotionCodeOf = (session: Stripe.Checkout.Session | null) => idOf(session?.discounts?.find((d) => d.promotion_code)?.promotion_code);

/** A session paid in `payment` mode, at the time Stripe announced it. Amounts exclude tax: commissions are on the sale. */
export function saleFromPayment(session: Stripe.Checkout.Session, paidAt: Date): Sale {
  const total = session.amount_total ?? 0;
  return {
    order: {
      id: session.id,
      amountMinor: total - (session.total_details?.amount_tax ?? 0),
      currency: (session.currency ?? '').toUpperCase(),
      occurredAt: paidAt,
      clickId: clickOf(session),
      visitorId: session.metadata?.sorae_vid || null,
      customerId: idOf(session.customer),
    },
    paymentIntent: idOf(session.payment_intent),
    chargedMinor: total,
    subscription: null,
    promotionCodeId: promotionCodeOf(session),
  };
}

export const subscriptionOf = (invoice: Stripe.Invoice): string | null => idOf(invoice.parent?.subscription_details?.subscription);

/** An invoice paid; `session` is the Checkout Session that started its subscription, for the first invoice. */
export function saleFromInvoice(invoice: Stripe.Invoice, session: Stripe.Checkout.Session | null): Sale {
  const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
  const subscription = subscriptionOf(invoice);
  const periodStart = invoice.lines?.data[0]?.period?.start ?? invoice.period_start;
  const payment = invoice.payments?.data.find((p) => p.payment.type === 'payment_intent' && p.payment.payment_intent);
  return {
    order: {
      id: invoice.id,
      amountMinor: invoice.amount_paid - tax,
      currency: invoice.currency.toUpperCase(),
      occurredAt: at(invoice.status_transitions?.paid_at ?? invoice.created),
      clickId: clickOf(session),
      visitorId: session?.metadata?.sorae_vid || null,
      customerId: idOf(invoice.customer),
    },
    paymentIntent: idOf(payment?.payment.payment_intent),
    chargedMinor: invoice.amount_paid,
    subscription: subscription ? { id: subscription, periodStart: at(periodStart) } : null,
    promotionCodeId: promotionCodeOf(session),
  };
}

/**
 * The part of an order a refund of `amount` takes back, when `before` of the charge was refunded
 * already: the order's share of the charge (it excludes tax), counted on the running total so the
 * refunds of a whole charge take back exactly the whole order.
 */
export function refundShare(order: { amountMinor: number; chargedMinor: number }, before: number, amount: number): number {
  if (order.chargedMinor <= 0) return 0;
  const share = (refunded: number) => Math.round((order.amountMinor * Math.min(refunded, order.chargedMinor)) / order.chargedMinor);
  return share(before + amount) - share(before);
}
