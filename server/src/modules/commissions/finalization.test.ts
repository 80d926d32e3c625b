import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { click, ledger, orderBody, postWebhook, program, refundBody, type Program } from '../../test/orders-fixtures.js';
import { OperatorRole } from '../auth/index.js';

const DAY = 86_400_000;
const FINALIZE = `mutation($input: FinalizeCommissionsInput!) { finalizeCommissions(input: $input) { finalizedCount } }`;

describe('commission finalization', () => {
  let app: TestApp;
  const now = new Date('2026-11-20T12:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({ FINALIZE_INTERVAL_SECONDS: '3600' }, () => now);
  });
  afterAll(() => app?.close());

  /** An attributed order placed `daysAgo` days before the test clock; returns its commission id. */
  async function commission(p: Program, daysAgo: number): Promise<string> {
    const occurredAt = new Date(now.getTime() - daysAgo * DAY);
    const clickId = await click(app, p, p.affiliates[0]!, { occurredAt: new Date(occurredAt.getTime() - 60_000) });
    const r = await postWebhook(app, p, orderBody({ clickId, occurredAt: occurredAt.toISOString() }), { t: Math.floor(now.getTime() / 1000) });
    return r.body.conversion.commissionId;
  }

  const statusOf = async (p: Program, id: string) =>
    (
      await app.orm.em
        .fork()
        .getConnection()
        .execute<{ status: string; finalized_at: Date | null }[]>(`select status, finalized_at from commission where id = ? and merchant_id = ?`, [
          id,
          p.merchantId,
        ])
    )[0]!;

  it('finalizes PENDING commissions past the hold period (counted from the order), and only those', async () => {
    const p = await program(app); // hold: 30 days
    const old = await commission(p, 31);
    const edge = await commission(p, 30);
    const recent = await commission(p, 29);
    const r = await app.gql(FINALIZE, { input: { campaignId: p.campaign.id } }, p.token);
    expect(r.data!.finalizeCommissions.finalizedCount).toBe(2);
    expect((await statusOf(p, old)).status).toBe('FINALIZED');
    expect(new Date((await statusOf(p, edge)).finalized_at!)).toEqual(now);
    expect((await statusOf(p, recent)).status).toBe('PENDING');
    // Running it again changes nothing.
    expect((await app.gql(FINALIZE, { input: {} }, p.token)).data!.finalizeCommissions.finalizedCount).toBe(0);
  });

  it('finalizes chosen commissions now, whatever their hold, and leaves other statuses alone', async () => {
    const p = await program(app);
    const fresh = await commission(p, 1);
    const r = await app.gql(FINALIZE, { input: { ids: [fresh] } }, p.token);
    expect(r.data!.finalizeCommissions.finalizedCount).toBe(1);
    const again = await app.gql(FINALIZE, { input: { ids: [fresh] } }, p.token);
    expect(again.data!.finalizeCommissions.finalizedCount).toBe(0);
  });

  it('is a HOT update: no index entry is rewritten (what keeps a million rows under 20 s)', async () => {
    const p = await program(app);
    for (const daysAgo of [40, 41, 42]) await commission(p, daysAgo);
    // The backend's not-yet-flushed counters: read before and after, inside one transaction.
    const stats = async (tx: EntityManager) =>
      (
        await tx.execute<{ updated: number; hot: number }[]>(
          `select pg_stat_get_xact_tuples_updated('commission'::regclass)::int as updated, pg_stat_get_xact_tuples_hot_updated('commission'::regclass)::int as hot`,
        )
      )[0]!;
    const counts = await app.orm.em.fork().transactional(async (tx) => {
      const before = await stats(tx);
      const finalized = await app.services.finalization.finalize(tx, p.merchantId, { campaignId: p.campaign.id }, now);
      const after = await stats(tx);
      return { finalized, updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ finalized: 3, updated: 3, hot: 3 });
  });

  it('the database refuses to change a finalized amount', async () => {
    const p = await program(app);
    const id = await commission(p, 40);
    await app.gql(FINALIZE, { input: { ids: [id] } }, p.token);
    await expect(app.orm.em.fork().getConnection().execute(`update commission set amount_minor = amount_minor - 1 where id = ?`, [id])).rejects.toThrow(
      /amount is locked/,
    );
    // Nor can it step back to PENDING to have its amount changed there.
    await expect(app.orm.em.fork().getConnection().execute(`update commission set status = 'PENDING', finalized_at = null where id = ?`, [id])).rejects.toThrow(
      /is FINALIZED: it cannot become PENDING/,
    );
    expect(await statusOf(p, id)).toMatchObject({ status: 'FINALIZED' });
  });

  it('the scheduled sweep finalizes across merchants', async () => {
    const a = await program(app);
    const b = await program(app);
    const ca = await commission(a, 45);
    const cb = await commission(b, 45);
    await app.services.finalization.sweep(app.orm.em.fork(), now);
    expect((await statusOf(a, ca)).status).toBe('FINALIZED');
    expect((await statusOf(b, cb)).status).toBe('FINALIZED');
  });

  it('is scoped to the caller: another merchant finalizes nothing of ours; REVIEWER is refused; bad ids are refused', async () => {
    const p = await program(app);
    const id = await commission(p, 2);
    const other = await app.newMerchant();
    expect((await app.gql(FINALIZE, { input: { ids: [id] } }, other.token)).data!.finalizeCommissions.finalizedCount).toBe(0);
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    expect((await app.gql(FINALIZE, { input: { ids: [id] } }, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const bad = await app.gql(FINALIZE, { input: { ids: ['nope'] } }, p.token);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { 'ids.0': expect.any(String) } });
    expect((await statusOf(p, id)).status).toBe('PENDING');
  });

  describe('a refund after finalization', () => {
    const CLAWBACKS = `query($f: ClawbackFilter) { clawbacks(filter: $f) { totalCount edges { node { amountMinor reason appliedAt commission { id status amountMinor } } } } }`;
    const refund = (p: Program, orderId: string, amountMinor: number, id?: string) =>
      postWebhook(app, p, refundBody(orderId, { amountMinor, occurredAt: now.toISOString(), ...(id ? { id } : {}) }), { t: Math.floor(now.getTime() / 1000) });

    it('leaves the locked amount and records a clawback for the refunded share, once per refund', async () => {
      const p = await program(app);
      const occurredAt = new Date(now.getTime() - 40 * DAY);
      const clickId = await click(app, p, p.affiliates[0]!, { occurredAt: new Date(occurredAt.getTime() - 60_000) });
      const order = orderBody({ clickId, amountMinor: 10_000, occurredAt: occurredAt.toISOString() });
      const id = (await postWebhook(app, p, order, { t: Math.floor(now.getTime() / 1000) })).body.conversion.commissionId;
      // A partial refund while PENDING lowers the commission through an adjustment…
      expect((await refund(p, order.order.id, 2_000)).status).toBe(200);
      await app.gql(FINALIZE, { input: { ids: [id] } }, p.token);
      // …after finalization, the next refund is a clawback of the same share: 30% of 1000.
      expect((await refund(p, order.order.id, 3_000, 're_after_final')).status).toBe(200);
      expect((await refund(p, order.order.id, 3_000, 're_after_final')).status).toBe(200);
      const r = await app.gql(CLAWBACKS, { f: { affiliateId: p.affiliates[0]!.id, applied: false } }, p.token);
      expect(r.data!.clawbacks.totalCount).toBe(1);
      expect(r.data!.clawbacks.edges[0].node).toMatchObject({ amountMinor: -300, appliedAt: null, commission: { id, status: 'FINALIZED', amountMinor: 800 } });
      // The rest refunded: adjustments and clawbacks together take exactly the original amount.
      await refund(p, order.order.id, 5_000);
      const [row] = (await ledger(app, p.merchantId)).filter((l) => l.order_id === order.order.id);
      expect(row).toMatchObject({ status: 'FINALIZED', amount: '800' });
      const all = await app.gql(CLAWBACKS, {}, p.token);
      expect(all.data!.clawbacks.edges.reduce((sum: number, e: any) => sum + e.node.amountMinor, 0)).toBe(-800);
    });

    it('clawbacks are visible to finance only, and only their own merchant', async () => {
      const p = await program(app);
      const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
      expect((await app.gql(CLAWBACKS, {}, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const other = await app.newMerchant();
      expect((await app.gql(CLAWBACKS, {}, other.token)).data!.clawbacks.totalCount).toBe(0);
      expect((await app.gql(CLAWBACKS, { f: { campaignId: 'x' } }, p.token)).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    });
  });
});
