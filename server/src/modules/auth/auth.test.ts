import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../../graphql/roles.js';
import { Session } from './session.entity.js';
import { UNSCOPED } from '../tenancy.js';

const SIGN_IN = `mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token user { email role merchant { id name } } } }`;

describe('operator sign-in and sessions', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');
  let owner: Awaited<ReturnType<TestApp['newMerchant']>>;

  beforeAll(async () => {
    app = await startTestApp({ SESSION_TTL_HOURS: '1' }, () => now);
    owner = await app.newMerchant('Acme');
  });
  afterAll(() => app?.close());

  it('signs in with the right password and returns the operator and merchant', async () => {
    const r = await app.gql(SIGN_IN, { e: owner.email.toUpperCase(), p: 'owner-password' });
    expect(r.data!.signIn.user).toEqual({ email: owner.email, role: 'OWNER', merchant: { id: owner.merchantId, name: 'Acme' } });
    expect(r.data!.signIn.token).toMatch(/^ses_/);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sorae_operator=ses_/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });

  it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
    const wrong = await app.gql(SIGN_IN, { e: owner.email, p: 'not-the-password' });
    const unknown = await app.gql(SIGN_IN, { e: 'nobody@example.test', p: 'not-the-password' });
    expect(wrong.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  it('refuses a malformed email with a field error', async () => {
    const r = await app.gql(SIGN_IN, { e: 'not-an-email', p: 'x' });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { email: expect.any(String) } });
  });

  it('accepts the session cookie instead of a bearer token, and signing out ends the session', async () => {
    const r = await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' });
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const viaCookie = async () => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-sorae-audience': 'admin' },
        body: JSON.stringify({ query: '{ currentUser { email } }' }),
      });
      return (await res.json()) as any;
    };
    expect((await viaCookie()).data.currentUser.email).toBe(owner.email);
    const out = await app.gql('mutation { signOut }', {}, r.data!.signIn.token);
    expect(out.data!.signOut).toBe(true);
    expect((await viaCookie()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('stores only a hash of the token, and an expired session is refused', async () => {
    const r = await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' });
    const token = r.data!.signIn.token as string;
    const sessions = await app.orm.em.fork().find(Session, {}, UNSCOPED);
    expect(sessions.some((s) => s.tokenHash === token)).toBe(false);
    expect((await app.gql('{ currentUser { email } }', {}, token)).data!.currentUser.email).toBe(owner.email);
    now = new Date(now.getTime() + 2 * 3600_000);
    expect((await app.gql('{ currentUser { email } }', {}, token)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('API keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('an owner creates a key shown once; it authenticates as the merchant until revoked', async () => {
    const owner = await app.newMerchant();
    const created = await app.gql(`mutation { createApiKey(name: "Store backend") { key apiKey { id name prefix } } }`, {}, owner.token);
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).toMatch(/^sk_sorae_/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const list = await app.gql(`{ apiKeys { id name prefix } }`, {}, owner.token);
    expect(JSON.stringify(list.data)).not.toContain(key);
    expect((await app.gql(`{ campaigns { totalCount } }`, {}, key)).data!.campaigns.totalCount).toBe(0);
    // Integrations record orders and read: a key cannot change campaigns or review applications…
    const create = await app.gql(
      `mutation { createCampaign(input: { name: "X", slug: "key-made", destinationUrl: "https://x.example/", currency: "USD", commission: { type: FLAT, amountMinor: 1 } }) { id } }`,
      {},
      key,
    );
    expect(create.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    // …nor mint more keys.
    expect((await app.gql(`mutation { createApiKey(name: "x") { key } }`, {}, key)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    await app.gql(`mutation($id:ID!){ revokeApiKey(id:$id){ revokedAt } }`, { id: apiKey.id }, owner.token);
    expect((await app.gql(`{ campaigns { totalCount } }`, {}, key)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('only owners manage keys; a blank name is refused', async () => {
    const owner = await app.newMerchant();
    const finance = await app.newOperator(owner.merchantId, OperatorRole.FINANCE);
    expect((await app.gql(`mutation { createApiKey(name: "x") { key } }`, {}, finance.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const blank = await app.gql(`mutation { createApiKey(name: "  ") { key } }`, {}, owner.token);
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { name: 'is required' } });
  });

  it('malformed ids are refused cleanly', async () => {
    const owner = await app.newMerchant();
    expect((await app.gql(`mutation { revokeApiKey(id: "nope") { id } }`, {}, owner.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const r = await app.gql(`mutation { affiliateSignIn(email: "a@example.test", password: "x", merchantId: "nope") { token } }`);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { merchantId: expect.any(String) } });
  });

  it("another merchant's owner cannot revoke a key (NOT_FOUND)", async () => {
    const a = await app.newMerchant();
    const b = await app.newMerchant();
    const { apiKey } = (await app.gql(`mutation { createApiKey(name: "k") { key apiKey { id } } }`, {}, a.token)).data!.createApiKey;
    const r = await app.gql(`mutation($id:ID!){ revokeApiKey(id:$id){ id } }`, { id: apiKey.id }, b.token);
    expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});
