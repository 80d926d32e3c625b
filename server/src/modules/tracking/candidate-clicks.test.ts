import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTogether, withConnection } from '../../db/sql-runner.js';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, program, type Program } from '../../test/orders-fixtures.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

describe('TrafficService.candidateClicks (the port attribution reads clicks through)', () => {
  let app: TestApp;
  let p: Program;
  let rival: Program;

  beforeAll(async () => {
    app = await startTestApp();
    [p, rival] = [await program(app, { affiliates: 2 }), await program(app, { affiliates: 1 })];
  });
  afterAll(() => app?.close());

  const lookup = (orders: Parameters<TestApp['services']['traffic']['candidateClicks']>[0], limit = 100) =>
    withConnection(app.orm.em.fork(), async (exec) => (await readTogether(exec, [app.services.traffic.candidateClicks(orders, limit)] as const))[0]);

  it("answers each order's clicks by visitor or click id, its own merchant's only, those up to the order first and newest first", async () => {
    const visitor = uniq('v');
    const [a, b] = p.affiliates;
    const older = await click(app, p, a!, { visitorId: visitor, occurredAt: hoursAgo(5) });
    const newerAt = hoursAgo(3);
    const newer = await click(app, p, b!, { visitorId: visitor, occurredAt: newerAt, isBot: true });
    const after = await click(app, p, a!, { visitorId: visitor, occurredAt: hoursAgo(1) });
    const byId = await click(app, p, b!, { visitorId: uniq('v'), occurredAt: hoursAgo(4) });
    await click(app, rival, rival.affiliates[0]!, { visitorId: visitor, occurredAt: hoursAgo(2) });
    const rows = await lookup([
      { i: 0, merchantId: p.merchantId, visitorId: visitor, clickId: byId, placedAt: hoursAgo(2) },
      { i: 1, merchantId: p.merchantId, visitorId: uniq('v'), clickId: null, placedAt: new Date() },
    ]);
    expect(rows.map((r) => [r.i, r.clickId])).toEqual([
      [0, newer],
      [0, byId],
      [0, older],
      [0, after],
    ]);
    expect(rows[0]).toMatchObject({ isBot: true, enrollmentId: b!.enrollmentId, affiliateId: b!.id, campaignId: p.campaign.id, visitorId: visitor });
    expect(rows[0]!.occurredAt).toEqual(newerAt);
  });

  it('keeps at most `limit` clicks per order', async () => {
    const visitor = uniq('v');
    for (const h of [4, 3, 2]) await click(app, p, p.affiliates[0]!, { visitorId: visitor, occurredAt: hoursAgo(h) });
    const rows = await lookup([{ i: 7, merchantId: p.merchantId, visitorId: visitor, clickId: null, placedAt: new Date() }], 2);
    expect(rows.map((r) => [r.i, r.occurredAt.getTime() < hoursAgo(2.5).getTime()])).toEqual([
      [7, false],
      [7, true],
    ]);
  });
});
