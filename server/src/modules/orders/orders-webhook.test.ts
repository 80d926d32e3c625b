import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { startTestApp, uniq, untilWaitingOnLock, type TestApp } from '../../test/harness.js';
import { countQueries } from '../../db/query-counter.js';
import { click, counts, ledger, orderBody, postWebhook, program, refundBody, type Program } from '../../test/orders-fixtures.js';
import { signPayload } from './orders-webhook.route.js';
import type { OrderOutcome } from './order-input.js';

describe('POST /webhooks/orders', () => {
  let app: TestApp;
  let p: Program;

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app);
  });
  afterAll(() => app?.close());

  describe('an order through the webhook', () => {
    it('attributes it to the clicking affiliate, with a PENDING commission (10%, half-up)', async () => {
      const visitorId = uniq('v');
      const clickId = await click(app, p, p.affiliates[0]!, { visitorId });
      const body = orderBody({ amountMinor: 12_345, clickId, visitorId });
      const r = await postWebhook(app, p, body);
      expect(r.status).toBe(200);
      expect(r.body.conversion).toMatchObject({ channel: 'AFFILIATE' });
      expect(r.body.conversion.commissionId).toBeTruthy();
      const [row] = (await ledger(app, p.merchantId)).filter((l) => l.order_id === body.order.id);
      expect(row).toMatchObject({ status: 'PENDING', original: '1235', amount: '1235' });
    });

    it('an unknown click id is not an error: channel NONE, stored for reporting', async () => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, orderBody({ clickId: '01900000-0000-7000-8000-000000000000', visitorId: 'nobody' }));
      expect(r.status).toBe(200);
      expect(r.body.conversion).toMatchObject({ channel: 'NONE', commissionId: null });
      const after = await counts(app, p.merchantId);
      expect(after).toMatchObject({ orders: before.orders + 1, conversions: before.conversions + 1, commissions: before.commissions });
      const junk = await postWebhook(app, p, orderBody({ clickId: 'not-a-uuid' }));
      expect(junk.body.conversion.channel).toBe('NONE');
    });

    it('a NUL character anywhere in the body is a 400 that writes nothing', async () => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, orderBody({ customerId: 'a\u0000b' }));
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BAD_USER_INPUT');
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('a replayed event answers the same body and changes nothing', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[1]!, { visitorId });
      const body = orderBody({ visitorId });
      const first = await postWebhook(app, p, body);
      const before = await counts(app, p.merchantId);
      const again = await postWebhook(app, p, body);
      expect(again).toEqual(first);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('the same order under another event id is not recorded twice', async () => {
      const body = orderBody({});
      const first = await postWebhook(app, p, body);
      const before = await counts(app, p.merchantId);
      const other = await postWebhook(app, p, { ...body, id: uniq('evt_') });
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      expect(await counts(app, p.merchantId)).toEqual({ ...before, events: before.events + 1 });
    });

    it('concurrent duplicate deliveries produce one order', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const body = orderBody({ visitorId });
      const before = await counts(app, p.merchantId);
      const rs = await Promise.all([...Array(6)].map((_, i) => postWebhook(app, p, i % 2 ? body : { ...body, id: uniq('evt_') })));
      expect(rs.every((r) => r.status === 200)).toBe(true);
      expect(new Set(rs.map((r) => r.body.conversion.id)).size).toBe(1);
      const after = await counts(app, p.merchantId);
      expect(after).toMatchObject({ orders: before.orders + 1, commissions: before.commissions + 1 });
    });

    it('an order in another currency than the winning campaign is refused with nothing stored', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, orderBody({ visitorId, currency: 'EUR' }));
      expect(r.status).toBe(400);
      expect(r.body.fieldErrors['order.currency']).toMatch(/USD/);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('a date PostgreSQL cannot store (year 0) is a 400 that writes nothing', async () => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, orderBody({ visitorId: uniq('v'), occurredAt: '0001-01-01T00:30:00+01:00' }));
      expect(r.status).toBe(400);
      expect(r.body.fieldErrors['order.occurredAt']).toMatch(/years 1 and 9999/);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('an order dated more than a day ahead of the server clock is refused; a little ahead is fine', async () => {
      const ahead = await postWebhook(app, p, orderBody({ occurredAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }));
      expect(ahead.status).toBe(400);
      expect(ahead.body.fieldErrors['order.occurredAt']).toBeTruthy();
      const slightly = await postWebhook(app, p, orderBody({ occurredAt: new Date(Date.now() + 3600_000).toISOString() }));
      expect(slightly.status).toBe(200);
    });
  });

  describe('refunds', () => {
    it('partial then full: adjustments proportional to the share, REVERSED at exactly 0, the ledger reconciles', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 999 }); // 10%: 99.9 → 100
      expect((await postWebhook(app, p, order)).status).toBe(200);
      const r1 = await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 333 }));
      expect(r1.status).toBe(200);
      expect(r1.body.commission).toMatchObject({ amountMinor: 67, status: 'PENDING' }); // 33.3 → 33 off
      const r2 = await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 666 }));
      expect(r2.body.commission).toMatchObject({ amountMinor: 0, status: 'REVERSED' });
      const [row] = (await ledger(app, p.merchantId)).filter((l) => l.order_id === order.order.id);
      expect(row).toMatchObject({ original: '100', amount: '0', adjusted: '0', adjustments: '2' });
    });

    it('a refund before its order answers 409 and stores nothing, so the store retries', async () => {
      const order = orderBody({});
      const refund = refundBody(order.order.id, {});
      const before = await counts(app, p.merchantId);
      const early = await postWebhook(app, p, refund);
      expect(early.status).toBe(409);
      expect(await counts(app, p.merchantId)).toEqual(before);
      await postWebhook(app, p, order);
      expect((await postWebhook(app, p, refund)).status).toBe(200);
    });

    it('a replayed refund (same event or same refund id) changes nothing', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId });
      await postWebhook(app, p, order);
      const refund = refundBody(order.order.id, { amountMinor: 5000 });
      const first = await postWebhook(app, p, refund);
      const before = await counts(app, p.merchantId);
      expect(await postWebhook(app, p, refund)).toEqual(first);
      const sameRefundId = await postWebhook(app, p, { ...refund, id: uniq('evt_') });
      expect(sameRefundId.body.commission).toEqual(first.body.commission);
      expect(await counts(app, p.merchantId)).toEqual({ ...before, events: before.events + 1 });
    });

    it('a refund id already recorded for another order answers 409 and writes nothing', async () => {
      const [a, b] = [orderBody({}), orderBody({})];
      await postWebhook(app, p, a);
      await postWebhook(app, p, b);
      const refund = refundBody(a.order.id, {});
      expect((await postWebhook(app, p, refund)).status).toBe(200);
      const before = await counts(app, p.merchantId);
      const other = await postWebhook(app, p, refundBody(b.order.id, { id: refund.refund.id }));
      expect(other.status).toBe(409);
      expect(other.body.fieldErrors['refund.id']).toMatch(/another order/);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it("also when the other order's refund commits while this one waits on it", async () => {
      const [a, b] = [orderBody({}), orderBody({})];
      await postWebhook(app, p, a);
      await postWebhook(app, p, b);
      const refundId = uniq('re_');
      let delivery: ReturnType<typeof postWebhook> | undefined;
      // Another delivery's transaction holds refund `refundId` for order A, uncommitted, while B's arrives.
      await app.orm.em.fork().transactional(async (tx) => {
        await tx.execute(
          `insert into refund (id, merchant_id, external_id, order_id, amount_minor, occurred_at, created_at)
           select ?, ?, ?, o.id, 100, now(), now() from store_order o where o.merchant_id = ? and o.external_id = ?`,
          [uuidv7(), p.merchantId, refundId, p.merchantId, a.order.id],
        );
        delivery = postWebhook(app, p, refundBody(b.order.id, { id: refundId }));
        await untilWaitingOnLock(app);
      });
      const r = await delivery!;
      expect(r.status).toBe(409);
      expect(r.body.fieldErrors['refund.id']).toMatch(/another order/);
    });

    it("a refund after finalization never changes the locked commission (clawbacks are the payouts module's)", async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 10_000 });
      const { body } = await postWebhook(app, p, order);
      await app.orm.em
        .fork()
        .getConnection()
        .execute(`update commission set status = 'FINALIZED', finalized_at = now() where id = ?`, [body.conversion.commissionId]);
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 10_000 }));
      expect(r.status).toBe(200);
      expect(r.body.commission).toMatchObject({ amountMinor: 1000, status: 'FINALIZED' });
      expect(await counts(app, p.merchantId)).toEqual({ ...before, refunds: before.refunds + 1, events: before.events + 1 });
    });

    it('the ledger reconciles for every commission: amount = original + Σ adjustments', async () => {
      for (const row of await ledger(app, p.merchantId)) expect(row.amount).toBe(row.adjusted);
    });
  });

  describe('a reused id with other content, or a refund beyond the order: 4xx, nothing written', () => {
    const commissionRow = async (commissionId: string) =>
      (
        await app.orm.em
          .fork()
          .getConnection()
          .execute<{ status: string; amount_minor: string }[]>(`select status, amount_minor from commission where id = ?`, [commissionId])
      )[0];

    it('an event id reused for another event answers 409; the first event, byte for byte or re-serialized, is still a replay', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 10_000 });
      const first = await postWebhook(app, p, order);
      expect(first.status).toBe(200);
      const before = await counts(app, p.merchantId);
      // A refund under the order event's id: before the fix, 200 with the order's answer, the refund dropped.
      const reused = await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 10_000 }, order.id));
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({ code: 'CONFLICT', error: expect.stringMatching(/already delivered with a different body/) });
      expect(await counts(app, p.merchantId)).toEqual(before);
      expect(await commissionRow(first.body.conversion.commissionId)).toMatchObject({ status: 'PENDING', amount_minor: '1000' });
      expect(await postWebhook(app, p, order)).toEqual(first);
      // The same event with its keys in another order and other spacing is the same event.
      const { order: o } = order;
      const reserialized = `{ "order": {"occurredAt":"${o.occurredAt}","currency":"usd","amountMinor":10000,"visitorId":"${visitorId}","id":"${o.id}"},\n  "type":"order.created", "id":"${order.id}" }`;
      expect(await postWebhook(app, p, reserialized)).toEqual(first);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('a changed refund under the same event id answers 409 and writes nothing', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 10_000 });
      await postWebhook(app, p, order);
      const refund = refundBody(order.order.id, { amountMinor: 1_000 });
      const first = await postWebhook(app, p, refund);
      expect(first.body.commission).toMatchObject({ amountMinor: 900 });
      const before = await counts(app, p.merchantId);
      const changed = await postWebhook(app, p, { ...refund, refund: { ...refund.refund, amountMinor: 4_000 } });
      expect(changed.status).toBe(409);
      const otherRefund = await postWebhook(app, p, { ...refund, refund: { ...refund.refund, id: uniq('re_') } });
      expect(otherRefund.status).toBe(409);
      expect(await counts(app, p.merchantId)).toEqual(before);
      expect(await commissionRow(first.body.conversion.commissionId)).toMatchObject({ amount_minor: '900' });
      expect(await postWebhook(app, p, refund)).toEqual(first);
    });

    it('an order id or refund id reused under a new event id with other content answers 409; with the same content, the recorded answer', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 10_000 });
      const first = await postWebhook(app, p, order);
      const refund = refundBody(order.order.id, { amountMinor: 2_000 });
      const refunded = await postWebhook(app, p, refund);
      const before = await counts(app, p.merchantId);
      const biggerOrder = await postWebhook(app, p, { ...order, id: uniq('evt_'), order: { ...order.order, amountMinor: 20_000 } });
      expect(biggerOrder.status).toBe(409);
      expect(biggerOrder.body.fieldErrors['order.id']).toMatch(/other content/);
      const biggerRefund = await postWebhook(app, p, { ...refund, id: uniq('evt_'), refund: { ...refund.refund, amountMinor: 3_000 } });
      expect(biggerRefund.status).toBe(409);
      expect(biggerRefund.body.fieldErrors['refund.id']).toMatch(/other content/);
      expect(await counts(app, p.merchantId)).toEqual(before);
      // The same content under a new event id: the answer recorded (and one more event).
      expect((await postWebhook(app, p, { ...order, id: uniq('evt_') })).body).toEqual(first.body);
      expect((await postWebhook(app, p, { ...refund, id: uniq('evt_') })).body).toEqual(refunded.body);
      expect(await counts(app, p.merchantId)).toEqual({ ...before, events: before.events + 2 });
    });

    it('a refund beyond what is left of the order is refused (25,000 then 5,000 on 10,000), the rest is accepted', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const order = orderBody({ visitorId, amountMinor: 10_000 });
      const { body } = await postWebhook(app, p, order);
      const refuse = async (amountMinor: number, left: number) => {
        const before = await counts(app, p.merchantId);
        const r = await postWebhook(app, p, refundBody(order.order.id, { amountMinor }));
        expect(r.status).toBe(400);
        expect(r.body.fieldErrors['refund.amountMinor']).toBe(`must be at most ${left}, what is left of the order's 10000`);
        expect(await counts(app, p.merchantId)).toEqual(before);
      };
      await refuse(25_000, 10_000);
      expect((await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 6_000 }))).status).toBe(200);
      await refuse(5_000, 4_000);
      const rest = await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 4_000 }));
      expect(rest.body.commission).toMatchObject({ amountMinor: 0, status: 'REVERSED' });
      await refuse(1, 0);
      expect(await commissionRow(body.conversion.commissionId)).toMatchObject({ status: 'REVERSED', amount_minor: '0' });
    });

    it('concurrent refunds of one order never exceed it together', async () => {
      const order = orderBody({ amountMinor: 10_000 });
      await postWebhook(app, p, order);
      const rs = await Promise.all([...Array(8)].map(() => postWebhook(app, p, refundBody(order.order.id, { amountMinor: 3_000 }))));
      expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 400, 400, 400, 400, 400]);
      const [sum] = await app.orm.em
        .fork()
        .getConnection()
        .execute<{ total: string }[]>(
          `select sum(r.amount_minor) as total from refund r join store_order o on o.id = r.order_id where o.merchant_id = ? and o.external_id = ?`,
          [p.merchantId, order.order.id],
        );
      expect(sum!.total).toBe('9000');
    });

    it('a FLAT commission on an order of 0 is reversed by its full refund (of 0); a refund of 0 on any other order is refused', async () => {
      const flat = await program(app, { commission: { type: 'FLAT', amountMinor: 500 }, affiliates: 1 });
      const visitorId = uniq('v');
      await click(app, flat, flat.affiliates[0]!, { visitorId });
      const free = orderBody({ visitorId, amountMinor: 0 });
      const { body } = await postWebhook(app, flat, free);
      expect(await commissionRow(body.conversion.commissionId)).toMatchObject({ status: 'PENDING', amount_minor: '500' });
      const beyond = await postWebhook(app, flat, refundBody(free.order.id, { amountMinor: 1 }));
      expect(beyond.status).toBe(400);
      const full = await postWebhook(app, flat, refundBody(free.order.id, { amountMinor: 0 }));
      expect(full.status).toBe(200);
      expect(full.body.commission).toMatchObject({ amountMinor: 0, status: 'REVERSED' });
      expect((await ledger(app, flat.merchantId))[0]).toMatchObject({ original: '500', amount: '0', adjusted: '0', adjustments: '1' });

      const paid = orderBody({ amountMinor: 10_000 });
      await postWebhook(app, flat, paid);
      const before = await counts(app, flat.merchantId);
      const zero = await postWebhook(app, flat, refundBody(paid.order.id, { amountMinor: 0 }));
      expect(zero.status).toBe(400);
      expect(zero.body.fieldErrors['refund.amountMinor']).toMatch(/at least 1/);
      expect(await counts(app, flat.merchantId)).toEqual(before);
    });

    it('JSON nested 5,000 levels deep is a 400 that writes nothing', async () => {
      const before = await counts(app, p.merchantId);
      const body = JSON.stringify(orderBody({})).replace(/}$/, `,"extra":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      const r = await postWebhook(app, p, body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'BAD_USER_INPUT', error: expect.stringMatching(/nested deeper than/) });
      expect(await counts(app, p.merchantId)).toEqual(before);
    });
  });

  describe('signatures', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const refused = async (opts: Parameters<typeof postWebhook>[3], body: unknown = orderBody({})) => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, body, opts);
      expect(await counts(app, p.merchantId)).toEqual(before);
      return r;
    };

    it('a good signature is accepted, also with the merchant as a query parameter', async () => {
      const raw = JSON.stringify(orderBody({}));
      const res = await fetch(`${app.url}/webhooks/orders?merchant=${p.merchantId}`, {
        method: 'POST',
        headers: { 'sorae-signature': signPayload(p.secret, raw) },
        body: raw,
      });
      expect(res.status).toBe(200);
    });

    it.each([
      ['wrong secret', { secret: 'whsec_not-the-secret' }],
      ['expired t (older than 5 minutes)', () => ({ t: Math.floor(Date.now() / 1000) - 301 })],
      ['t beyond the tolerance in the future', () => ({ t: Math.floor(Date.now() / 1000) + 301 })],
      ['no header', { signature: null }],
      ['malformed header', { signature: 'v1=abc' }],
      ['garbage header', { signature: 't=abc,v1=zz' }],
      ['short v1', { signature: `t=${Math.floor(Date.now() / 1000)},v1=abcd` }],
      ['no merchant', { merchant: null }],
      ['unknown merchant', { merchant: '01900000-0000-7000-8000-000000000000' }],
      ['malformed merchant', { merchant: "x' or 1=1" }],
    ])('%s → 401, nothing written', async (_name, opts) => {
      expect((await refused((typeof opts === 'function' ? opts() : opts) as never)).status).toBe(401);
    });

    it('an unknown merchant gets the same answer as a wrong secret, for every kind of signature', async () => {
      const unknown = '01900000-0000-7000-8000-000000000000';
      const stale = Math.floor(Date.now() / 1000) - 301;
      for (const opts of [{}, { t: stale }, { signature: null }, { signature: 'v1=abc' }]) {
        const known = await refused({ secret: 'whsec_not-the-secret', ...opts });
        const other = await refused({ merchant: unknown, ...opts });
        const malformed = await refused({ merchant: 'not-a-merchant', ...opts });
        expect(other).toEqual(known);
        expect(malformed).toEqual(known);
      }
    });

    it('within the tolerance either way is accepted', async () => {
      expect((await postWebhook(app, p, orderBody({}), { t: now() - 290 })).status).toBe(200);
      expect((await postWebhook(app, p, orderBody({}), { t: now() + 290 })).status).toBe(200);
    });

    it('a tampered body → 401', async () => {
      const raw = JSON.stringify(orderBody({ amountMinor: 100 }));
      const signature = signPayload(p.secret, raw);
      const r = await postWebhook(app, p, raw.replace('"amountMinor":100', '"amountMinor":100000'), { signature });
      expect(r.status).toBe(401);
    });

    it("another merchant's secret does not sign for this one", async () => {
      const other = await program(app, { affiliates: 0 });
      expect((await refused({ secret: other.secret })).status).toBe(401);
    });

    it('after a rotation both the new secret and, for now, the old one verify', async () => {
      const q = await program(app, { affiliates: 0 });
      const rotated = await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, q.token);
      expect((await postWebhook(app, q, orderBody({}))).status).toBe(200);
      expect((await postWebhook(app, { ...q, secret: rotated.data!.rotateOrderWebhookSecret }, orderBody({}))).status).toBe(200);
    });
  });

  describe('bad input: a clear 4xx, nothing written', () => {
    const order = (over: Record<string, unknown>) => orderBody(over);
    it.each([
      ['invalid JSON', '{"id": "evt_1", "type": ', 400, '_'],
      ['not an object', '[1,2,3]', 400, '_'],
      ['unknown type', { id: 'evt_x', type: 'order.deleted', order: {} }, 400, 'type'],
      ['missing event id', { type: 'order.created', order: order({}).order }, 400, 'id'],
      ['amount as a string', order({ amountMinor: '100' }), 400, 'order.amountMinor'],
      ['negative amount', order({ amountMinor: -1 }), 400, 'order.amountMinor'],
      ['non-integer amount', order({ amountMinor: 10.5 }), 400, 'order.amountMinor'],
      ['amount above 2^31', order({ amountMinor: 2 ** 31 }), 400, 'order.amountMinor'],
      ['unknown currency', order({ currency: 'XYZ' }), 400, 'order.currency'],
      ['currency as a number', order({ currency: 840 }), 400, 'order.currency'],
      ['bad date', order({ occurredAt: 'yesterday' }), 400, 'order.occurredAt'],
      ['missing order id', order({ id: '' }), 400, 'order.id'],
      ['order id too long', order({ id: 'x'.repeat(201) }), 400, 'order.id'],
      ['click id as an object', order({ clickId: { $ne: null } }), 400, 'order.clickId'],
      [
        'refund of a negative amount',
        { id: 'evt_r', type: 'order.refunded', order: { id: 'o' }, refund: { id: 'r', amountMinor: -5, occurredAt: new Date().toISOString() } },
        400,
        'refund.amountMinor',
      ],
    ])('%s', async (_name, body, status, field) => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, body);
      expect(r.status).toBe(status);
      if (field !== '_') expect(r.body.fieldErrors?.[field as string]).toBeTruthy();
      else expect(r.body.error).toBeTruthy();
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('a body over 64 KB → 413', async () => {
      const before = await counts(app, p.merchantId);
      const r = await postWebhook(app, p, orderBody({ customerId: 'x'.repeat(70_000) }));
      expect(r.status).toBe(413);
      expect(await counts(app, p.merchantId)).toEqual(before);
    });

    it('GET is 405', async () => {
      expect((await fetch(`${app.url}/webhooks/orders`)).status).toBe(405);
    });
  });

  /**
   * Group commit: orders that arrive while a batch is being written go together in the next one.
   * Deliveries made in the same tick are queued together: orders without click or visitor start
   * a batch each while a slot is free (two run at once); orders naming a visitor wait together
   * for the clicks served before them, then enter together.
   */
  describe('orders arriving together are written in one batch', () => {
    const deliver = (body: unknown) => app.services.orders.handleWebhook(app.orm.em.fork(), p.merchantId, body, new Date()) as Promise<OrderOutcome>;

    /** Runs `fn` while the database refuses inserts into `table` whose row matches `condition` (a trigger). */
    const whileRefusing = async (table: string, condition: string, fn: () => Promise<void>) => {
      const sql = (q: string) => app.orm.em.getConnection().execute(q);
      await sql(`create function refuse_${table}() returns trigger language plpgsql as $$
                 begin if ${condition} then raise exception 'refused by the test'; end if; return new; end $$`);
      await sql(`create trigger refuse_${table} before insert on ${table} for each row execute function refuse_${table}()`);
      try {
        await fn();
      } finally {
        await sql(`drop trigger refuse_${table} on ${table}`);
        await sql(`drop function refuse_${table}()`);
      }
    };

    it('a batch of new orders costs two statements, whatever its size', async () => {
      const visitors = await Promise.all(
        [...Array(20)].map(async (_, i) => {
          const visitorId = uniq('v');
          if (i % 2 === 0) await click(app, p, p.affiliates[i % 4 < 2 ? 0 : 1]!, { visitorId });
          return visitorId;
        }),
      );
      const before = await counts(app, p.merchantId);
      const bodies = [orderBody({ visitorId: uniq('v') }), orderBody({ visitorId: uniq('v') }), ...visitors.map((visitorId) => orderBody({ visitorId }))];
      const { count, result } = countQueries(() => Promise.all(bodies.map(deliver)));
      const outcomes = await result;
      // Orders naming a visitor wait together for the clicks served before them, then go in one
      // batch of twenty-two: 2 statements (one read of the candidate clicks with their enrollments
      // and campaigns, then one write carrying the commissions' accrual and analytics' figures).
      expect(count.statements).toBe(2);
      expect(outcomes.slice(2).map((o) => o.conversion.channel)).toEqual(visitors.map((_, i) => (i % 2 === 0 ? 'AFFILIATE' : 'NONE')));
      expect(new Set(outcomes.map((o) => o.conversion.id)).size).toBe(22);
      expect(await counts(app, p.merchantId)).toEqual({
        ...before,
        orders: before.orders + 22,
        conversions: before.conversions + 22,
        commissions: before.commissions + 10,
        events: before.events + 22,
      });
      // Each commission belongs to its own order, at 10% of it.
      const ids = new Set(bodies.map((b) => b.order.id));
      const rows = (await ledger(app, p.merchantId)).filter((l) => ids.has(l.order_id));
      expect(rows.map((r) => [r.status, r.amount])).toEqual([...Array(10)].map(() => ['PENDING', '1000']));
    });

    it('each request is charged the statements of the batch that served it', async () => {
      const [a, b, c, d] = [0, 1, 2, 3].map(() => countQueries(() => deliver(orderBody({ visitorId: uniq('v') }))));
      await Promise.all([a, b, c, d].map((x) => x!.result));
      // Written together (they waited together for the clicks served before them): the batch's two
      // statements (no clicks found, so no enrollment, campaign or commission to read or write).
      expect([a, b, c, d].map((x) => x!.count.statements)).toEqual([2, 2, 2, 2]);
    });

    it('an order whose commission the database refuses is not written either: no conversion stays without its commission', async () => {
      // 10% of 7,770 is the commission the database refuses.
      await whileRefusing('commission', 'new.original_amount_minor = 777', async () => {
        const visitors = [uniq('v'), uniq('v'), uniq('v')];
        for (const visitorId of visitors) await click(app, p, p.affiliates[0]!, { visitorId });
        const before = await counts(app, p.merchantId);
        const bodies = visitors.map((visitorId, i) => orderBody({ visitorId, amountMinor: i === 1 ? 7_770 : 10_000 }));
        const results = await Promise.allSettled(bodies.map(deliver));
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await counts(app, p.merchantId)).toEqual({
          ...before,
          orders: before.orders + 2,
          conversions: before.conversions + 2,
          commissions: before.commissions + 2,
          events: before.events + 2,
        });
      });
    });

    it('an order the database refuses fails alone: the others in its batch are written', async () => {
      await whileRefusing('store_order', "new.external_id like 'poison%'", async () => {
        const before = await counts(app, p.merchantId);
        const poison = orderBody({ id: uniq('poison') });
        const results = await Promise.allSettled([orderBody({}), orderBody({}), orderBody({}), poison, orderBody({})].map(deliver));
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
        expect(await counts(app, p.merchantId)).toMatchObject({ orders: before.orders + 4, events: before.events + 4 });
      });
    });

    it('each order in a batch is answered on its own: a replay, a known order and a refused one beside new ones', async () => {
      const visitorId = uniq('v');
      await click(app, p, p.affiliates[0]!, { visitorId });
      const euroVisitor = uniq('v');
      await click(app, p, p.affiliates[1]!, { visitorId: euroVisitor });
      const order = orderBody({ visitorId });
      const before = await counts(app, p.merchantId);
      const [, , first, replay, sameOrder, euro, stranger] = await Promise.allSettled([
        deliver(orderBody({})),
        deliver(orderBody({})),
        deliver(order),
        deliver(order), // the same event again, in the same batch
        deliver({ ...order, id: uniq('evt_') }), // the same order under another event id
        deliver(orderBody({ visitorId: euroVisitor, currency: 'EUR' })), // the winning campaign pays in USD
        deliver(orderBody({ visitorId: uniq('stranger') })),
      ]);
      expect(first).toMatchObject({ status: 'fulfilled', value: { conversion: { channel: 'AFFILIATE' } } });
      const conversion = (first as PromiseFulfilledResult<OrderOutcome>).value.conversion;
      expect(replay).toEqual({ status: 'fulfilled', value: { conversion } });
      expect(sameOrder).toEqual({ status: 'fulfilled', value: { conversion } });
      expect(euro).toMatchObject({ status: 'rejected', reason: { code: 'BAD_USER_INPUT' } });
      expect(stranger).toMatchObject({ status: 'fulfilled', value: { conversion: { channel: 'NONE', commissionId: null } } });
      // Four orders (two fillers, the first, the stranger), one commission, five events (the replay is not one).
      expect(await counts(app, p.merchantId)).toEqual({
        ...before,
        orders: before.orders + 4,
        conversions: before.conversions + 4,
        commissions: before.commissions + 1,
        events: before.events + 5,
      });
    });
  });
});
