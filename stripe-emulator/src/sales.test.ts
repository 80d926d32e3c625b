import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from './emulator.js';

/** A merchant's webhook endpoint: keeps each raw delivery with its signature. */
class Endpoint {
  readonly received: { body: string; signature: string }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature']) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Every delivery, verified with the SDK against the endpoint's secret (throws on a bad signature). */
  events(secret: string): Stripe.Event[] {
    return this.received.map((r) => Stripe.webhooks.constructEvent(r.body, r.signature, secret));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let emulator: StripeEmulator;
let endpoints: Endpoint[] = [];
let dataDir: string;

const sdk = (key: string) => new Stripe(key, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });

async function control(path: string, body: unknown = {}): Promise<any> {
  const res = await fetch(`${emulator.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/** A merchant account with its key and an endpoint for the four sales events. */
async function merchant() {
  const { id, secret_key } = await control('/_emulator/accounts', { type: 'standard' });
  const stripe = sdk(secret_key);
  const endpoint = await new Endpoint().start();
  endpoints.push(endpoint);
  const created = await stripe.webhookEndpoints.create({
    url: endpoint.url,
    enabled_events: ['checkout.session.completed', 'invoice.paid', 'charge.refunded', 'charge.dispute.closed'],
  });
  return { id: id as string, key: secret_key as string, stripe, endpoint, secret: created.secret! };
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sorae-emulator-sales-'));
  emulator = await startStripeEmulator({ webhookSecret: 'whsec_platform', rate: 0, dataDir });
});

afterEach(async () => {
  await emulator.close();
  for (const e of endpoints) await e.close();
  endpoints = [];
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a merchant's own Stripe account in the emulator", () => {
  it('a paid checkout sends a signed checkout.session.completed to that account’s endpoint only, which its key reads back', async () => {
    const a = await merchant();
    const b = await merchant();
    expect((await a.stripe.accounts.retrieveCurrent()).id).toBe(a.id);
    const sale = await control('/_emulator/sales/checkout', {
      account: a.id,
      mode: 'payment',
      amount: 5000,
      currency: 'eur',
      client_reference_id: 'click-1',
      metadata: { sorae_vid: 'v1' },
    });
    await emulator.webhooksIdle();
    const events = a.endpoint.events(a.secret);
    expect(events.map((e) => e.type)).toEqual(['checkout.session.completed']);
    const session = events[0]!.data.object as Stripe.Checkout.Session;
    expect(session).toMatchObject({
      id: sale.session,
      mode: 'payment',
      amount_total: 5000,
      currency: 'eur',
      client_reference_id: 'click-1',
      metadata: { sorae_vid: 'v1' },
    });
    expect((await a.stripe.checkout.sessions.retrieve(sale.session)).payment_intent).toBe(session.payment_intent);
    // The other merchant hears nothing and sees nothing.
    expect(b.endpoint.received).toHaveLength(0);
    expect(() => a.endpoint.events(b.secret)).toThrow();
    await expect(b.stripe.checkout.sessions.retrieve(sale.session)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('a deleted coupon is gone from the account, as Stripe answers it', async () => {
    const a = await merchant();
    const coupon = await a.stripe.coupons.create({ id: 'GONE5', percent_off: 5, duration: 'once' });
    expect(await a.stripe.coupons.del(coupon.id)).toMatchObject({ id: 'GONE5', object: 'coupon', deleted: true });
    await expect(a.stripe.coupons.retrieve('GONE5')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(a.stripe.coupons.del('GONE5')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a subscription: the first invoice and each renewal are paid invoices with their billing periods; refunds and a lost dispute are announced', async () => {
    const a = await merchant();
    const coupon = await a.stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const promo = await a.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'ANNA10' });
    expect((await a.stripe.promotionCodes.list({ code: 'ANNA10' })).data.map((p) => p.id)).toEqual([promo.id]);
    const sale = await control('/_emulator/sales/checkout', { account: a.id, mode: 'subscription', amount: 2000, currency: 'usd', promotion_code: 'ANNA10' });
    const renewal = await control(`/_emulator/sales/subscriptions/${sale.subscription}/renew`);
    await control(`/_emulator/sales/charges/${renewal.charge}/refund`, { amount: 300 });
    await control(`/_emulator/sales/charges/${sale.charge}/dispute`, { outcome: 'lost' });
    await emulator.webhooksIdle();
    // Each event is delivered on its own, in no set order: pick them by type.
    const events = a.endpoint.events(a.secret);
    expect(events.map((e) => e.type).sort()).toEqual([
      'charge.dispute.closed',
      'charge.refunded',
      'checkout.session.completed',
      'invoice.paid',
      'invoice.paid',
    ]);
    const of = <T>(type: string) => events.filter((e) => e.type === type).map((e) => e.data.object as T);
    const [first, second] = of<Stripe.Invoice>('invoice.paid').sort((x, y) => x.period_start - y.period_start) as [Stripe.Invoice, Stripe.Invoice];
    const [session] = of<Stripe.Checkout.Session>('checkout.session.completed') as [Stripe.Checkout.Session];
    const [refunded] = of<Stripe.Charge>('charge.refunded') as [Stripe.Charge];
    const [dispute] = of<Stripe.Dispute>('charge.dispute.closed') as [Stripe.Dispute];
    expect(first).toMatchObject({ id: sale.invoice, billing_reason: 'subscription_create', amount_paid: 1800, total_discount_amounts: [{ amount: 200 }] });
    expect(first.parent?.subscription_details?.subscription).toBe(sale.subscription);
    expect(session).toMatchObject({ invoice: sale.invoice, subscription: sale.subscription, discounts: [{ promotion_code: promo.id }] });
    expect(second).toMatchObject({ id: renewal.invoice, billing_reason: 'subscription_cycle', period_start: first.period_end, amount_paid: 1800 });
    expect(second.payments?.data[0]?.payment.payment_intent).toBe(refunded.payment_intent);
    expect(refunded).toMatchObject({ id: renewal.charge, amount_refunded: 300, refunded: false });
    expect((await a.stripe.refunds.list({ charge: renewal.charge })).data.map((r) => r.amount)).toEqual([300]);
    expect(dispute).toMatchObject({ charge: sale.charge, status: 'lost', amount: 1800 });
    expect((await a.stripe.checkout.sessions.list({ subscription: sale.subscription })).data.map((s) => s.id)).toEqual([sale.session]);
    expect((await a.stripe.promotionCodes.update(promo.id, { active: false })).active).toBe(false);
  });

  it('a restricted key without a permission gets Stripe’s permission error naming it', async () => {
    const a = await merchant();
    const { secret_key } = await control(`/_emulator/accounts/${a.id}/keys`, { without: ['rak_webhook_write'] });
    expect(secret_key).toMatch(/^rk_test_/);
    const restricted = sdk(secret_key);
    expect((await restricted.webhookEndpoints.list()).data.map((e) => e.url)).toEqual([a.endpoint.url]);
    const err = await restricted.webhookEndpoints.create({ url: 'http://127.0.0.1:1/x', enabled_events: ['invoice.paid'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect((err as Error).message).toContain("'rak_webhook_write' permission");
    await expect(sdk('rk_test_unknown').webhookEndpoints.list()).rejects.toMatchObject({ statusCode: 401 });
  });

  it('a deleted endpoint hears nothing more', async () => {
    const a = await merchant();
    const [endpoint] = (await a.stripe.webhookEndpoints.list()).data;
    expect(endpoint!.secret).toBeUndefined();
    expect(await a.stripe.webhookEndpoints.del(endpoint!.id)).toMatchObject({ deleted: true });
    await control('/_emulator/sales/checkout', { account: a.id, mode: 'payment', amount: 100, currency: 'usd' });
    await emulator.webhooksIdle();
    expect(a.endpoint.received).toHaveLength(0);
  });

  it('a restarted emulator still knows the account, its key, its endpoint and its sales', async () => {
    const a = await merchant();
    const sale = await control('/_emulator/sales/checkout', { account: a.id, mode: 'subscription', amount: 900, currency: 'usd' });
    await emulator.webhooksIdle();
    await emulator.close();
    emulator = await startStripeEmulator({ webhookSecret: 'whsec_platform', rate: 0, dataDir });
    const stripe = sdk(a.key);
    expect((await stripe.accounts.retrieveCurrent()).id).toBe(a.id);
    expect((await stripe.invoices.retrieve(sale.invoice)).amount_paid).toBe(900);
    const renewal = await control(`/_emulator/sales/subscriptions/${sale.subscription}/renew`);
    await emulator.webhooksIdle();
    const paid = a.endpoint.events(a.secret).filter((e) => e.type === 'invoice.paid');
    expect(paid.map((e) => (e.data.object as Stripe.Invoice).id)).toEqual([sale.invoice, renewal.invoice]);
  });
});
