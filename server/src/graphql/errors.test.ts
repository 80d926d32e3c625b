import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { startTestApp, uniq, type TestApp } from '../test/harness.js';
import { counts, orderBody, postWebhook, program, type Program } from '../test/orders-fixtures.js';

const RECORD_ORDER = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { id } } }`;

/**
 * Input PostgreSQL cannot take is refused before it gets there, and an error nobody expected
 * reaches the caller masked (in development too) and the log once, without values.
 */
describe('bad input and internal errors', () => {
  let app: TestApp;
  let p: Program;
  let apiKey: string;
  const logged: Record<string, any>[] = [];
  const errors = () => logged.filter((line) => line.level >= 50);

  beforeAll(async () => {
    const log = createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) });
    app = await startTestApp({ NODE_ENV: 'development' }, undefined, { log });
    p = await program(app, { affiliates: 0 });
    apiKey = (await app.gql(`mutation { createApiKey(name: "store") { key } }`, {}, p.token)).data!.createApiKey.key;
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    logged.length = 0;
  });

  it('a \\u0000 escape inside a GraphQL string literal is BAD_USER_INPUT, writes nothing and logs nothing', async () => {
    const before = await counts(app, p.merchantId);
    const inline = `mutation { recordOrder(input: { id: "${uniq('ord_')}", amountMinor: 100, currency: "USD", occurredAt: "${new Date().toISOString()}", customerId: "a\\u0000b" }) { conversion { id } } }`;
    const r = await app.gql(inline, {}, apiKey);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([expect.objectContaining({ message: 'Text must not contain NUL characters', extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(await counts(app, p.merchantId)).toEqual(before);
    expect(errors()).toEqual([]);
  });

  it('JSON nested 5,000 levels deep is a 400 that writes nothing', async () => {
    const before = await counts(app, p.merchantId);
    const input = { id: uniq('ord_'), amountMinor: 100, currency: 'USD', occurredAt: new Date().toISOString() };
    const body = `{"query":${JSON.stringify(RECORD_ORDER)},"variables":{"input":${JSON.stringify(input)},"deep":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'JSON must not be nested deeper than 32 levels', extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(await counts(app, p.merchantId)).toEqual(before);
  });

  describe('an error the database raises, with a value in its message', () => {
    const secret = 'customer-secret-4242';
    const sql = (q: string) => app.orm.em.getConnection().execute(q);
    beforeAll(async () => {
      await sql(`create function refuse_order() returns trigger language plpgsql as $$
                 begin if new.customer_id like 'customer-secret%' then raise exception 'refused order of %', new.customer_id; end if; return new; end $$`);
      await sql(`create trigger refuse_order before insert on store_order for each row execute function refuse_order()`);
    });
    afterAll(async () => {
      await sql('drop trigger refuse_order on store_order');
      await sql('drop function refuse_order()');
    });

    /** One log line for the request: its id, the SQLSTATE and stack frames; no SQL, no values. */
    const expectOneValueFreeLine = (requestId: unknown) => {
      expect(errors()).toHaveLength(1);
      const [line] = errors();
      expect(line).toMatchObject({ requestId, msg: 'internal error', error: { code: 'P0001', routine: expect.any(String) } });
      expect(line!.error.frames.length).toBeGreaterThan(0);
      const text = JSON.stringify(line);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/insert into|store_order/i);
    };

    it('GraphQL: INTERNAL_SERVER_ERROR masked in development, with the request id the one log line carries', async () => {
      const r = await app.gql(
        RECORD_ORDER,
        { input: { id: uniq('ord_'), amountMinor: 100, currency: 'USD', occurredAt: new Date().toISOString(), customerId: secret } },
        apiKey,
      );
      expect(r.errors).toEqual([
        { message: 'Internal server error', path: ['recordOrder'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } },
      ]);
      expect(JSON.stringify(r)).not.toContain(secret);
      expectOneValueFreeLine(r.errors![0]!.extensions!.requestId);
    });

    it('the order webhook: 500 with the request id, the same single value-free log line', async () => {
      const r = await postWebhook(app, p, orderBody({ customerId: secret }));
      expect(r).toEqual({ status: 500, body: { error: 'Internal server error', requestId: expect.any(String) } });
      expectOneValueFreeLine(r.body.requestId);
    });
  });
});
