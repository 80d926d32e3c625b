// The PostgreSQL click writer and analytics' click rollup: a retried batch (its first write
// committed, its answer lost) and a batch mixing stored and new clicks are counted once each
// click, whichever pass of the rollup reads them; a visitor's key seen by an earlier pass is not
// unique again; a new visitor's key is unique where its first click is stored, even when a later
// click of the visitor is stored first (by another process); passes racing in two processes
// count each click once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { uuidv7 } from '../../ids.js';
import { createLogger } from '../../logger.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { program, type Program } from '../../test/orders-fixtures.js';
import { AnalyticsRollups } from '../analytics/index.js';
import { postgresClickWriter, type ClickRecord, type ClickWriter } from './click-log.js';

/** The clicks and unique clicks the rollups hold for a merchant (the day rows and the campaign rows agree). */
async function rolledUp(app: TestApp, merchantId: string) {
  const conn = app.orm.em.fork().getConnection();
  const [day] = await conn.execute<{ clicks: number; unique: number }[]>(
    `select coalesce(sum(clicks), 0)::int as clicks, coalesce(sum(unique_clicks), 0)::int as unique from analytics_day where merchant_id = ?`,
    [merchantId],
  );
  const [campaign] = await conn.execute(
    `select coalesce(sum(clicks), 0)::int as clicks, coalesce(sum(unique_clicks), 0)::int as unique from analytics_campaign_day where merchant_id = ?`,
    [merchantId],
  );
  expect(campaign).toEqual(day);
  return day!;
}

describe('the click writer and the click rollup count each stored click once', () => {
  let app: TestApp;
  let write: ClickWriter;
  const merchantId = uuidv7();
  const campaignId = uuidv7();
  const enrollmentId = uuidv7();
  const affiliateId = uuidv7();
  const click = (visitorId: string, occurredAt: string, isBot = false, newVisitor = false): ClickRecord => ({
    id: uuidv7(),
    merchantId,
    enrollmentId,
    affiliateId,
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
    newVisitor,
  });
  const figures = async () => {
    await app.services.rollups.catchUp(app.orm.em.fork());
    const [stored] = await app.orm.em.fork().getConnection().execute(`select count(*)::int as n from click where merchant_id = ?`, [merchantId]);
    return { ...(await rolledUp(app, merchantId)), stored: stored!.n };
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

  it("counts a new visitor's key where its first click is stored: its later clicks that hour are not unique, its next hour is", async () => {
    const before = await figures();
    await write([click('new-visitor-0001', '2026-11-04T10:05:00Z', false, true), click('new-visitor-0001', '2026-11-04T10:20:00Z')]);
    await write([click('new-visitor-0001', '2026-11-04T10:40:00Z')]);
    await write([click('new-visitor-0001', '2026-11-04T11:10:00Z')]);
    expect(await figures()).toEqual({ clicks: before.clicks + 4, unique: before.unique + 2, stored: before.stored + 4 });
  });

  it("counts once a new visitor's key whose later click was stored first, by a pass that saw the first click arrive while it waited", async () => {
    const before = await figures();
    const later = click('new-visitor-0002', '2026-11-05T09:30:00Z');
    const first = click('new-visitor-0002', '2026-11-05T09:29:00Z', false, true);
    await write([later]);
    // The first click was served before the later one but sits in another process's buffer: it
    // is stored while the pass waits for every click served before its range was taken.
    const pass = new AnalyticsRollups({
      clicksSettledBelow: (exec) => app.services.traffic.clicksSettledBelow(exec),
      clickFigures: (exec, from, through) => app.services.traffic.clickFigures(exec, from, through),
      awaitOthersServedClicks: () => write([first]),
    });
    await pass.rollUpClicks(app.orm.em.fork());
    // The later click counts; its key waits for the pass that reads the first click.
    expect(await rolledUp(app, merchantId)).toEqual({ clicks: before.clicks + 1, unique: before.unique });
    expect(await figures()).toEqual({ clicks: before.clicks + 2, unique: before.unique + 1, stored: before.stored + 2 });
  });

  it('counts each click once when two processes roll up at the same time', async () => {
    const before = await figures();
    const other = new AnalyticsRollups(app.services.traffic);
    for (let round = 0; round < 5; round++) {
      await write([click(`racer-${round}-000000001`, '2026-11-03T09:00:00Z', false, true), click(`racer-${round}-000000002`, '2026-11-03T09:10:00Z')]);
      await Promise.all([app.services.rollups.rollUpClicks(app.orm.em.fork()), other.rollUpClicks(app.orm.em.fork())]);
    }
    expect(await figures()).toEqual({ clicks: before.clicks + 10, unique: before.unique + 10, stored: before.stored + 10 });
  });
});

/**
 * Two server processes on one database: a shopper's first click waits in one process's buffer
 * (its flush a minute away) while their second, with the cookie the first set, is served and
 * stored by the other. The rollup pass that reads the second click waits until the first is
 * stored: the key is unique once, where the first click is counted.
 */
describe.skipIf(!inject('templateDatabase'))("a new visitor's first click still buffered in another process", () => {
  let a: TestApp;
  let b: App;
  let p: Program;

  beforeAll(async () => {
    a = await startTestApp({ CLICK_FLUSH_MS: '60000', CLICK_PROCESS_TIMEOUT_MS: '60000', ANALYTICS_ROLLUP_MS: '60000' });
    b = await createApp({ config: { ...a.config, port: 0, clicks: { ...a.config.clicks, flushMs: 20 } }, log: createLogger('silent') });
    p = await program(a, { affiliates: 1 });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts its key once, in the pass that reads the first click', async () => {
    const conn = a.orm.em.getConnection();
    const [row] = await conn.execute<{ share_code: string }[]>(`select share_code from enrollment where id = ?`, [p.affiliates[0]!.enrollmentId]);
    const first = await fetch(`${a.url}/r/${row!.share_code}`, { redirect: 'manual' });
    const visitorId = new URL(first.headers.get('location')!).searchParams.get('sorae_vid')!;
    const second = await fetch(`${b.url}/r/${row!.share_code}`, { redirect: 'manual', headers: { cookie: `sorae_vid=${visitorId}` } });
    const secondId = new URL(second.headers.get('location')!).searchParams.get('sorae_click');
    for (let i = 0; (await conn.execute(`select 1 from click where id = ?`, [secondId])).length === 0; i++) {
      expect(i).toBeLessThan(250);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await conn.execute(`select count(*)::int as n from click where visitor_id = ?`, [visitorId])).toEqual([{ n: 1 }]);
    await b.services.rollups.rollUpClicks(b.orm.em.fork());
    expect(await conn.execute(`select count(*)::int as n from click where visitor_id = ?`, [visitorId])).toEqual([{ n: 2 }]);
    // Unless both clicks share a UTC hour, each key is unique anyway: the test means the same hour.
    await a.services.rollups.catchUp(a.orm.em.fork());
    const [hours] = await conn.execute<{ n: number }[]>(
      `select count(distinct date_trunc('hour', occurred_at at time zone 'UTC'))::int as n from click where visitor_id = ?`,
      [visitorId],
    );
    expect(await rolledUp(a, p.merchantId)).toEqual({ clicks: 2, unique: hours!.n });
  });
});
