// The PostgreSQL click writer with analytics' rollup: a retried batch (its first write committed,
// its answer lost) and a batch mixing stored and new clicks count each stored click once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { postgresClickWriter, type ClickRecord, type ClickWriter } from './click-log.js';

describe('the click writer keeps the rollups exact', () => {
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
    const conn = app.orm.em.fork().getConnection();
    const [day] = await conn.execute(`select sum(clicks)::int as clicks, sum(unique_clicks)::int as unique from analytics_day where merchant_id = ?`, [
      merchantId,
    ]);
    const [campaign] = await conn.execute(
      `select sum(clicks)::int as clicks, sum(unique_clicks)::int as unique from analytics_campaign_day where merchant_id = ?`,
      [merchantId],
    );
    const [stored] = await conn.execute(`select count(*)::int as n from click where merchant_id = ?`, [merchantId]);
    expect(campaign).toEqual(day);
    return { ...day, stored: stored!.n };
  };

  beforeAll(async () => {
    app = await startTestApp();
    write = postgresClickWriter(app.orm, app.services.rollups);
  });
  afterAll(() => app?.close());

  it('counts a retried batch once, and only the new clicks of a mixed one', async () => {
    const first = [
      click('visitor-one-0001', '2026-11-02T10:05:00Z'),
      click('visitor-one-0001', '2026-11-02T10:50:00Z'),
      click('crawler-000000001', '2026-11-02T10:06:00Z', true),
    ];
    await write(first);
    expect(await figures()).toEqual({ clicks: 2, unique: 1, stored: 3 });
    await write(first); // COPY meets the stored ids; the INSERT that follows stores nothing new
    expect(await figures()).toEqual({ clicks: 2, unique: 1, stored: 3 });
    const mixed = [first[0]!, click('visitor-one-0001', '2026-11-02T10:59:00Z'), click('visitor-two-0002', '2026-11-02T10:59:00Z')];
    await write(mixed);
    expect(await figures()).toEqual({ clicks: 4, unique: 2, stored: 5 });
  });
});
