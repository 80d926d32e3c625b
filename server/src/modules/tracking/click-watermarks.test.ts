import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { uuidv7 } from '../../ids.js';
import { createLogger } from '../../logger.js';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, counts, orderBody, postWebhook, program, type Program } from '../../test/orders-fixtures.js';

/**
 * Two server processes on one database (two apps, each with its own pool, listener and click
 * log), whose click logs would keep a click for a minute: an order only sees it if it waits for
 * the clicks served before it. A process is gone after a second without refreshing its watermark.
 */
describe.skipIf(!inject('templateDatabase'))('an order right after its click', () => {
  let a: TestApp;
  let b: App;
  let p: Program;
  const env = { CLICK_FLUSH_MS: '60000', CLICK_PROCESS_TIMEOUT_MS: '1000', ORDER_CLICK_WAIT_MS: '3000' };
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) => a.orm.em.getConnection().execute<T[]>(text, params);

  beforeAll(async () => {
    a = await startTestApp(env);
    b = await createApp({ config: { ...a.config, port: 0 }, log: createLogger('silent') });
    p = await program(a, { affiliates: 2 });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** A shopper follows affiliate `n`'s share link on `server`: the click id and visitor id it lands with. */
  async function follow(server: App, n: number, visitorId?: string) {
    const [{ share_code }] = (await sql<{ share_code: string }>(`select share_code from enrollment where id = ?`, [p.affiliates[n]!.enrollmentId])) as [
      { share_code: string },
    ];
    const res = await fetch(`${server.url}/r/${share_code}`, { redirect: 'manual', headers: visitorId ? { cookie: `sorae_vid=${visitorId}` } : {} });
    expect(res.status).toBe(302);
    const landing = new URL(res.headers.get('location')!);
    return { clickId: landing.searchParams.get('sorae_click')!, visitorId: landing.searchParams.get('sorae_vid')! };
  }

  const stored = async (clickId: string) => (await sql(`select 1 from click where id = ?`, [clickId])).length === 1;
  const winnerOf = async (conversionId: string) =>
    (
      await sql<{ winning_click_id: string | null; affiliate_id: string | null }>(`select winning_click_id, affiliate_id from conversion where id = ?`, [
        conversionId,
      ])
    )[0]!;

  it("on the process that served the click, it is the click's", async () => {
    const { clickId } = await follow(a, 0);
    expect(await stored(clickId)).toBe(false); // still in the click log's buffer
    const r = await postWebhook(a, p, orderBody({ clickId }));
    expect(r.status).toBe(200);
    expect(r.body.conversion.channel).toBe('AFFILIATE');
    expect(await winnerOf(r.body.conversion.id)).toEqual({ winning_click_id: clickId, affiliate_id: p.affiliates[0]!.id });
  });

  it("on the other process, it is the click's, either way round", async () => {
    for (const [served, taken] of [
      [b, a],
      [a, b],
    ] as const) {
      const { clickId } = await follow(served, 1);
      expect(await stored(clickId)).toBe(false);
      const r = await postWebhook(taken, p, orderBody({ clickId }));
      expect(r.status).toBe(200);
      expect(r.body.conversion.channel).toBe('AFFILIATE');
      expect(await winnerOf(r.body.conversion.id)).toEqual({ winning_click_id: clickId, affiliate_id: p.affiliates[1]!.id });
    }
  });

  it('with only a visitor id, the newest click still buffered in the other process wins (last click)', async () => {
    const visitorId = uniq('visitor-with-a-long-id-');
    await click(a, p, p.affiliates[0]!, { visitorId, occurredAt: new Date(Date.now() - 3600_000) });
    const newest = await follow(b, 1, visitorId);
    expect(newest.visitorId).toBe(visitorId);
    expect(await stored(newest.clickId)).toBe(false);
    const r = await postWebhook(a, p, orderBody({ visitorId }));
    expect(r.status).toBe(200);
    expect(await winnerOf(r.body.conversion.id)).toEqual({ winning_click_id: newest.clickId, affiliate_id: p.affiliates[1]!.id });
  });

  it('while a flush keeps failing, the order is refused for a retry and writes nothing; once it succeeds, the retry is attributed', async () => {
    // Every new click row is refused: the click log keeps its rows and retries with backoff.
    await sql(`alter table click add constraint click_refused check (false) not valid`);
    let dropped = false;
    try {
      const { clickId } = await follow(a, 0);
      const before = await counts(a, p.merchantId);
      // Taken by the process that cannot flush, and by the other one, which waits for it.
      const bodies = [orderBody({ clickId }), orderBody({ clickId })];
      const recordOrder = { ...bodies[0]!.order, id: uniq('ord_') };
      const [onA, onB, graphql] = await Promise.all([
        postWebhook(a, p, bodies[0]),
        postWebhook(b, p, bodies[1]),
        a.gql(`mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`, { input: recordOrder }, p.token),
      ]);
      for (const r of [onA, onB]) {
        expect(r.status).toBe(503);
        expect(r.body.code).toBe('UNAVAILABLE');
        expect(r.retryAfter).toBe('1'); // the process timeout, rounded up
      }
      expect(graphql.errors![0]!.extensions).toEqual({ code: 'UNAVAILABLE', retryAfterSeconds: 1 });
      expect(await counts(a, p.merchantId)).toEqual(before);

      await sql(`alter table click drop constraint click_refused`);
      dropped = true;
      for (const [i, server] of [a, b].entries()) {
        let r = await postWebhook(server, p, bodies[i]);
        for (let tries = 0; r.status === 503 && tries < 5; tries++) r = await postWebhook(server, p, bodies[i]);
        expect(r.status).toBe(200);
        expect(await winnerOf(r.body.conversion.id)).toEqual({ winning_click_id: clickId, affiliate_id: p.affiliates[0]!.id });
      }
      const retried = await a.gql(
        `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`,
        { input: recordOrder },
        p.token,
      );
      expect(retried.data!.recordOrder.conversion.channel).toBe('AFFILIATE');
    } finally {
      if (!dropped) await sql(`alter table click drop constraint click_refused`);
    }
  });

  it('a process that stopped refreshing its watermark (killed) holds orders back only until it counts as gone', async () => {
    // Registered like a live process that has flushed nothing yet, then never heard from again.
    await sql(`insert into click_flush_mark (process_id, through, seen_at) values (?, 0, now())`, [uuidv7()]);
    await new Promise((resolve) => setTimeout(resolve, 700)); // as a joining process waits before serving (register())
    const { clickId } = await follow(b, 0);
    const r = await postWebhook(a, p, orderBody({ clickId }));
    expect(r.status).toBe(200);
    expect(await winnerOf(r.body.conversion.id)).toEqual({ winning_click_id: clickId, affiliate_id: p.affiliates[0]!.id });
  });

  it('a process that stops gracefully leaves, and orders do not wait for it', async () => {
    const c = await createApp({ config: { ...a.config, port: 0 }, log: createLogger('silent') });
    const { clickId } = await follow(c, 1);
    await c.close();
    expect(await stored(clickId)).toBe(true);
    expect(await sql(`select 1 from click_flush_mark where process_id = ?`, [c.services.traffic.watermarks.processId])).toEqual([]);
  });
});

/**
 * The other process is asked to flush at once: here its watermark's own refresh comes every
 * 15 s (a quarter of the process timeout), far beyond the order's 5 s wait, so only the request
 * (NOTIFY) can get the order its click in time.
 */
describe.skipIf(!inject('templateDatabase'))('an order taken while the click waits in another process', () => {
  let a: TestApp;
  let b: App;
  let p: Program;

  beforeAll(async () => {
    a = await startTestApp({ CLICK_FLUSH_MS: '60000', CLICK_PROCESS_TIMEOUT_MS: '60000', ORDER_CLICK_WAIT_MS: '5000' });
    b = await createApp({ config: { ...a.config, port: 0 }, log: createLogger('silent') });
    p = await program(a, { affiliates: 1 });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('gets it because that process flushes when asked, not on its schedule', async () => {
    const [row] = await a.orm.em
      .getConnection()
      .execute<{ share_code: string }[]>(`select share_code from enrollment where id = ?`, [p.affiliates[0]!.enrollmentId]);
    const res = await fetch(`${b.url}/r/${row!.share_code}`, { redirect: 'manual' });
    const clickId = new URL(res.headers.get('location')!).searchParams.get('sorae_click');
    const r = await postWebhook(a, p, orderBody({ clickId }));
    expect(r.status).toBe(200);
    expect(r.body.conversion.channel).toBe('AFFILIATE');
  });
});

/**
 * A process that has seen no other one skips the ticket for a moment; one that joins waits out
 * that moment before serving, so its first click is never missed.
 */
describe.skipIf(!inject('templateDatabase'))('a process joining one that believed itself alone', () => {
  let a: TestApp;
  let p: Program;

  beforeAll(async () => {
    a = await startTestApp({ CLICK_FLUSH_MS: '60000' });
    p = await program(a, { affiliates: 1 });
  });
  afterAll(() => a?.close());

  it('has its first click seen by an order the other process takes at once', async () => {
    const c = await createApp({ config: { ...a.config, port: 0 }, log: createLogger('silent') });
    try {
      const [row] = await a.orm.em
        .getConnection()
        .execute<{ share_code: string }[]>(`select share_code from enrollment where id = ?`, [p.affiliates[0]!.enrollmentId]);
      const res = await fetch(`${c.url}/r/${row!.share_code}`, { redirect: 'manual' });
      const clickId = new URL(res.headers.get('location')!).searchParams.get('sorae_click');
      const r = await postWebhook(a, p, orderBody({ clickId }));
      expect(r.body.conversion.channel).toBe('AFFILIATE');
    } finally {
      await c.close();
    }
  });
});
