import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, counts, ledger, orderBody, postWebhook, program, refundBody, type Program } from '../../test/orders-fixtures.js';

const RECORD_ORDER = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { id channel commissionId } } }`;

// `npm start`'s database: PGlite serves every connection from its one session, where order
// ingestion's prepared statements live. The rest of the suite runs these paths on PostgreSQL.
describe('orders on the embedded database (npm start)', () => {
  let app: TestApp;
  let p: Program;

  beforeAll(async () => {
    app = await startTestApp({}, undefined, { embedded: true });
    p = await program(app);
  }, 120_000);
  afterAll(() => app?.close());

  const recordOrder = (input: Record<string, unknown>) =>
    app.gql(RECORD_ORDER, { input: { id: uniq('ord_'), amountMinor: 5_000, currency: 'USD', occurredAt: new Date().toISOString(), ...input } }, p.token);

  it('webhook orders and recordOrder calls arriving together are each attributed and written, and a refund adjusts one', async () => {
    const visitors = await Promise.all(
      p.affiliates.map(async (a) => {
        const visitorId = uniq('v');
        await click(app, p, a, { visitorId });
        return visitorId;
      }),
    );
    const before = await counts(app, p.merchantId);
    // Together, so that several batches are written at once on several pooled connections.
    const bodies = [...Array(12)].map((_, i) => orderBody({ amountMinor: 10_000, visitorId: visitors[i % visitors.length] }));
    const [hooks, calls] = await Promise.all([
      Promise.all(bodies.map((b) => postWebhook(app, p, b))),
      Promise.all([...Array(6)].map((_, i) => recordOrder({ visitorId: visitors[i % visitors.length] }))),
    ]);
    expect(hooks.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(hooks.every((r) => r.body.conversion.channel === 'AFFILIATE' && r.body.conversion.commissionId)).toBe(true);
    expect(calls.map((r) => r.errors)).toEqual(calls.map(() => undefined));
    expect(calls.every((r) => r.data!.recordOrder.conversion.channel === 'AFFILIATE')).toBe(true);
    expect(await counts(app, p.merchantId)).toMatchObject({
      orders: before.orders + 18,
      conversions: before.conversions + 18,
      commissions: before.commissions + 18,
    });

    const refunded = await postWebhook(app, p, refundBody(bodies[0]!.order.id, { amountMinor: 2_500 }));
    expect(refunded.status).toBe(200);
    const [row] = (await ledger(app, p.merchantId)).filter((l) => l.order_id === bodies[0]!.order.id);
    expect(row).toMatchObject({ status: 'PENDING', original: '1000', amount: '750', adjustments: '1' });
  });

  it('an order after the pool replaced its database connection (as it does after an idle spell) is written', async () => {
    expect((await postWebhook(app, p, orderBody({}))).status).toBe(200);
    // A lost connection: the pool finds it ended and opens a new one for the next order.
    const knex = app.orm.em.getConnection().getKnex();
    const conn = (await knex.client.acquireConnection()) as { end(): Promise<void> };
    await conn.end();
    await knex.client.releaseConnection(conn);

    expect((await postWebhook(app, p, orderBody({}))).status).toBe(200);
    const r = await recordOrder({});
    expect(r.errors).toBeUndefined();
    expect(r.data!.recordOrder.conversion.channel).toBe('NONE');
  });
});
