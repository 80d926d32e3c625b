// The PostgreSQL click writer and analytics' click rollup: a retried batch (its first write
// committed, its answer lost) and a batch mixing stored and new clicks are counted once each
// click, whichever pass of the rollup reads them; a visitor's key seen by an earlier pass is not
// unique again; passes racing in two processes count each click once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { AnalyticsRollups } from '../analytics/index.js';
import { postgresClickWriter, type ClickRecord, type ClickWriter } from './click-log.js';

describe('the click writer and the click rollup count each stored click once', () => {
  let app: TestApp;
  let write: ClickWriter;
  const merchantId = uuidv7();
  const campaignId = uuidv7();
  const enrollmentId = uuidv7();
  const click = (visitorId: string, occurredAt: string, isBot = false): ClickRecord => ({
    id: uuidv7(),
    merchantId,
    enrollmentId,
    affiliateId: uuidv7(),
    campaignId,
    occurredAt: new Date(occurredAt),
    referer: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    userAgent: isBot ? 'curl/8.5.0' : 'Mozilla/5.0',
    ipHash: 'h',
    visitorId,
    isBot,
  });
  const figures = async () => {
    await app.services.rollups.catchUp(app.orm.em.fork());
    const conn = app.orm.em.fork().getConnection();
    const [day] = await conn.execute<{ clicks: number; unique: number }[]>(
      `select sum(clicks)::int as clicks, sum(unique_clicks)::int as unique from analytics_day where merchant_id = ?`,
      [merchantId],
    );
    const [campaign] = await conn.execute(
      `select sum(clicks)::int as clicks, sum(unique_clicks)::int as unique from analytics_campaign_day where merchant_id = ?`,
      [merchantId],
    );
    const [stored] = await conn.execute(`select count(*)::int as n from click where merchant_id = ?`, [merchantId]);
    expect(campaign).toEqual(day);
    return { ...day!, stored: stored!.n };
  };

  beforeAll(async () => {
    // The server's own rollup job stays out of the way: the passes below are the test's.
    app = await startTestApp({ ANALYTICS_ROLLUP_MS: '60000' });
    write = postgresClickWriter(app.orm);
  });
  afterAll(() => app?.close());

  it('counts a retried batch once, and only the new clicks of a mixed one; a key seen before is not unique again', async () => {
    const first = [
      click('visitor-one-0001', '2026-11-02T10:05:00Z'),
      click('visitor-one-0001', '2026-11-02T10:50:00Z'),
      click('crawler-000000001', '2026-11-02T10:06:00Z', true),
    ];
    await write(first);
    expect(await figures()).toEqual({ clicks: 2, unique: 1, stored: 3 });
    await write(first); // COPY meets the stored ids; the INSERT that follows stores nothing new
    expect(await figures()).toEqual({ clicks: 2, unique: 1, stored: 3 });
    // visitor one's 10:00 key was counted by the pass before; visitor two's and the 11:00 key are new.
    const mixed = [first[0]!, click('visitor-one-0001', '2026-11-02T10:59:00Z'), click('visitor-two-0002', '2026-11-02T10:59:00Z')];
    await write(mixed);
    await write([click('visitor-one-0001', '2026-11-02T11:00:00Z')]);
    expect(await figures()).toEqual({ clicks: 5, unique: 3, stored: 6 });
  });

  it('counts each click once when two processes roll up at the same time', async () => {
    const before = await figures();
    const other = new AnalyticsRollups(app.services.traffic);
    for (let round = 0; round < 5; round++) {
      await write([click(`racer-${round}-000000001`, '2026-11-03T09:00:00Z'), click(`racer-${round}-000000002`, '2026-11-03T09:10:00Z')]);
      await Promise.all([app.services.rollups.rollUpClicks(app.orm.em.fork()), other.rollUpClicks(app.orm.em.fork())]);
    }
    expect(await figures()).toEqual({ clicks: before.clicks + 10, unique: before.unique + 10, stored: before.stored + 10 });
  });
});
