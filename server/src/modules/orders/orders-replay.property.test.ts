import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, postWebhook, program, type Program } from '../../test/orders-fixtures.js';

/**
 * Whatever order the store's deliveries arrive in, and however often each is repeated, the
 * ledger ends the same: refunds that arrive before their order get 409 and are retried later,
 * as a store would; a refund beyond its order gets 400 whenever it arrives, and is dropped.
 */
describe('replayed and reordered deliveries (property)', () => {
  let app: TestApp;
  let p: Program;
  const visitors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 2, commission: { type: 'PERCENTAGE', rateBps: 1333 } });
    for (let i = 0; i < 3; i++) {
      const v = uniq('v');
      await click(app, p, p.affiliates[i % 2]!, { visitorId: v });
      visitors.push(v);
    }
  });
  afterAll(() => app?.close());

  type Delivery = { key: string; body: Record<string, unknown>; refused?: true };

  /** Three orders (two attributed, one not) and their refunds: partial, cumulative, full, and one beyond the order (refused). */
  const scenario = (run: string): Delivery[] => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const orders = [
      { id: `${run}-o1`, amountMinor: 9_999, visitorId: visitors[0] },
      { id: `${run}-o2`, amountMinor: 1_001, visitorId: visitors[1] },
      { id: `${run}-o3`, amountMinor: 500, visitorId: uniq('stranger') },
    ];
    const refunds = [
      [`${run}-o1`, 3_333],
      [`${run}-o1`, 3_333],
      [`${run}-o1`, 3_333], // 9,999 in three: full
      [`${run}-o2`, 1],
      [`${run}-o2`, 2_000], // 2,000 exceeds the order whether or not the 1 came first
      [`${run}-o3`, 100],
    ] as const;
    return [
      ...orders.map((o) => ({ key: o.id, body: { id: `${run}-evt-${o.id}`, type: 'order.created', order: { ...o, currency: 'USD', occurredAt: at } } })),
      ...refunds.map(([orderId, amountMinor], i) => ({
        key: `${run}-r${i}`,
        body: { id: `${run}-evt-r${i}`, type: 'order.refunded', order: { id: orderId }, refund: { id: `${run}-r${i}`, amountMinor, occurredAt: at } },
        ...(amountMinor === 2_000 ? { refused: true as const } : {}),
      })),
    ];
  };

  /** Delivers in order, re-queueing 409s (refund before its order) at the back; a refused refund is dropped. */
  const deliver = async (deliveries: Delivery[]) => {
    const queue = [...deliveries];
    for (let guard = 0; queue.length; guard++) {
      if (guard > 500) throw new Error('deliveries never settled');
      const d = queue.shift()!;
      const r = await postWebhook(app, p, d.body);
      if (r.status === 409) queue.push(d);
      else expect(r.status).toBe(d.refused ? 400 : 200);
    }
  };

  const ledgerOf = async (run: string) => {
    const rows = await app.orm.em
      .fork()
      .getConnection()
      .execute<Record<string, unknown>[]>(
        `select regexp_replace(cv.order_external_id, '^[^-]+-', '') as order_id, cv.channel,
              c.status, c.original_amount_minor::int as original, c.amount_minor::int as amount,
              (select coalesce(sum(a.amount_minor), 0)::int from commission_adjustment a where a.commission_id = c.id) as adjusted,
              (select count(*)::int from refund r where r.order_id = cv.order_id) as refunds
         from conversion cv left join commission c on c.conversion_id = cv.id
        where cv.merchant_id = ? and cv.order_external_id like ? order by 1`,
        [p.merchantId, `${run}-%`],
      );
    return rows;
  };

  it('the same ledger for any permutation with duplicates', async () => {
    const reference = uniq('ref').replace(/-/g, '');
    await deliver(scenario(reference));
    const expected = await ledgerOf(reference);
    expect(expected).toHaveLength(3);
    for (const row of expected) if (row.status) expect(Number(row.original) + Number(row.adjusted)).toBe(row.amount);
    expect(expected.find((r) => r.order_id === 'o1')).toMatchObject({ status: 'REVERSED', amount: 0 });

    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(1_000_000), { minLength: 9, maxLength: 9 }), fc.array(fc.nat(8), { maxLength: 6 }), async (ranks, duplicates) => {
        const run = uniq('run').replace(/-/g, '');
        const base = scenario(run);
        const shuffled = base
          .map((d, i) => ({ d, r: ranks[i]! }))
          .sort((a, b) => a.r - b.r)
          .map((x) => x.d);
        // Duplicates inserted at the positions the ranks suggest.
        for (const [k, i] of duplicates.entries()) shuffled.splice(ranks[k]! % (shuffled.length + 1), 0, base[i]!);
        await deliver(shuffled);
        const got = await ledgerOf(run);
        expect(got).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  });
});
