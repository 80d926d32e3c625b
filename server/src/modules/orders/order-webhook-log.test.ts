import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { orderBody, postWebhook, program, type Program } from '../../test/orders-fixtures.js';
import { createLogger } from '../../logger.js';
import { DeliveryLog } from './webhook-log.js';

const LOG = `{ orderWebhookDeliveries(first: 50) { totalCount edges { node { id receivedAt eventId status httpStatus error } } } }`;

describe('incoming order webhooks: the log and secret rotation', () => {
  let app: TestApp;
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  // Signed at the server's (moved) clock, as a store with a right clock would.
  const post = (p: Pick<Program, 'merchantId' | 'secret'>, body: unknown, opts: { secret?: string } = {}) =>
    postWebhook(app, p, body, { ...opts, t: Math.floor(now().getTime() / 1000) });
  beforeAll(async () => {
    app = await startTestApp({}, now);
  });
  afterAll(() => app?.close());

  /** The log once it holds `n` rows: each is written after its answer. */
  async function logOf(p: Program, n: number) {
    for (const deadline = Date.now() + 5000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const nodes = (await app.gql(LOG, {}, p.token)).data!.orderWebhookDeliveries.edges.map((e: any) => e.node);
      if (nodes.length >= n || Date.now() > deadline) return nodes;
    }
  }

  it('keeps the replaced secret valid for 24 hours after a rotation, then refuses it', async () => {
    const p = await program(app, { affiliates: 0 });
    const rotated = (await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, p.token)).data!.rotateOrderWebhookSecret as string;
    expect((await post(p, orderBody({}))).status).toBe(200);
    expect((await post(p, orderBody({}), { secret: rotated })).status).toBe(200);
    offsetMs = 23 * 3600_000;
    expect((await post(p, orderBody({}))).status).toBe(200);
    offsetMs = 24 * 3600_000 + 60_000;
    expect((await post(p, orderBody({}))).status).toBe(401);
    expect((await post(p, orderBody({}), { secret: rotated })).status).toBe(200);
    offsetMs = 0;
  });

  it('logs every delivery: accepted ones, and refused ones with the reason the store was told', async () => {
    const p = await program(app, { affiliates: 0 });
    const ok = orderBody({});
    expect((await post(p, ok)).status).toBe(200);
    expect((await post(p, orderBody({}), { secret: 'whsec_wrong' })).status).toBe(401);
    const bad = orderBody({ amountMinor: -5 });
    expect((await post(p, bad)).status).toBe(400);
    const nodes = await logOf(p, 3);
    expect(nodes).toHaveLength(3);
    const [badRow, wrongSig, okRow] = nodes;
    expect(okRow).toMatchObject({ eventId: ok.id, status: 'ACCEPTED', httpStatus: 200, error: null });
    expect(wrongSig).toMatchObject({ status: 'REFUSED', httpStatus: 401 });
    expect(wrongSig.error).toMatch(/signature does not match/);
    expect(badRow).toMatchObject({ eventId: bad.id, status: 'REFUSED', httpStatus: 400 });
    expect(badRow.error).toMatch(/amountMinor/);
    // Another merchant's log is its own.
    const other = await program(app, { affiliates: 0 });
    expect((await app.gql(LOG, {}, other.token)).data!.orderWebhookDeliveries.totalCount).toBe(0);
  });

  it('writes the deliveries recorded together in one statement, all of them by the time close() resolves (shutdown)', async () => {
    const p = await program(app, { affiliates: 0 });
    const sql = <T>(q: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<T[]>(q, params);
    // Counts the statements that insert into the log.
    await sql(`create table log_statements (n int)`);
    await sql(`create function count_log_statement() returns trigger language plpgsql as $$ begin insert into log_statements values (1); return null; end $$`);
    await sql(`create trigger count_log_statement after insert on order_webhook_delivery for each statement execute function count_log_statement()`);
    try {
      const log = new DeliveryLog(() => app.orm.em.fork(), createLogger('silent'));
      const receivedAt = new Date();
      // Answered together, as a batch's orders are: each answer in a continuation of its own.
      for (const eventId of ['evt_a', 'evt_b', 'evt_c']) {
        log.record({ merchantId: p.merchantId, receivedAt, eventId, status: 'ACCEPTED', httpStatus: 200, error: null });
        await Promise.resolve();
      }
      await log.close();
      const rows = await sql<{ event_id: string }>(`select event_id from order_webhook_delivery where merchant_id = ? order by event_id`, [p.merchantId]);
      expect(rows.map((r) => r.event_id)).toEqual(['evt_a', 'evt_b', 'evt_c']);
      expect(await sql(`select count(*)::int as n from log_statements`)).toEqual([{ n: 1 }]);
    } finally {
      await sql(`drop trigger count_log_statement on order_webhook_delivery`);
      await sql(`drop function count_log_statement()`);
      await sql(`drop table log_statements`);
    }
  });
});
