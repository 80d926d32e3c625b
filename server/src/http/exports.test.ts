import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXPORT_BATCH } from '../db/pagination.js';
import { startTestApp, type TestApp } from '../test/harness.js';
import { program, type Program } from '../test/orders-fixtures.js';
import { OperatorRole } from '../modules/auth/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const LARGE = 50_000;

/** `n` commissions of one affiliate, with their orders and conversions, in one statement. */
async function seedCommissions(app: TestApp, p: Program, affiliate: Program['affiliates'][number], n: number, status = 'PENDING') {
  await app.orm.em.fork().execute(
    `with g as (select i, gen_random_uuid() as oid, gen_random_uuid() as vid from generate_series(1, ?::int) i),
          o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, created_at)
                select oid, ?, ? || i, 10000, 'USD', now(), now() from g),
          v as (insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency, enrollment_id, affiliate_id, campaign_id, explanation, created_at)
                select vid, ?, oid, ? || i, 'AFFILIATE', now(), 10000, 'USD', ?, ?, ?, '{}'::jsonb, now() from g)
     insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status, created_at)
     select gen_random_uuid(), ?, vid, ?, ?, ?, 'USD', 1000, 1000, ?::commission_status, now() from g`,
    [
      n,
      p.merchantId,
      `${affiliate.id}-`,
      p.merchantId,
      `${affiliate.id}-`,
      affiliate.enrollmentId,
      affiliate.id,
      p.campaign.id,
      p.merchantId,
      affiliate.enrollmentId,
      affiliate.id,
      p.campaign.id,
      status,
    ],
  );
}

/** A CSV file as records of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  const cell = /"((?:[^"]|"")*)"|([^",\r\n]*)/y;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    cell.lastIndex = i;
    const m = cell.exec(text)!;
    record.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    i = cell.lastIndex;
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`malformed CSV at ${i}`);
  }
  return records;
}

describe('CSV exports (GET /exports/<list>.csv)', () => {
  let app: TestApp;
  let p: Program;
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 2 });
    await seedCommissions(app, p, p.affiliates[0]!, LARGE);
    await seedCommissions(app, p, p.affiliates[1]!, 3, 'FINALIZED');
    // As autovacuum would after a bulk load: without statistics the planner takes 50,000 rows for 1.
    await app.orm.em.fork().execute('analyze commission, conversion, store_order');
    // An affiliate chooses their own name: one a spreadsheet would run, with a comma, quotes and a line break.
    await app.orm.em
      .fork()
      .execute(`update affiliate set name = ? where id = ?`, ['=HYPERLINK("https://evil.example","Bonus"), "VIP"\nline', p.affiliates[1]!.id]);
  }, 120_000);
  afterAll(() => app?.close());

  it('streams 50,000 filtered commissions as the client reads, with bounded memory', async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let chunks = 0;
    let records = 0;
    let bytes = 0;
    let tail = '';
    const res = await get(`/exports/commissions.csv?affiliateId=${p.affiliates[0]!.id}&campaignId=${p.campaign.id}`, p.token);
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      bytes += chunk.byteLength;
      const text = tail + decoder.decode(chunk, { stream: true });
      const lines = text.split('\r\n');
      tail = lines.pop()!;
      records += lines.length;
      // What the export holds while it runs (garbage collected first, every 20 chunks).
      if (++chunks % 20 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    expect(tail).toBe('');
    expect(records).toBe(LARGE + 1);
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(
      `exported ${LARGE} commissions (${(bytes / 2 ** 20).toFixed(1)} MB of CSV in ${chunks} chunks): live heap grew at most ${growthMb.toFixed(1)} MB`,
    );
    // The file alone is about 14 MB as bytes, and its rows as objects several times more.
    expect(chunks).toBeGreaterThan(50);
    expect(growthMb).toBeLessThan(5);
  }, 120_000);

  it('reads no further batch while the client is not reading', async () => {
    const filtered = vi.spyOn(app.services.commissions, 'filtered');
    try {
      const res = await get(`/exports/commissions.csv?affiliateId=${p.affiliates[0]!.id}`, p.token);
      const reader = res.body!.getReader();
      await reader.read();
      await new Promise((r) => setTimeout(r, 1_000));
      const whilePaused = filtered.mock.calls.length;
      console.log(`batches read while the client paused: ${whilePaused} of ${Math.ceil(LARGE / EXPORT_BATCH) + 1}`);
      // Socket buffers hold a few batches; a server that read it all would be at 51.
      expect(whilePaused).toBeLessThan(LARGE / EXPORT_BATCH / 2);
      await reader.cancel();
    } finally {
      filtered.mockRestore();
    }
  }, 60_000);

  it('escapes quotes, commas and line breaks, defuses formulas, and names the file with the date', async () => {
    const res = await get(`/exports/commissions.csv?affiliateId=${p.affiliates[1]!.id}&status=FINALIZED`, p.token);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="commissions-${new Date().toISOString().slice(0, 10)}.csv"`);
    // TextDecoder (and so res.text()) drops a BOM: read the bytes.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFFcommission_id,created_at,status,affiliate_id,affiliate_name,affiliate_email,')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example"",""Bonus""), ""VIP""\nline"`);
    const [header, ...rows] = parseCsv(text);
    expect(rows).toHaveLength(3);
    const row = Object.fromEntries(header!.map((h, i) => [h, rows[0]![i]]));
    expect(row).toMatchObject({
      status: 'FINALIZED',
      affiliate_id: p.affiliates[1]!.id,
      affiliate_name: `'=HYPERLINK("https://evil.example","Bonus"), "VIP"\nline`,
      affiliate_email: p.affiliates[1]!.email,
      campaign_id: p.campaign.id,
      campaign_name: 'Creators',
      currency: 'USD',
      amount_minor: '1000',
    });
  });

  it('refuses a bad filter with 400 and a message, before sending anything', async () => {
    for (const [query, field, message] of [
      ['status=LOST', 'status', /Invalid option/i],
      ['campaignId=nope', 'campaignId', /is not a campaign id/],
      ['sort=id', 'sort', /is not a filter of this list/],
    ] as const) {
      const res = await get(`/exports/commissions.csv?${query}`, p.token);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: string; fieldErrors: Record<string, string> };
      expect(body.fieldErrors[field]).toMatch(message);
      expect(body.error).toContain(field);
    }
  });

  it("follows the lists' roles: money only for FINANCE, OWNER and reading keys; applicants only for operators", async () => {
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    const finance = await app.newOperator(p.merchantId, OperatorRole.FINANCE);
    const readKey = (await app.gql(`mutation { createApiKey(name: "reports", scopes: [READ]) { key } }`, {}, p.token)).data!.createApiKey.key as string;
    const ordersKey = (await app.gql(`mutation { createApiKey(name: "store", scopes: [ORDERS]) { key } }`, {}, p.token)).data!.createApiKey.key as string;
    const status = async (list: string, token?: string) =>
      (
        await get(
          `/exports/${list}.csv?status=${list === 'affiliates' ? 'ACTIVE' : 'APPROVED'}`.replace(
            'commissions.csv?status=APPROVED',
            'commissions.csv?status=FINALIZED',
          ),
          token,
        )
      ).status;
    expect(await status('commissions')).toBe(401);
    expect(await status('commissions', reviewer.token)).toBe(403);
    expect(await status('commissions', finance.token)).toBe(200);
    expect(await status('commissions', readKey)).toBe(200);
    expect(await status('commissions', ordersKey)).toBe(403);
    expect(await status('commissions', p.affiliates[0]!.token)).toBe(403);
    expect(await status('affiliates', reviewer.token)).toBe(200);
    expect(await status('affiliates', readKey)).toBe(200);
    expect(await status('applications', reviewer.token)).toBe(200);
    expect(await status('applications', readKey)).toBe(403);
    // The admin app's download carries the session cookie, not a bearer token.
    const byCookie = await get(`/exports/commissions.csv?status=FINALIZED`, undefined, { cookie: `sorae_operator=${finance.token}` });
    expect(byCookie.status).toBe(200);
    expect(parseCsv(await byCookie.text())).toHaveLength(4);
  });

  it("exports the affiliates and applications lists under their filters, and never another merchant's rows", async () => {
    const affiliates = parseCsv(
      await (await get(`/exports/affiliates.csv?search=${encodeURIComponent(p.affiliates[0]!.email.toUpperCase())}`, p.token)).text(),
    );
    expect(affiliates).toEqual([
      ['affiliate_id', 'name', 'email', 'joined_at', 'campaigns'],
      [p.affiliates[0]!.id, 'Affiliate 0', p.affiliates[0]!.email, expect.any(String), 'Creators (ACTIVE)'],
    ]);
    const applications = parseCsv(
      await (await get(`/exports/applications.csv?campaignId=${p.campaign.id}&status=APPROVED&search=${p.affiliates[1]!.email}`, p.token)).text(),
    );
    expect(applications).toHaveLength(2);
    expect(applications[1]).toEqual([
      expect.any(String),
      expect.any(String),
      'APPROVED',
      p.campaign.id,
      'Creators',
      'Affiliate 1',
      p.affiliates[1]!.email,
      expect.any(String),
      '',
      '{}',
    ]);

    const other = await app.newMerchant();
    for (const list of ['commissions', 'affiliates', 'applications']) {
      const rows = parseCsv(await (await get(`/exports/${list}.csv?campaignId=${p.campaign.id}`, other.token)).text());
      expect(rows).toHaveLength(1);
    }
    expect(parseCsv(await (await get(`/exports/commissions.csv`, other.token)).text())).toHaveLength(1);
  });
});
