import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { LISTENER_NAME } from '../../db/pg-listener.js';
import { isUuid, uuidv7 } from '../../ids.js';
import { createLogger } from '../../logger.js';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { postgresClickWriter, type ClickRecord } from './click-log.js';
import { MAX_URL_LENGTH } from './redirect.route.js';

const CREATE_CAMPAIGN = `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`;
const REVIEW = `mutation($input: ReviewApplicationsInput!) {
  reviewApplications(input: $input) { results { ok enrollment { shareCode shareUrl } } }
}`;
const IP_SECRET = 'a-test-secret-for-hashing-ip-addresses';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

interface Link {
  merchantId: string;
  token: string;
  campaignId: string;
  code: string;
  shareUrl: string;
}

/** A merchant, a campaign and an approved affiliate: the share link a shopper follows. */
async function approvedLink(app: TestApp, destinationUrl = 'https://shop.example/landing?ref=sorae&lang=en#top'): Promise<Link> {
  const { merchantId, token } = await app.newMerchant();
  const campaign = (
    await app.gql(
      CREATE_CAMPAIGN,
      {
        input: { name: 'Creators', slug: uniq('c-'), destinationUrl, currency: 'USD', commission: { type: 'FLAT', amountMinor: 500 }, intakeFields: [] },
      },
      token,
    )
  ).data!.createCampaign as { id: string; slug: string };
  const email = `${uniq('aff')}@example.test`;
  const submitted = await app.gql(SUBMIT, {
    input: { campaignSlug: campaign.slug, email, name: 'Alice Affiliate', password: 'affiliate-pw', answers: [] },
  });
  await app.confirmApplication(email);
  const review = await app.gql(REVIEW, { input: { ids: [submitted.data!.submitApplication.id], decision: 'APPROVE' } }, token);
  const { shareCode, shareUrl } = review.data!.reviewApplications.results[0].enrollment;
  return { merchantId, token, campaignId: campaign.id, code: shareCode, shareUrl };
}

const follow = (app: TestApp, path: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { redirect: 'manual', headers: { 'user-agent': CHROME, ...headers } });

async function clicksOf(app: TestApp, merchantId: string) {
  return app.orm.em.getConnection().execute<Record<string, any>[]>('select * from click where merchant_id = ? order by id', [merchantId]);
}

/** Waits until `check` passes (the click log writes asynchronously). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('a shopper follows a share link', () => {
  let app: TestApp;
  let link: Link;
  const now = new Date('2026-11-20T10:00:00.000Z');

  beforeAll(async () => {
    app = await startTestApp({ CLICK_IP_SECRET: IP_SECRET, CLICK_FLUSH_MS: '20' }, () => now);
    link = await approvedLink(app);
  });
  afterAll(() => app?.close());

  it('is sent to the campaign destination with its query, the utm_* parameters and sorae ids, and the click is logged', async () => {
    const res = await follow(app, `/r/${link.code}?utm_source=newsletter&utm_medium=email&utm_campaign=spring&other=dropped`, {
      referer: 'https://blog.example/post',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://shop.example/landing');
    expect(location.hash).toBe('#top');
    const q = location.searchParams;
    expect(q.get('ref')).toBe('sorae');
    expect(q.get('lang')).toBe('en');
    expect([q.get('utm_source'), q.get('utm_medium'), q.get('utm_campaign')]).toEqual(['newsletter', 'email', 'spring']);
    expect(q.has('other')).toBe(false);
    const clickId = q.get('sorae_click')!;
    const visitorId = q.get('sorae_vid')!;
    expect(isUuid(clickId) && clickId[14]).toBe('7');
    // A first visit gets a random visitor id: one derived from the click would date the visit.
    expect(isUuid(visitorId) && visitorId[14]).toBe('4');
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(new RegExp(`^sorae_vid=${visitorId}; Max-Age=31536000; Path=/; SameSite=Lax; HttpOnly$`));

    const [click] = await eventually(async () => {
      const rows = await clicksOf(app, link.merchantId);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(click).toMatchObject({
      id: clickId,
      channel: 'AFFILIATE',
      campaign_id: link.campaignId,
      visitor_id: visitorId,
      referer: 'https://blog.example/post',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_term: null,
      utm_content: null,
      user_agent: CHROME,
      is_bot: false,
      new_visitor: true,
    });
    expect(new Date(click!.occurred_at).toISOString()).toBe(now.toISOString());
  });

  it('keeps the visitor id of a returning shopper and accepts the code in lower case', async () => {
    const first = await follow(app, `/r/${link.code}`);
    const visitorId = new URL(first.headers.get('location')!).searchParams.get('sorae_vid')!;
    const again = await follow(app, `/r/${link.code.toLowerCase()}`, { cookie: `theme=dark; sorae_vid=${visitorId}` });
    expect(again.status).toBe(302);
    const q = new URL(again.headers.get('location')!).searchParams;
    expect(q.get('sorae_vid')).toBe(visitorId);
    expect(q.get('sorae_click')).not.toBe(new URL(first.headers.get('location')!).searchParams.get('sorae_click'));
    expect(again.headers.getSetCookie()[0]).toMatch(new RegExp(`^sorae_vid=${visitorId};`));
    // A cookie that is not a visitor id we could have issued is replaced.
    const forged = await follow(app, `/r/${link.code}`, { cookie: 'sorae_vid=<script>' });
    expect(new URL(forged.headers.get('location')!).searchParams.get('sorae_vid')).toMatch(/^[0-9a-f-]{36}$/);
    // A click that issued its visitor id is its visitor's first (analytics counts its key without a lookup).
    const ids = [first, again, forged].map((r) => new URL(r.headers.get('location')!).searchParams.get('sorae_click')!);
    const rows = await eventually(async () => {
      const found = await app.orm.em
        .getConnection()
        .execute<{ id: string; new_visitor: boolean }[]>(`select id, new_visitor from click where id in (?, ?, ?)`, ids);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(ids.map((id) => rows.find((r) => r.id === id)!.new_visitor)).toEqual([true, false, true]);
  });

  it('stores a keyed hash of the IP address, never the address', async () => {
    const { merchantId, code } = await approvedLink(app);
    await follow(app, `/r/${code}`);
    const [click] = await eventually(async () => {
      const rows = await clicksOf(app, merchantId);
      expect(rows).toHaveLength(1);
      return rows;
    });
    const hashes = ['127.0.0.1', '::ffff:127.0.0.1', '::1'].map((ip) => createHmac('sha256', IP_SECRET).update(ip).digest('hex'));
    expect(hashes).toContain(click!.ip_hash);
    expect(JSON.stringify(click)).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('logs crawler visits with the bot flag, and truncates long utm values', async () => {
    const { merchantId, code } = await approvedLink(app);
    await follow(app, `/r/${code}`, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    await follow(app, `/r/${code}`, { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    await follow(app, `/r/${code}?utm_content=${'x'.repeat(300)}&utm_term=a%00b`);
    const rows = await eventually(async () => {
      const r = await clicksOf(app, merchantId);
      expect(r).toHaveLength(3);
      return r;
    });
    // The clock is fixed, so the three ids share a millisecond: find them by user agent.
    const byAgent = (re: RegExp) => rows.find((r) => re.test(r.user_agent))!;
    expect([byAgent(/Googlebot/).is_bot, byAgent(/Slackbot/).is_bot, byAgent(/Chrome/).is_bot]).toEqual([true, true, false]);
    expect(byAgent(/Chrome/).utm_content).toBe('x'.repeat(200));
    expect(byAgent(/Chrome/).utm_term).toBe('ab');
  });

  it('stores text with quotes, backslashes, commas, braces, tabs and line breaks as sent', async () => {
    const { merchantId, code } = await approvedLink(app);
    const referer = 'https://q.example/?a="x",{b}\\c NULL';
    const utm = { utm_campaign: 'say "hi", {you}\\', utm_term: 'a\tb\nc\r\nd', utm_source: '\\N', utm_medium: '\\.' };
    await follow(app, `/r/${code}?${new URLSearchParams(utm)}`, { referer, 'user-agent': `${CHROME} "quoted"` });
    const [click] = await eventually(async () => {
      const rows = await clicksOf(app, merchantId);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(click).toMatchObject({ referer, ...utm, user_agent: `${CHROME} "quoted"` });
  });

  it('a destination without a query gets one', async () => {
    const plain = await approvedLink(app, 'https://shop.example/');
    const res = await follow(app, `/r/${plain.code}`);
    expect(res.headers.get('location')).toMatch(/^https:\/\/shop\.example\/\?sorae_click=[0-9a-f-]{36}&sorae_vid=[0-9a-f-]{36}$/);
  });

  describe('links that lead nowhere get a small 404 page and log nothing', () => {
    const expectNotFound = async (res: Response) => {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toMatch(/<h1>.*<\/h1>/);
    };

    it('an unknown code', async () => {
      await expectNotFound(await follow(app, '/r/ZZZZZZZZ'));
      // Asked twice: the second answer comes from the negative cache.
      await expectNotFound(await follow(app, '/r/ZZZZZZZZ'));
    });

    it("a suspended affiliate's code, at once after the suspension", async () => {
      const l = await approvedLink(app);
      expect((await follow(app, `/r/${l.code}`)).status).toBe(302);
      const [enrollment] = await app.orm.em.getConnection().execute(`select id, affiliate_id from enrollment where share_code = ?`, [l.code]);
      const SET = `mutation($id: ID!, $status: EnrollmentStatus!) { setEnrollmentStatus(id: $id, status: $status) { status } }`;
      const r = await app.gql(SET, { id: enrollment!.id, status: 'SUSPENDED' }, l.token);
      expect(r.data!.setEnrollmentStatus.status).toBe('SUSPENDED');
      await expectNotFound(await follow(app, `/r/${l.code}`));
      await eventually(async () => expect(await clicksOf(app, l.merchantId)).toHaveLength(1));
      // Reactivated, it redirects again at once; another merchant cannot touch it.
      await app.gql(SET, { id: enrollment!.id, status: 'ACTIVE' }, l.token);
      expect((await follow(app, `/r/${l.code}`)).status).toBe(302);
      const listed = await app.gql(`query($id: ID!) { affiliate(id: $id) { enrollments { shareCode status } } }`, { id: enrollment!.affiliate_id }, l.token);
      expect(listed.data!.affiliate.enrollments).toEqual([{ shareCode: l.code, status: 'ACTIVE' }]);
      const other = await app.newMerchant();
      expect((await app.gql(SET, { id: enrollment!.id, status: 'SUSPENDED' }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await app.gql(SET, { id: enrollment!.id, status: 'GONE' }, l.token)).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    });

    it('a paused or archived campaign', async () => {
      const l = await approvedLink(app);
      expect((await follow(app, `/r/${l.code}`)).status).toBe(302);
      for (const status of ['PAUSED', 'ARCHIVED']) {
        const r = await app.gql(
          `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { status } }`,
          {
            id: l.campaignId,
            input: { status },
          },
          l.token,
        );
        expect(r.data?.updateCampaign.status).toBe(status);
        await expectNotFound(await follow(app, `/r/${l.code}`));
      }
    });

    it('a code in the wrong alphabet or too long, without asking the database', async () => {
      let asked = 0;
      const cache = app.services.traffic.shareCodes as unknown as { source: (code: string) => Promise<unknown> };
      const source = cache.source;
      cache.source = (code) => (asked++, source(code));
      try {
        for (const path of ['/r/ABC0EF1I', '/r/abc-def', `/r/${'A'.repeat(17)}`, '/r/%E2%9C%93', '/r/%ZZ', '/r/ABC%00DEF']) {
          const res = await follow(app, path);
          expect(res.status, path).toBe(404);
        }
      } finally {
        cache.source = source;
      }
      expect(asked).toBe(0);
    });
  });

  describe('oversized and malformed query strings are refused', () => {
    it('a URL longer than 4 KB: 414', async () => {
      const res = await follow(app, `/r/${link.code}?utm_source=${'x'.repeat(MAX_URL_LENGTH)}`);
      expect(res.status).toBe(414);
    });

    it('broken percent-escapes or too many parameters: 400', async () => {
      for (const query of ['utm_source=%E0%A4%A', 'utm_source=100%', 'utm_source=%FF%FE', Array.from({ length: 51 }, (_, i) => `p${i}=1`).join('&')]) {
        const res = await follow(app, `/r/${link.code}?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      }
    });

    it('a request target that is not a URL path: 400, and the server stays up', async () => {
      const { port } = new URL(app.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect((await follow(app, `/r/${link.code}`)).status).toBe(302);
    });

    it('none of them wrote a click', async () => {
      const fresh = await approvedLink(app);
      for (const path of [`/r/${fresh.code}?utm_source=%zz`, `/r/${fresh.code}?${'a=1&'.repeat(60)}`, `/r/${fresh.code}?x=${'y'.repeat(5000)}`]) {
        expect((await follow(app, path)).status).toBeGreaterThanOrEqual(400);
      }
      await app.flushClicks();
      expect(await clicksOf(app, fresh.merchantId)).toHaveLength(0);
    });
  });

  it('HEAD shows the destination without logging a click', async () => {
    const l = await approvedLink(app);
    const res = await fetch(`${app.url}/r/${l.code}`, { method: 'HEAD', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/landing?ref=sorae&lang=en#top');
    await app.flushClicks();
    expect(await clicksOf(app, l.merchantId)).toHaveLength(0);
  });

  it('serves sorae.js as cacheable JavaScript', async () => {
    const res = await fetch(`${app.url}/sorae.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await res.text()).toContain('getAttribution');
    const again = await fetch(`${app.url}/sorae.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('the click log under shutdown and failure', () => {
  it('a graceful stop writes every buffered click before the database closes', async () => {
    // Nothing is flushed on its own during the test: only the shutdown can write these clicks.
    const app = await startTestApp({ CLICK_FLUSH_MS: '60000', CLICK_BATCH_SIZE: '10000' });
    let closed = false;
    try {
      const link = await approvedLink(app);
      const N = 250;
      const responses = await Promise.all(Array.from({ length: N }, () => follow(app, `/r/${link.code}`)));
      expect(responses.every((r) => r.status === 302)).toBe(true);
      expect(await clicksOf(app, link.merchantId)).toHaveLength(0);
      expect(app.services.traffic.clicks.pending).toBe(N);

      // Count at the last moment the database is open: inside the shutdown, just before the ORM closes.
      let countAtOrmClose = -1;
      const orm = app.orm;
      const ormClose = orm.close.bind(orm);
      orm.close = async (force?: boolean) => {
        countAtOrmClose = (await clicksOf(app, link.merchantId)).length;
        return ormClose(force);
      };
      closed = true;
      await app.close();
      expect(countAtOrmClose).toBe(N);
    } finally {
      if (!closed) await app.close();
    }
  });

  it('one COPY stores every click of a batch as it was: its own time, and text with tabs, line breaks, backslashes and non-ASCII', async () => {
    const app = await startTestApp();
    try {
      const link = await approvedLink(app);
      const base = Date.now();
      // Several clicks to one millisecond, then later ones: each keeps its own time.
      const times = [base, base, base, base + 1, base + 1_000, base + 86_400_000];
      const batch: ClickRecord[] = times.map((t, i) => ({
        id: uuidv7(t),
        merchantId: link.merchantId,
        enrollmentId: uuidv7(),
        affiliateId: uuidv7(),
        campaignId: uuidv7(),
        occurredAt: new Date(t),
        referer: i === 0 ? 'https://blog.example/a\tb\\c\nd\re' : null,
        utmSource: i === 1 ? 'naïve — ünïcode ✓' : null,
        utmMedium: null,
        utmCampaign: '\\N',
        utmTerm: null,
        utmContent: null,
        userAgent: CHROME,
        ipHash: 'h',
        visitorId: uniq('v'),
        isBot: i === 2,
        newVisitor: i % 2 === 0,
      }));
      await postgresClickWriter(app.orm)(batch);
      const rows = new Map((await clicksOf(app, link.merchantId)).map((r) => [r.id as string, r]));
      expect(batch.map((c) => [new Date(rows.get(c.id)!.occurred_at).getTime(), rows.get(c.id)!.is_bot, rows.get(c.id)!.new_visitor])).toEqual(
        batch.map((c) => [c.occurredAt.getTime(), c.isBot, c.newVisitor]),
      );
      expect(rows.get(batch[0]!.id)).toMatchObject({ referer: 'https://blog.example/a\tb\\c\nd\re', utm_campaign: '\\N' });
      expect(rows.get(batch[1]!.id)).toMatchObject({ utm_source: 'naïve — ünïcode ✓', referer: null });
    } finally {
      await app.close();
    }
  });

  it('a batch written again after its first write did commit (an answer lost on the way) stores each click once', async () => {
    const app = await startTestApp();
    try {
      const link = await approvedLink(app);
      const write = postgresClickWriter(app.orm);
      const record = (): ClickRecord => ({
        id: uuidv7(),
        merchantId: link.merchantId,
        enrollmentId: uuidv7(),
        affiliateId: uuidv7(),
        campaignId: uuidv7(),
        occurredAt: new Date(),
        referer: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
        userAgent: CHROME,
        ipHash: 'h',
        visitorId: uniq('v'),
        isBot: false,
        newVisitor: true,
      });
      const first = [record(), record()];
      await write(first);
      await write([...first, record()]);
      const rows = await clicksOf(app, link.merchantId);
      expect(rows).toHaveLength(3);
    } finally {
      await app.close();
    }
  });

  describe('with the database refusing writes for a while', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ CLICK_FLUSH_MS: '10', CLICK_BATCH_SIZE: '5' });
    });
    afterAll(() => app?.close());

    it('keeps the clicks, makes redirects wait when the buffer is full, and writes everything once the database is back', async () => {
      const link = await approvedLink(app);
      const sql = (q: string) => app.orm.em.getConnection().execute(q);
      await sql('alter table click rename to click_away');
      let restored = false;
      try {
        // Twelve shoppers at once: the buffer holds 5 and one batch of 5 is being (re)tried, so at
        // most 10 are answered while the database refuses; the others wait, none is dropped.
        const N = 12;
        let answered = 0;
        const all = Promise.all(Array.from({ length: N }, () => follow(app, `/r/${link.code}`).then((r) => (answered++, r))));
        await eventually(async () => expect(app.services.traffic.clicks.consecutiveFailures).toBeGreaterThan(1));
        // Every shopper has reached the click log: answered, or waiting for room.
        await eventually(async () => expect(answered + app.services.traffic.clicks.waiting).toBe(N));
        expect(answered).toBeGreaterThanOrEqual(5);
        expect(answered).toBeLessThanOrEqual(10);
        expect(app.services.traffic.clicks.pending).toBe(answered);
        expect(await clicksOf(app, link.merchantId).catch(() => 'no table')).toBe('no table');

        await sql('alter table click_away rename to click');
        restored = true;
        expect((await all).map((r) => r.status)).toEqual(Array(N).fill(302));
        await eventually(async () => expect(await clicksOf(app, link.merchantId)).toHaveLength(N));
        expect(app.services.traffic.clicks.consecutiveFailures).toBe(0);
      } finally {
        if (!restored) await sql('alter table click_away rename to click');
      }
    });
  });
});

// PGlite (the tests' fallback without a PostgreSQL server) is one process's database.
describe.skipIf(!inject('templateDatabase'))('several server processes on one database', () => {
  let app: TestApp;
  let other: App;
  const SET = `mutation($id: ID!, $status: EnrollmentStatus!) { setEnrollmentStatus(id: $id, status: $status) { status } }`;
  const followOn = (server: App, code: string) =>
    fetch(`${server.url}/r/${code}`, { redirect: 'manual', headers: { 'user-agent': CHROME } }).then((r) => r.status);
  const enrollmentOf = async (code: string) =>
    (await app.orm.em.getConnection().execute<{ id: string }[]>(`select id from enrollment where share_code = ?`, [code]))[0]!.id;
  // Well under the share-link cache's 30 s TTL: what is seen within it came by notification.
  const soon = <T>(check: () => Promise<T>) => eventually(check, 3000);
  const listeners = () =>
    app.orm.em
      .getConnection()
      .execute<{ pid: number }[]>(`select pid from pg_stat_activity where datname = current_database() and application_name = ?`, [LISTENER_NAME]);
  /** The link is in `other`'s cache: what it answers next without a notification is stale. */
  const cachedInOther = async (code: string) => {
    expect(await followOn(other, code)).toBe(302);
    expect(other.services.traffic.shareCodes.peek(code)?.active).toBe(true);
  };

  beforeAll(async () => {
    app = await startTestApp({ CLICK_IP_SECRET: IP_SECRET, CLICK_FLUSH_MS: '20' });
    other = await createApp({ config: { ...app.config, port: 0 }, log: createLogger('silent') });
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
  });

  it("an operator's suspension in one process stops the link in the other at once; reactivating brings it back", async () => {
    const l = await approvedLink(app);
    await cachedInOther(l.code);
    const id = await enrollmentOf(l.code);
    expect((await app.gql(SET, { id, status: 'SUSPENDED' }, l.token)).data!.setEnrollmentStatus.status).toBe('SUSPENDED');
    await soon(async () => expect(await followOn(other, l.code)).toBe(404));
    await app.gql(SET, { id, status: 'ACTIVE' }, l.token);
    await soon(async () => expect(await followOn(other, l.code)).toBe(302));
  });

  it('a campaign paused in one process stops its links in the other', async () => {
    const l = await approvedLink(app);
    await cachedInOther(l.code);
    const r = await app.gql(
      `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { status } }`,
      {
        id: l.campaignId,
        input: { status: 'PAUSED' },
      },
      l.token,
    );
    expect(r.data!.updateCampaign.status).toBe('PAUSED');
    await soon(async () => expect(await followOn(other, l.code)).toBe(404));
  });

  it('a listener whose connection is killed listens again, and the other process hears changes as before', async () => {
    const before = (await listeners()).map((l) => l.pid);
    expect(before).toHaveLength(2);
    await app.orm.em
      .getConnection()
      .execute(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = ?`, [LISTENER_NAME]);
    await soon(async () => {
      const now = (await listeners()).map((l) => l.pid);
      expect(now).toHaveLength(2);
      expect(now.filter((pid) => before.includes(pid))).toEqual([]);
    });
    const l = await approvedLink(app);
    await cachedInOther(l.code);
    await app.gql(SET, { id: await enrollmentOf(l.code), status: 'SUSPENDED' }, l.token);
    await soon(async () => expect(await followOn(other, l.code)).toBe(404));
  });
});
