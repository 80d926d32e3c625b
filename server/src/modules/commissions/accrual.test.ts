import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConnection } from '../../db/sql-runner.js';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { counts, orderBody, program, type Program } from '../../test/orders-fixtures.js';
import { CommissionType } from '../campaigns/index.js';
import type { AccrualInput } from '../orders/index.js';

describe('CommissionsService.accrual (the port order ingestion writes commissions through)', () => {
  let app: TestApp;
  let p: Program;

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 1 });
  });
  afterAll(() => app?.close());

  /** A recorded order's conversion (no click: nothing accrued for it yet). */
  const conversion = async (amountMinor: number) => {
    const body = orderBody({ amountMinor });
    const outcome = await app.services.orders.handleWebhook(app.orm.em.fork(), p.merchantId, body, new Date());
    return outcome.conversion.id;
  };
  const input = (conversionId: string, orderAmountMinor: number, rule: AccrualInput['rule']): AccrualInput => ({
    id: uuidv7(),
    conversionId,
    merchantId: p.merchantId,
    enrollmentId: p.affiliates[0]!.enrollmentId,
    affiliateId: p.affiliates[0]!.id,
    campaignId: p.campaign.id,
    currency: 'USD',
    orderAmountMinor,
    rule,
    subscriptionId: null,
    sequence: 1,
    now: new Date(),
  });
  /**
   * The accrual's CTEs in a statement of the test's own, as order ingestion runs them in its
   * write: `written` holds the conversions that statement wrote; `tail` ends it.
   */
  const accrue = (inputs: AccrualInput[], written = inputs.map((i) => i.conversionId), tail = 'select count(*)::int as n from cm') => {
    const part = app.services.commissions.accrual(inputs, 'written');
    return withConnection(app.orm.em.fork(), async (exec) => {
      const [row] = await exec<{ n: number }>(`with written as (select unnest(?::uuid[]) as id), ${part.sql} ${tail}`, [
        `{${written.join(',')}}`,
        ...part.params,
      ]);
      return row!.n;
    });
  };
  const commissionsOf = (ids: string[]) =>
    app.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string; status: string; original_amount_minor: string; amount_minor: string }[]>(
        `select id, status, original_amount_minor, amount_minor from commission where id = any(?::uuid[]) order by id`,
        [`{${ids.join(',')}}`],
      );

  it('writes the commission of each conversion its statement wrote, PENDING at its rule, and only those', async () => {
    const inputs = [
      input(await conversion(20_000), 20_000, { type: CommissionType.PERCENTAGE, rateBps: 1000, amountMinor: null }),
      input(await conversion(5_000), 5_000, { type: CommissionType.FLAT, rateBps: null, amountMinor: 250 }),
      input(await conversion(7_000), 7_000, { type: CommissionType.FLAT, rateBps: null, amountMinor: 300 }),
    ];
    // The third conversion was not written by this statement (a duplicate order, say): no commission.
    expect(await accrue(inputs, [inputs[0]!.conversionId, inputs[1]!.conversionId])).toBe(2);
    expect((await commissionsOf(inputs.map((i) => i.id))).map((c) => [c.status, Number(c.original_amount_minor), Number(c.amount_minor)])).toEqual([
      ['PENDING', 2000, 2000],
      ['PENDING', 250, 250],
    ]);
  });

  it("is part of its caller's statement: when the statement fails, nothing stays", async () => {
    const accrual = input(await conversion(10_000), 10_000, { type: CommissionType.PERCENTAGE, rateBps: 1000, amountMinor: null });
    const before = await counts(app, p.merchantId);
    await expect(accrue([accrual], [accrual.conversionId], 'select count(*) / 0 as n from cm')).rejects.toThrow(/division by zero/);
    expect(await counts(app, p.merchantId)).toEqual(before);
    expect(await commissionsOf([accrual.id])).toEqual([]);
  });

  it("writes a subscription payment's place in its chain: its subscription and sequence", async () => {
    const renewal = {
      ...input(await conversion(3_000), 3_000, { type: CommissionType.FLAT, rateBps: null, amountMinor: 100 }),
      subscriptionId: 'sub_chain',
      sequence: 2,
    };
    await accrue([renewal]);
    const [row] = await app.orm.em
      .fork()
      .getConnection()
      .execute<{ subscription_id: string; sequence: number }[]>(`select subscription_id, sequence from commission where id = ?`, [renewal.id]);
    expect(row).toEqual({ subscription_id: 'sub_chain', sequence: 2 });
  });
});
