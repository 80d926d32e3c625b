import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, program, type Program } from '../../test/orders-fixtures.js';

const CREATE = `mutation($name: String!, $scopes: [ApiKeyScope!], $expiresAt: DateTime) {
  createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) { key apiKey { id name prefix scopes expiresAt lastUsedAt createdAt } }
}`;
const RECORD_ORDER = `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { conversion { id commissionId } } }`;

describe('API key scopes, expiry and last use', () => {
  let app: TestApp;
  let p: Program;
  let clock = new Date();
  const key = async (scopes?: string[], expiresAt?: string) => {
    const r = await app.gql(CREATE, { name: uniq('key'), scopes, expiresAt }, p.token);
    expect(r.errors).toBeUndefined();
    return r.data!.createApiKey as { key: string; apiKey: { id: string; scopes: string[]; expiresAt: string | null; lastUsedAt: string | null } };
  };
  const order = (token: string) => {
    const visitorId = uniq('v');
    return click(app, p, p.affiliates[0]!, { visitorId }).then(() =>
      app.gql(RECORD_ORDER, { i: { id: uniq('o'), amountMinor: 10_000, currency: 'USD', occurredAt: new Date().toISOString(), visitorId } }, token),
    );
  };
  const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    app = await startTestApp({}, () => clock);
    p = await program(app, { affiliates: 1 });
  });
  afterAll(() => app?.close());

  it("a key made by the contract's createApiKey(name) records orders and reads, but moves no money", async () => {
    const r = await app.gql(`mutation { createApiKey(name: "store") { key apiKey { id name prefix createdAt scopes } } }`, {}, p.token);
    expect(r.data!.createApiKey.apiKey.scopes).toEqual(['ORDERS', 'READ']);
    const k = r.data!.createApiKey.key;
    const recorded = await order(k);
    expect(recorded.errors).toBeUndefined();
    const commissionId = recorded.data!.recordOrder.conversion.commissionId;
    expect((await app.gql(`{ commissions { totalCount } }`, {}, k)).data!.commissions.totalCount).toBeGreaterThan(0);
    // The leak of issue 12: finalize past the hold, then build a batch. Both refused, nothing changes.
    expect(code(await app.gql(`mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`, { ids: [commissionId] }, k))).toBe(
      'FORBIDDEN',
    );
    expect(
      code(
        await app.gql(
          `mutation($i: CreatePayoutBatchInput!) { createPayoutBatch(input: $i) { id } }`,
          { i: { campaignId: p.campaign.id, period: '2026-11' } },
          k,
        ),
      ),
    ).toBe('FORBIDDEN');
    const [row] = await app.orm.em.fork().execute(`select status from commission where id = ?`, [commissionId]);
    expect(row?.status).toBe('PENDING');
    expect(await app.orm.em.fork().execute(`select id from payout_batch where merchant_id = ?`, [p.merchantId])).toHaveLength(0);
  });

  it('each scope admits its own operations only', async () => {
    const orders = (await key(['ORDERS'])).key;
    const read = (await key(['READ'])).key;
    const payouts = (await key(['PAYOUTS'])).key;
    const recorded = await order(orders);
    expect(recorded.errors).toBeUndefined();
    expect(code(await order(read))).toBe('FORBIDDEN');
    expect(code(await order(payouts))).toBe('FORBIDDEN');
    expect(code(await app.gql(`{ commissions { totalCount } }`, {}, orders))).toBe('FORBIDDEN');
    expect(code(await app.gql(`{ commissions { totalCount } }`, {}, payouts))).toBe('FORBIDDEN');
    const ids = [recorded.data!.recordOrder.conversion.commissionId];
    const finalize = `mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`;
    expect(code(await app.gql(finalize, { ids }, read))).toBe('FORBIDDEN');
    expect((await app.gql(finalize, { ids }, payouts)).data!.finalizeCommissions.finalizedCount).toBe(1);
    // No key manages keys or reads applicants' answers, whatever its scopes.
    const all = (await key(['ORDERS', 'READ', 'PAYOUTS'])).key;
    expect(code(await app.gql(CREATE, { name: 'minted' }, all))).toBe('FORBIDDEN');
    expect(code(await app.gql(`{ applications { edges { node { email answers { value } } } } }`, {}, all))).toBe('FORBIDDEN');
    expect(code(await app.gql(`query($id: ID!) { application(id: $id) { email } }`, { id: p.affiliates[0]!.id }, all))).toBe('FORBIDDEN');
  });

  it('an expired key is refused like a revoked one', async () => {
    const k = await key(['ORDERS', 'READ'], new Date(clock.getTime() + 3600_000).toISOString());
    expect((await app.gql(`{ campaigns { totalCount } }`, {}, k.key)).errors).toBeUndefined();
    clock = new Date(clock.getTime() + 3600_000);
    const expired = await app.gql(`{ campaigns { totalCount } }`, {}, k.key);
    const revoked = await key();
    await app.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: revoked.apiKey.id }, p.token);
    const afterRevoke = await app.gql(`{ campaigns { totalCount } }`, {}, revoked.key);
    expect(code(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors).toEqual(afterRevoke.errors);
  });

  it('records its last use to the minute, and the owner sees scopes, expiry and last use', async () => {
    const k = await key(['READ']);
    expect(k.apiKey.lastUsedAt).toBeNull();
    const first = clock;
    await app.gql(`{ campaigns { totalCount } }`, {}, k.key);
    clock = new Date(first.getTime() + 30_000);
    await app.gql(`{ campaigns { totalCount } }`, {}, k.key);
    const listed = async () =>
      ((await app.gql(`{ apiKeys { id scopes expiresAt lastUsedAt } }`, {}, p.token)).data!.apiKeys as any[]).find((x) => x.id === k.apiKey.id);
    expect(await listed()).toEqual({ id: k.apiKey.id, scopes: ['READ'], expiresAt: null, lastUsedAt: first.toISOString() });
    clock = new Date(first.getTime() + 61_000);
    await app.gql(`{ campaigns { totalCount } }`, {}, k.key);
    expect((await listed()).lastUsedAt).toBe(clock.toISOString());
  });

  it('refuses no scopes, an unknown scope and a past expiry, creating nothing', async () => {
    const before = (await app.gql(`{ apiKeys { id } }`, {}, p.token)).data!.apiKeys.length;
    const none = await app.gql(CREATE, { name: 'none', scopes: [] }, p.token);
    expect(none.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { scopes: expect.any(String) } });
    const past = await app.gql(CREATE, { name: 'past', expiresAt: new Date(clock.getTime() - 1000).toISOString() }, p.token);
    expect(past.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { expiresAt: 'must be in the future' } });
    expect((await app.gql(CREATE, { name: 'bad', scopes: ['ADMIN'] }, p.token)).errors).toBeDefined();
    expect((await app.gql(`{ apiKeys { id } }`, {}, p.token)).data!.apiKeys).toHaveLength(before);
  });
});
