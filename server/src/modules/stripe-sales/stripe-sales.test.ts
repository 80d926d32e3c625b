import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { countQueries } from '../../db/query-counter.js';
import { createLogger } from '../../logger.js';
import { SecretsBox } from '../../secrets-box.js';
import { startTestApp, TEST_SECRETS_KEY, uniq, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../auth/index.js';
import { Enrollment } from '../applications/index.js';
import { click, ledger, program, type Program } from '../../test/orders-fixtures.js';

/**
 * The merchant's own Stripe account through the real SDK against the built-in emulator: the
 * server connects it, and sales made there (the emulator's control routes) reach the server as
 * signed events to /webhooks/stripe/sales/<merchant id>.
 */
describe('selling through Stripe', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  const emulator = () => app.stripeEmulator!;
  async function control(path: string, body: unknown = {}): Promise<any> {
    const res = await fetch(`${emulator().url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  }
  const sdk = (key: string) => new Stripe(key, { host: '127.0.0.1', port: emulator().port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });

  const STATUS = `{ status accountId connectedAt lastError lastEventAt webhookUrl missingCoupons }`;
  async function connect(p: Pick<Program, 'token'>, apiKey: string) {
    return app.gql(`mutation($k: String!) { connectStripeSales(apiKey: $k) ${STATUS} }`, { k: apiKey }, p.token);
  }
  async function salesStatus(p: Pick<Program, 'token'>) {
    return (await app.gql(`{ currentUser { merchant { stripeSales ${STATUS} } } }`, {}, p.token)).data!.currentUser.merchant.stripeSales;
  }

  /** A program (EUR unless said) whose merchant sells through an emulator account of its own, connected. */
  async function selling(opts: { currency?: string } = {}) {
    const p = await program(app, { currency: opts.currency ?? 'EUR' });
    const account = await control('/_emulator/accounts', { type: 'standard' });
    const r = await connect(p, account.secret_key);
    expect(r.errors).toBeUndefined();
    return { ...p, account: account.id as string, key: account.secret_key as string };
  }

  async function checkout(account: string, body: Record<string, unknown>) {
    const sale = await control('/_emulator/sales/checkout', { account, currency: 'eur', amount: 10_000, mode: 'payment', ...body });
    await emulator().webhooksIdle();
    return sale as { session: string; invoice: string | null; subscription: string | null; charge: string };
  }

  const conversionOf = async (merchantId: string, orderId: string) =>
    (
      await app.orm.em
        .fork()
        .getConnection()
        .execute<{ channel: string; affiliate_id: string | null; amount_minor: string; currency: string }[]>(
          `select channel, affiliate_id, amount_minor, currency from conversion where merchant_id = ? and order_external_id = ?`,
          [merchantId, orderId],
        )
    )[0];
  const events = (merchantId: string) =>
    app.orm.em
      .fork()
      .getConnection()
      .execute<{ event_id: string; type: string; outcome: string; detail: string | null; order_id: string | null }[]>(
        `select event_id, type, outcome, detail, order_id from stripe_sales_event where merchant_id = ? order by id`,
        [merchantId],
      );
  /** The emulator's API answers so far, per operation and status: unchanged means Sorae called Stripe for nothing. */
  const stripeCalls = async () => JSON.stringify(((await (await fetch(`${emulator().url}/_emulator/stats`)).json()) as { answered: unknown }).answered);
  const deliveries = async () =>
    ((await (await fetch(`${emulator().url}/_emulator/events`)).json()) as { deliveries: { eventId: string; status: number | null }[] }).deliveries;

  it('connecting checks the key, creates the endpoint with the five events in that account, and shows the status', async () => {
    const p = await program(app);
    expect(await salesStatus(p)).toMatchObject({ status: 'NOT_CONNECTED', accountId: null });
    const account = await control('/_emulator/accounts', { type: 'standard' });
    const r = await connect(p, account.secret_key);
    expect(r.data!.connectStripeSales).toMatchObject({ status: 'CONNECTED', accountId: account.id, lastError: null });
    const [endpoint, ...others] = (await sdk(account.secret_key).webhookEndpoints.list()).data;
    expect(others).toHaveLength(0);
    expect(endpoint).toMatchObject({
      url: `${app.url}/webhooks/stripe/sales/${p.merchantId}`,
      enabled_events: ['checkout.session.completed', 'invoice.paid', 'charge.refunded', 'charge.dispute.closed', 'coupon.created'],
    });
    // Sealed at rest: the key is nowhere in the row.
    const [row] = await app.orm.em
      .fork()
      .getConnection()
      .execute(`select api_key, endpoint_secret from stripe_sales_account where merchant_id = ?`, [p.merchantId]);
    expect(row!.api_key).not.toContain(account.secret_key);
    expect(row!.endpoint_secret).toMatch(/^sb1:/);

    const off = await app.gql(`mutation { disconnectStripeSales ${STATUS} }`, {}, p.token);
    expect(off.data!.disconnectStripeSales).toMatchObject({ status: 'NOT_CONNECTED' });
    expect((await sdk(account.secret_key).webhookEndpoints.list()).data).toHaveLength(0);
  });

  it('a key lacking a permission is refused naming it, a live key on a test server by its mode; nothing is stored', async () => {
    const p = await program(app);
    const account = await control('/_emulator/accounts', { type: 'standard' });
    const { secret_key } = await control(`/_emulator/accounts/${account.id}/keys`, { without: ['rak_webhook_write'] });
    const refused = await connect(p, secret_key);
    expect(refused.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.message).toContain('Webhook Endpoints: Write');
    const noInvoices = await control(`/_emulator/accounts/${account.id}/keys`, { without: ['rak_invoice_read'] });
    expect((await connect(p, noInvoices.secret_key)).errors![0]!.extensions!.fieldErrors).toEqual({ apiKey: 'lacks the permission "Invoices: Read"' });
    const live = await connect(p, 'sk_live_0123456789abcdefghij');
    expect(live.errors![0]!.extensions!.fieldErrors!.apiKey).toMatch(/live-mode key: use the test-mode key/);
    expect(await salesStatus(p)).toMatchObject({ status: 'NOT_CONNECTED' });
    expect((await sdk(account.secret_key).webhookEndpoints.list()).data).toHaveLength(0);
    // Only an owner connects.
    const finance = await app.newOperator(p.merchantId, OperatorRole.FINANCE);
    expect((await connect({ token: finance.token }, account.secret_key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('a paid checkout with the click becomes an order and a commission; its replay changes nothing', async () => {
    const p = await selling();
    const clickId = await click(app, p, p.affiliates[0]!);
    const sale = await checkout(p.account, { amount: 12_345, client_reference_id: clickId });
    expect(await conversionOf(p.merchantId, sale.session)).toMatchObject({
      channel: 'AFFILIATE',
      affiliate_id: p.affiliates[0]!.id,
      amount_minor: '12345',
      currency: 'EUR',
    });
    expect((await ledger(app, p.merchantId)).map((l) => [l.order_id, l.status, l.amount])).toEqual([[sale.session, 'PENDING', '1235']]);
    expect((await salesStatus(p)).lastEventAt).not.toBeNull();

    const [event] = await events(p.merchantId);
    expect(event).toMatchObject({ type: 'checkout.session.completed', outcome: 'order', order_id: sale.session });
    await control('/_emulator/webhooks/redeliver', { ids: [event!.event_id], times: 2 });
    await emulator().webhooksIdle();
    expect((await deliveries()).filter((d) => d.eventId === event!.event_id).map((d) => d.status)).toEqual([200, 200, 200]);
    expect(await ledger(app, p.merchantId)).toHaveLength(1);
    expect(await events(p.merchantId)).toHaveLength(1);
  });

  it('a subscription: the first invoice is the order, with the click of the session that started it', async () => {
    const p = await selling();
    const clickId = await click(app, p, p.affiliates[1]!);
    const sale = await checkout(p.account, { mode: 'subscription', amount: 2_000, metadata: { sorae_click: clickId } });
    expect(await conversionOf(p.merchantId, sale.invoice!)).toMatchObject({ channel: 'AFFILIATE', affiliate_id: p.affiliates[1]!.id, amount_minor: '2000' });
    expect(await conversionOf(p.merchantId, sale.session)).toBeUndefined();
    // Stripe sends the two in no set order (both are delivered at once): each names the invoice.
    expect((await events(p.merchantId)).map((e) => [e.type, e.outcome, e.order_id]).sort()).toEqual([
      ['checkout.session.completed', 'order', sale.invoice],
      ['invoice.paid', 'order', sale.invoice],
    ]);
    expect(await ledger(app, p.merchantId)).toHaveLength(1);
  });

  it('each renewal is an order of its own (its invoice), and a promotion code on the session is read from Stripe', async () => {
    const p = await selling();
    const coupon = await sdk(p.key).coupons.create({ percent_off: 10, duration: 'forever' });
    await sdk(p.key).promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'MIA10' });
    const sale = await checkout(p.account, { mode: 'subscription', amount: 2_000, promotion_code: 'MIA10' });
    const renewal = await control(`/_emulator/sales/subscriptions/${sale.subscription}/renew`);
    await emulator().webhooksIdle();
    expect(await conversionOf(p.merchantId, sale.invoice!)).toMatchObject({ amount_minor: '1800' });
    expect(await conversionOf(p.merchantId, renewal.invoice)).toMatchObject({ amount_minor: '1800' });
    expect((await events(p.merchantId)).map((e) => [e.type, e.outcome, e.order_id]).sort()).toEqual(
      [
        ['coupon.created', 'ignored', null],
        ['invoice.paid', 'order', sale.invoice],
        ['checkout.session.completed', 'order', sale.invoice],
        ['invoice.paid', 'order', renewal.invoice],
      ].sort(),
    );
  });

  it('out of order: checkout.session.completed after invoice.paid, or before it, records the same order once', async () => {
    const p = await selling();
    for (const order of ['fifo', 'reverse'] as const) {
      const clickId = await click(app, p, p.affiliates[0]!);
      await control('/_emulator/webhooks/pause');
      const sale = await control('/_emulator/sales/checkout', {
        account: p.account,
        mode: 'subscription',
        amount: 3_000,
        currency: 'eur',
        client_reference_id: clickId,
      });
      await control('/_emulator/webhooks/resume', { order });
      await emulator().webhooksIdle();
      expect(await conversionOf(p.merchantId, sale.invoice)).toMatchObject({ channel: 'AFFILIATE', affiliate_id: p.affiliates[0]!.id });
    }
    expect((await ledger(app, p.merchantId)).map((l) => l.amount)).toEqual(['300', '300']);
  });

  /** An event signed as the merchant's endpoint would sign it (the secret read back through the server's own service). */
  async function post(merchantId: string, event: Record<string, unknown>, secretOf = merchantId) {
    const payload = JSON.stringify({ object: 'event', created: Math.floor(Date.now() / 1000), data: { object: {} }, ...event });
    const secret = (await app.services.stripeSales.endpointSecret(app.orm.em.fork(), secretOf)) ?? 'whsec_none';
    const res = await fetch(`${app.url}/webhooks/stripe/sales/${merchantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
      body: payload,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('a forged signature, or one made with another merchant’s endpoint secret, is 401 and records nothing', async () => {
    const a = await selling();
    const b = await selling();
    const event = { id: uniq('evt_'), type: 'customer.created' };
    expect((await post(a.merchantId, event, b.merchantId)).status).toBe(401);
    const forged = await fetch(`${app.url}/webhooks/stripe/sales/${a.merchantId}`, {
      method: 'POST',
      headers: { 'stripe-signature': 't=1,v1=00' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    expect((await post('01900000-0000-7000-8000-000000000000', event, b.merchantId)).status).toBe(401);
    expect((await post('not-a-merchant', event, b.merchantId)).status).toBe(401);
    expect(await events(a.merchantId)).toHaveLength(0);
    expect((await post(a.merchantId, event)).status).toBe(200);
  });

  it('an endpoint secret stored by another process (a reconnection there) verifies at once, though this one cached the previous', async () => {
    const p = await selling();
    expect((await post(p.merchantId, { id: uniq('evt_'), type: 'customer.created' })).status).toBe(200);
    const secret = `whsec_${uniq('elsewhere')}`;
    await app.orm.em
      .fork()
      .getConnection()
      .execute(`update stripe_sales_account set endpoint_secret = ? where merchant_id = ?`, [
        new SecretsBox(TEST_SECRETS_KEY).seal(secret, `stripe-sales-endpoint-secret:${p.merchantId}`),
        p.merchantId,
      ]);
    const payload = JSON.stringify({
      id: uniq('evt_'),
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      data: { object: {} },
    });
    const res = await fetch(`${app.url}/webhooks/stripe/sales/${p.merchantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
      body: payload,
    });
    expect(res.status).toBe(200);
  });

  it('an unknown event type is acknowledged and recorded as ignored; a won dispute takes nothing back', async () => {
    const p = await selling();
    const r = await post(p.merchantId, { id: uniq('evt_'), type: 'customer.created' });
    expect(r).toMatchObject({ status: 200, body: { outcome: 'ignored', detail: 'customer.created is not an event Sorae uses' } });
    const sale = await checkout(p.account, { amount: 500 });
    await control(`/_emulator/sales/charges/${sale.charge}/dispute`, { outcome: 'won' });
    await emulator().webhooksIdle();
    expect((await events(p.merchantId)).map((e) => [e.type, e.outcome, e.detail])).toEqual([
      ['customer.created', 'ignored', 'customer.created is not an event Sorae uses'],
      ['checkout.session.completed', 'order', null],
      ['charge.dispute.closed', 'ignored', 'the dispute was won: nothing to take back'],
    ]);
  });

  it('a sale in another currency than the winning campaign pays in is stored unattributed, with the reason', async () => {
    const p = await selling({ currency: 'USD' });
    const clickId = await click(app, p, p.affiliates[0]!);
    const sale = await checkout(p.account, { amount: 4_000, currency: 'eur', client_reference_id: clickId });
    expect(await conversionOf(p.merchantId, sale.session)).toMatchObject({ channel: 'NONE', affiliate_id: null, currency: 'EUR' });
    const [event] = await events(p.merchantId);
    expect(event).toMatchObject({ outcome: 'order', order_id: sale.session });
    expect(event!.detail).toMatch(/unattributed: The order is in EUR but the winning campaign pays in USD/);
    expect(await ledger(app, p.merchantId)).toHaveLength(0);
  });

  it('two partial refunds of a charge each reduce the commission once; a lost dispute takes back the rest', async () => {
    const p = await selling();
    const clickId = await click(app, p, p.affiliates[0]!);
    const sale = await checkout(p.account, { amount: 10_000, client_reference_id: clickId });
    await control(`/_emulator/sales/charges/${sale.charge}/refund`, { amount: 2_500 });
    await emulator().webhooksIdle();
    await control(`/_emulator/sales/charges/${sale.charge}/refund`, { amount: 1_500 });
    await emulator().webhooksIdle();
    // The second charge.refunded lists both refunds: the first is not taken twice.
    expect((await ledger(app, p.merchantId)).map((l) => [l.original, l.amount, l.adjustments])).toEqual([['1000', '600', '2']]);
    await control(`/_emulator/sales/charges/${sale.charge}/dispute`, { outcome: 'lost' });
    await emulator().webhooksIdle();
    expect((await ledger(app, p.merchantId)).map((l) => [l.amount, l.adjustments])).toEqual([['0', '3']]);
    expect((await events(p.merchantId)).map((e) => [e.type, e.outcome])).toEqual([
      ['checkout.session.completed', 'order'],
      ['charge.refunded', 'refund'],
      ['charge.refunded', 'refund'],
      ['charge.dispute.closed', 'refund'],
    ]);
  });

  it('replays of the events that call Stripe back (a subscription started, a refund, a lost dispute) are duplicates and call Stripe for nothing', async () => {
    const p = await selling();
    const clickId = await click(app, p, p.affiliates[0]!);
    const sale = await checkout(p.account, { mode: 'subscription', amount: 10_000, client_reference_id: clickId });
    await control(`/_emulator/sales/charges/${sale.charge}/refund`, { amount: 2_500 });
    await emulator().webhooksIdle();
    await control(`/_emulator/sales/charges/${sale.charge}/dispute`, { outcome: 'lost' });
    await emulator().webhooksIdle();
    const handled = await events(p.merchantId);
    expect(handled.map((e) => [e.type, e.outcome]).sort()).toEqual([
      ['charge.dispute.closed', 'refund'],
      ['charge.refunded', 'refund'],
      ['checkout.session.completed', 'order'],
      ['invoice.paid', 'order'],
    ]);
    const { data } = (await (await fetch(`${emulator().url}/_emulator/events`)).json()) as { data: Stripe.Event[] };
    const replays = data.filter((e) => handled.some((h) => h.event_id === e.id));
    const before = { calls: await stripeCalls(), ledger: await ledger(app, p.merchantId) };
    const answers = await Promise.all(replays.map((e) => app.services.stripeSales.receive(app.emFor(p.merchantId), p.merchantId, e, new Date())));
    expect(answers).toEqual(Array(4).fill({ outcome: 'duplicate' }));
    expect(await stripeCalls()).toBe(before.calls);
    expect(await ledger(app, p.merchantId)).toEqual(before.ledger);
    expect(await events(p.merchantId)).toEqual(handled);
  });

  it('a refund after finalization is a clawback', async () => {
    const p = await selling();
    const clickId = await click(app, p, p.affiliates[1]!);
    const sale = await checkout(p.account, { amount: 8_000, client_reference_id: clickId });
    await app.orm.em.fork().getConnection().execute(`update commission set status = 'FINALIZED', finalized_at = now() where merchant_id = ?`, [p.merchantId]);
    await control(`/_emulator/sales/charges/${sale.charge}/refund`, { amount: 8_000 });
    await emulator().webhooksIdle();
    const [clawback] = await app.orm.em
      .fork()
      .getConnection()
      .execute<{ amount_minor: string }[]>(`select amount_minor from clawback where merchant_id = ?`, [p.merchantId]);
    expect(clawback).toMatchObject({ amount_minor: '-800' });
  });

  it('a connection in ERROR stays so on a forged event, and is CONNECTED again once a signed one is handled with the stored key', async () => {
    const p = await selling();
    const db = app.orm.em.fork().getConnection();
    // As when Stripe refused the stored key while handling an event (a key revoked, then restored).
    await db.execute(`update stripe_sales_account set status = 'ERROR', last_error = 'Invalid API Key provided' where merchant_id = ?`, [p.merchantId]);
    const forged = await fetch(`${app.url}/webhooks/stripe/sales/${p.merchantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body: JSON.stringify({ id: 'evt_forged', type: 'invoice.paid', data: { object: {} } }),
    });
    expect(forged.status).toBe(401);
    expect(await salesStatus(p)).toMatchObject({ status: 'ERROR', lastError: 'Invalid API Key provided' });

    await checkout(p.account, {});
    expect(await salesStatus(p)).toMatchObject({ status: 'CONNECTED', lastError: null });
  });

  describe('recurring commissions and promotion codes through the sales account', () => {
    /** A new applicant to the program, confirmed and approved (the approval stands whatever Stripe says): their enrollment. */
    async function approveApplicant(p: Program) {
      const email = `${uniq('aff')}@example.test`;
      const applied = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
        input: { campaignSlug: p.campaign.slug, email, name: 'Partner', password: 'affiliate-pw', answers: [] },
      });
      await app.confirmApplication(email);
      const reviewed = await app.gql(
        `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
        { input: { ids: [applied.data!.submitApplication.id], decision: 'APPROVE' } },
        p.token,
      );
      expect(reviewed.data!.reviewApplications.approvedCount).toBe(1);
      return app.emFor(p.merchantId).findOneOrFail(Enrollment, { application: applied.data!.submitApplication.id });
    }

    /** A recurring program with a coupon, sold through a connected emulator account, and one affiliate approved after connecting. */
    async function recurring() {
      const coupon = uniq('partner10_');
      const p = await program(app, {
        currency: 'EUR',
        affiliates: 0,
        stripeCouponId: coupon,
        commission: { type: 'PERCENTAGE', rateBps: 1000, duration: 'MONTHS', durationMonths: 12 },
      });
      const account = await control('/_emulator/accounts', { type: 'standard' });
      expect((await connect(p, account.secret_key)).errors).toBeUndefined();
      await sdk(account.secret_key).coupons.create({ id: coupon, percent_off: 10, duration: 'forever' });
      const enrollment = await approveApplicant(p);
      return { p, coupon, account: account.id as string, key: account.secret_key as string, enrollment };
    }

    it("approval creates the enrollment's promotion code in the sales account once, however often it is retried; suspending turns it off", async () => {
      const { p, coupon, key, enrollment } = await recurring();
      const [code, ...others] = (await sdk(key).promotionCodes.list()).data;
      expect(others).toHaveLength(0);
      expect(code).toMatchObject({ id: enrollment.stripePromotionCodeId, code: enrollment.promotionCode, active: true, promotion: { coupon } });
      expect(code!.metadata).toEqual({ sorae_enrollment: enrollment.id });

      // The answer was lost (no Stripe id stored): the retry's idempotency key finds the same code.
      const db = app.orm.em.fork().getConnection();
      await db.execute(`update enrollment set stripe_promotion_code_id = null where id = ?`, [enrollment.id]);
      await app.services.applications.issuePromotionCodes(app.emFor(p.merchantId), p.merchantId);
      const [again] = await db.execute<{ stripe_promotion_code_id: string }[]>(`select stripe_promotion_code_id from enrollment where id = ?`, [enrollment.id]);
      expect(again!.stripe_promotion_code_id).toBe(code!.id);
      expect((await sdk(key).promotionCodes.list()).data).toHaveLength(1);

      await app.gql(`mutation($id: ID!) { setEnrollmentStatus(id: $id, status: SUSPENDED) { status } }`, { id: enrollment.id }, p.token);
      expect((await sdk(key).promotionCodes.retrieve(code!.id)).active).toBe(false);
    });

    const UPDATE_COUPON = `mutation($id: ID!, $c: String) { updateCampaign(id: $id, input: { stripeCouponId: $c }) { stripeCouponId } }`;
    const enrollmentRow = async (id: string) =>
      (
        await app.orm.em
          .fork()
          .getConnection()
          .execute<{ stripe_promotion_code_id: string | null; promotion_code_error: string | null }[]>(
            `select stripe_promotion_code_id, promotion_code_error from enrollment where id = ?`,
            [id],
          )
      )[0]!;

    it('a coupon the connected account lacks: the campaign form refuses it by name, the connection lists it, an approval stands with the reason, and the code is made once the coupon appears', async () => {
      const coupon = uniq('later_');
      const p = await program(app, { currency: 'EUR', affiliates: 0, stripeCouponId: coupon });
      const account = await control('/_emulator/accounts', { type: 'standard' });
      expect((await connect(p, account.secret_key)).errors).toBeUndefined();
      const missing = (await app.gql(`{ currentUser { merchant { stripeSales { missingCoupons } } } }`, {}, p.token)).data!.currentUser.merchant.stripeSales;
      expect(missing.missingCoupons).toEqual([expect.stringContaining(`no coupon "${coupon}"`)]);

      const refused = await app.gql(UPDATE_COUPON, { id: p.campaign.id, c: 'NOPE10' }, p.token);
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fieldErrors: { stripeCouponId: expect.stringContaining('no coupon "NOPE10"') },
      });

      const enrollment = await approveApplicant(p);
      expect(await enrollmentRow(enrollment.id)).toEqual({
        stripe_promotion_code_id: null,
        promotion_code_error: expect.stringContaining(`no coupon "${coupon}"`),
      });
      const seen = await app.gql(`query($id: ID!) { affiliate(id: $id) { enrollments { promotionCodeError } } }`, { id: enrollment.affiliate.id }, p.token);
      expect(seen.data!.affiliate.enrollments[0].promotionCodeError).toContain(coupon);
      expect((await sdk(account.secret_key).promotionCodes.list()).data).toHaveLength(0);

      // The owner creates the coupon in Stripe: its coupon.created event brings the code.
      await sdk(account.secret_key).coupons.create({ id: coupon, percent_off: 10, duration: 'forever' });
      await emulator().webhooksIdle();
      const [code, ...others] = (await sdk(account.secret_key).promotionCodes.list()).data;
      expect(others).toHaveLength(0);
      expect(code).toMatchObject({ code: enrollment.promotionCode, active: true, promotion: { coupon } });
      expect(await enrollmentRow(enrollment.id)).toEqual({ stripe_promotion_code_id: code!.id, promotion_code_error: null });
      expect((await salesStatus(p)).missingCoupons ?? []).toEqual([]);
    });

    it("changing the campaign's coupon gives approved enrollments a code for the new one, once, and turns the old one off", async () => {
      const { p, key, enrollment } = await recurring();
      const [old] = (await sdk(key).promotionCodes.list()).data;
      const next = uniq('partner20_');
      await sdk(key).coupons.create({ id: next, percent_off: 20, duration: 'forever' });
      const updated = await app.gql(UPDATE_COUPON, { id: p.campaign.id, c: next }, p.token);
      expect(updated.errors).toBeUndefined();

      const codes = async () =>
        (await sdk(key).promotionCodes.list()).data.map((c) => ({ id: c.id, code: c.code, active: c.active, coupon: c.promotion.coupon }));
      const after = await codes();
      const fresh = after.find((c) => c.id !== old!.id)!;
      expect(after).toHaveLength(2);
      expect(after.find((c) => c.id === old!.id)).toMatchObject({ active: false });
      // The affiliate keeps the code they shared; it now gives the new coupon.
      expect(fresh).toMatchObject({ code: enrollment.promotionCode, active: true, coupon: next });
      expect(await enrollmentRow(enrollment.id)).toEqual({ stripe_promotion_code_id: fresh.id, promotion_code_error: null });

      // Asked again, or after a lost answer: the key of the enrollment and coupon finds the same code.
      await app.services.applications.issuePromotionCodes(app.emFor(p.merchantId), p.merchantId);
      await app.orm.em.fork().getConnection().execute(`update enrollment set stripe_promotion_code_id = null where id = ?`, [enrollment.id]);
      await app.services.applications.issuePromotionCodes(app.emFor(p.merchantId), p.merchantId);
      expect(await codes()).toHaveLength(2);
      expect((await enrollmentRow(enrollment.id)).stripe_promotion_code_id).toBe(fresh.id);
    });

    it("taking the campaign's coupon away turns its codes off in Stripe; the affiliate no longer sees one, and a coupon given back brings it again", async () => {
      const { p, key, coupon, enrollment } = await recurring();
      const [code] = (await sdk(key).promotionCodes.list()).data;
      const cleared = await app.gql(UPDATE_COUPON, { id: p.campaign.id, c: '' }, p.token);
      expect(cleared.errors).toBeUndefined();
      expect((await sdk(key).promotionCodes.retrieve(code!.id)).active).toBe(false);
      const shown = async () =>
        (await app.gql(`query($id: ID!) { affiliate(id: $id) { enrollments { promotionCode } } }`, { id: enrollment.affiliate.id }, p.token)).data!.affiliate
          .enrollments[0].promotionCode;
      expect(await shown()).toBeNull();
      expect(await enrollmentRow(enrollment.id)).toEqual({ stripe_promotion_code_id: null, promotion_code_error: null });

      expect((await app.gql(UPDATE_COUPON, { id: p.campaign.id, c: coupon }, p.token)).errors).toBeUndefined();
      expect(await shown()).toBe(enrollment.promotionCode);
      const active = (await sdk(key).promotionCodes.list()).data.filter((c) => c.active);
      expect(active).toEqual([expect.objectContaining({ code: enrollment.promotionCode, promotion: expect.objectContaining({ coupon }) })]);
    });

    it('another sales account connected: its missing coupon is listed and recorded on the enrollment; the same account again adopts the codes it holds', async () => {
      const { p, key, coupon, enrollment } = await recurring();
      const [code] = (await sdk(key).promotionCodes.list()).data;
      const other = await control('/_emulator/accounts', { type: 'standard' });
      expect((await connect(p, other.secret_key)).errors).toBeUndefined();
      expect((await salesStatus(p)).missingCoupons).toEqual([expect.stringContaining(`no coupon "${coupon}"`)]);
      expect(await enrollmentRow(enrollment.id)).toEqual({ stripe_promotion_code_id: null, promotion_code_error: expect.stringContaining(other.id) });

      // Back to the first account under a new key: the code it holds is the enrollment's again, none is made twice.
      const again = await fetch(`${emulator().url}/_emulator/accounts/${(await sdk(key).accounts.retrieveCurrent()).id}/keys`, { method: 'POST', body: '{}' });
      expect((await connect(p, ((await again.json()) as { secret_key: string }).secret_key)).errors).toBeUndefined();
      expect(await enrollmentRow(enrollment.id)).toEqual({ stripe_promotion_code_id: code!.id, promotion_code_error: null });
      expect((await sdk(key).promotionCodes.list()).data).toHaveLength(1);
    });

    it('a coupon given to a campaign later gives the enrollments approved before it their promotion codes', async () => {
      const p = await program(app, { currency: 'EUR', affiliates: 2 });
      const account = await control('/_emulator/accounts', { type: 'standard' });
      expect((await connect(p, account.secret_key)).errors).toBeUndefined();
      const coupon = uniq('late_');
      await sdk(account.secret_key).coupons.create({ id: coupon, percent_off: 10, duration: 'forever' });
      expect((await app.gql(UPDATE_COUPON, { id: p.campaign.id, c: coupon }, p.token)).errors).toBeUndefined();

      const enrollments = await app.emFor(p.merchantId).find(Enrollment, { campaign: p.campaign.id }, { orderBy: { id: 'asc' } });
      expect(enrollments.map((e) => e.promotionCode)).toEqual(enrollments.map((e) => e.shareCode));
      const codes = (await sdk(account.secret_key).promotionCodes.list()).data;
      expect(codes.map((c) => [c.code, c.active, c.promotion.coupon]).sort()).toEqual(enrollments.map((e) => [e.shareCode, true, coupon]).sort());
    });

    it('renewals arriving together (the first of the month) share their statements and call Stripe back for nothing; each is month 2 once', async () => {
      const { p, account, enrollment } = await recurring();
      const subscriptions: string[] = [];
      for (let i = 0; i < 60; i++)
        subscriptions.push((await checkout(account, { mode: 'subscription', amount: 2_000, promotion_code: enrollment.promotionCode! })).subscription!);
      await control('/_emulator/webhooks/pause');
      try {
        for (const id of subscriptions) await control(`/_emulator/sales/subscriptions/${id}/renew`);
        const { data } = (await (await fetch(`${emulator().url}/_emulator/events`)).json()) as { data: Stripe.Event[] };
        const renewals = data.filter(
          (e) =>
            e.type === 'invoice.paid' &&
            (e.data.object as Stripe.Invoice).billing_reason === 'subscription_cycle' &&
            subscriptions.includes((e.data.object as Stripe.Invoice).parent?.subscription_details?.subscription as string),
        );
        expect(renewals).toHaveLength(60);
        const callsBefore = await stripeCalls();
        const receive = (e: Stripe.Event) => app.services.stripeSales.receive(app.emFor(p.merchantId), p.merchantId, e, new Date());
        // The key opened just now, as for a burst (an expired copy would add its read).
        await app.services.stripeSales.endpointSecret(app.emFor(p.merchantId), p.merchantId, true);
        const { count, result } = countQueries(() => Promise.all(renewals.map(receive)));
        const outcomes = (await result).map((h) => h.outcome);
        // Three with no event-id lookup (a renewal calls Stripe for nothing), four with it; three
        // or more per event before they were group-committed.
        expect(count.statements).toBeLessThanOrEqual(3);
        expect(outcomes.filter((o) => o === 'order')).toHaveLength(60);
        expect((await Promise.all(renewals.slice(0, 5).map(receive))).map((h) => h.outcome)).toEqual(Array(5).fill('duplicate'));
        expect(await stripeCalls()).toBe(callsBefore);
        const [row] = await app.orm.em
          .fork()
          .getConnection()
          .execute<{ n: string }[]>(`select count(*) as n from commission where merchant_id = ? and sequence = 2`, [p.merchantId]);
        expect(Number(row!.n)).toBe(60);
      } finally {
        await control('/_emulator/webhooks/resume'); // the held deliveries are replays now
      }
      await emulator().webhooksIdle();
      expect((await events(p.merchantId)).filter((e) => e.type === 'invoice.paid')).toHaveLength(120);
    });

    it("a checkout with the promotion code is the affiliate's without a click; a subscription's renewal earns month 2 without one", async () => {
      const { p, account, enrollment } = await recurring();
      const promo = await checkout(account, { amount: 5_000, promotion_code: enrollment.promotionCode!.toLowerCase() });
      expect(await conversionOf(p.merchantId, promo.session)).toMatchObject({ channel: 'AFFILIATE', affiliate_id: enrollment.affiliate.id });

      const clickId = await click(app, p, { id: enrollment.affiliate.id, email: '', enrollmentId: enrollment.id, token: '' });
      const sale = await checkout(account, { mode: 'subscription', amount: 2_000, client_reference_id: clickId });
      await control(`/_emulator/sales/subscriptions/${sale.subscription}/renew`);
      await emulator().webhooksIdle();
      const chain = await app.gql(
        `query($f: CommissionFilter) { commissions(filter: $f) { edges { node { sequence amountMinor affiliate { id } } } } }`,
        { f: { subscriptionId: sale.subscription } },
        p.token,
      );
      expect(chain.data!.commissions.edges.map((e: any) => e.node)).toEqual(
        [2, 1].map((sequence) => ({ sequence, amountMinor: 200, affiliate: { id: enrollment.affiliate.id } })),
      );
    });
  });

  it('a start under a rotated SECRETS_KEY seals the stored key and endpoint secret again; both still open', async () => {
    const p = await selling();
    const secret = await app.services.stripeSales.endpointSecret(app.orm.em.fork(), p.merchantId);
    const nextKey = 'sorae-test-secrets-key-rotated-for-stripe-sales';
    const restarted = await createApp({ config: { ...app.config, secrets: { key: nextKey, previousKey: TEST_SECRETS_KEY } }, log: createLogger('silent') });
    try {
      const [row] = await restarted.orm.em
        .fork()
        .getConnection()
        .execute<{ api_key: string; endpoint_secret: string }[]>(`select api_key, endpoint_secret from stripe_sales_account where merchant_id = ?`, [
          p.merchantId,
        ]);
      const current = `sb1:${new SecretsBox(nextKey).keyId}:`;
      expect(row!.api_key.startsWith(current) && row!.endpoint_secret.startsWith(current)).toBe(true);
      expect(await restarted.services.stripeSales.endpointSecret(restarted.orm.em.fork(), p.merchantId)).toBe(secret);
      expect(await restarted.services.stripeSales.resealAll(restarted.orm.em.fork())).toBe(0);
    } finally {
      await restarted.close();
    }
  });
});
