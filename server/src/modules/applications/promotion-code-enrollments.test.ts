import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTogether, withConnection } from '../../db/sql-runner.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { program, type Program } from '../../test/orders-fixtures.js';
import type { PromotionCodeLookup } from './applications.service.js';

describe('ApplicationsService.promotionCodeEnrollments (the port attribution reads promotion codes through)', () => {
  let app: TestApp;
  let p: Program;
  let rival: Program;

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 2, stripeCouponId: 'coupon_port' });
    rival = await program(app, { affiliates: 1, stripeCouponId: 'coupon_rival' });
  });
  afterAll(() => app?.close());

  const lookup = (lookups: PromotionCodeLookup[]) =>
    withConnection(app.orm.em.fork(), async (exec) => (await readTogether(exec, [app.services.applications.promotionCodeEnrollments(lookups)] as const))[0]);

  it("answers each lookup's enrollment (ignoring case) under its index; an unknown code, or another merchant's, answers nothing", async () => {
    const [first, second] = p.affiliates;
    expect(first!.promotionCode).toBeTruthy();
    const found = await lookup([
      { i: 0, merchantId: p.merchantId, code: first!.promotionCode!.toLowerCase() },
      { i: 1, merchantId: p.merchantId, code: 'NO-SUCH-CODE' },
      { i: 2, merchantId: p.merchantId, code: rival.affiliates[0]!.promotionCode! },
      { i: 3, merchantId: p.merchantId, code: second!.promotionCode! },
    ]);
    expect(found.sort((a, b) => a.i - b.i)).toEqual([
      { i: 0, enrollmentId: first!.enrollmentId, affiliateId: first!.id, campaignId: p.campaign.id, code: first!.promotionCode },
      { i: 3, enrollmentId: second!.enrollmentId, affiliateId: second!.id, campaignId: p.campaign.id, code: second!.promotionCode },
    ]);
    expect(await lookup([])).toEqual([]);
  });
});
