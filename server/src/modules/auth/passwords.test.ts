import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../../graphql/roles.js';
import { sha256 } from './secrets.js';

const SIGN_IN = `mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token } }`;
const AFFILIATE_SIGN_IN = `mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`;
const REQUEST = `mutation($e:String!,$a:AccountApp!){ requestPasswordReset(email:$e, app:$a) }`;
const RESET = `mutation($t:String!,$p:String!){ resetPassword(token:$t, password:$p) }`;
const CHANGE = `mutation($c:String!,$p:String!){ changePassword(current:$c, password:$p) }`;
const ME = '{ currentUser { email } }';
const code = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code ?? 'OK';

describe('passwords', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({ SIGNIN_LIMIT_PER_EMAIL: '3' }, () => now);
  });
  afterAll(() => app?.close());

  const db = () => app.orm.em.fork();
  /** The token of the latest reset link mailed to `email` (from the outbox, as the e2e story reads it). */
  async function resetToken(email: string): Promise<string> {
    const [row] = await db().execute<{ text: string }[]>(
      `select text from mail_message where to_address = ? and kind = 'passwordReset' order by id desc limit 1`,
      [email],
    );
    const token = row?.text.match(/\/reset-password#(\S+)/)?.[1];
    if (!token) throw new Error(`no reset link was mailed to ${email}`);
    return token;
  }
  const mails = async (email: string) =>
    (await db().execute<{ n: number }[]>(`select count(*)::int as n from mail_message where to_address = ? and kind = 'passwordReset'`, [email]))[0]!.n;

  it('answers an unknown address exactly as a known one, with the same statements, and mails only the known one', async () => {
    const owner = await app.newMerchant();
    const unknown = `${uniq('nobody')}@example.test`;
    const known = await app.gql(REQUEST, { e: owner.email, a: 'ADMIN' });
    const stranger = await app.gql(REQUEST, { e: unknown, a: 'ADMIN' });
    expect(known.data).toEqual({ requestPasswordReset: true });
    expect(stranger.data).toEqual(known.data);
    expect(stranger.errors).toBeUndefined();
    expect(stranger.statements).toBe(known.statements);
    expect(await mails(owner.email)).toBe(1);
    expect(await mails(unknown)).toBe(0);
    // An operator's address has no portal account: asked of the portal, nothing is mailed either.
    expect((await app.gql(REQUEST, { e: owner.email, a: 'PORTAL' })).data).toEqual({ requestPasswordReset: true });
    expect(await mails(owner.email)).toBe(1);
  });

  it('stores only the hash of the token; the link resets once and ends every session of the account', async () => {
    const owner = await app.newMerchant();
    const colleague = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
    await app.gql(REQUEST, { e: owner.email, a: 'ADMIN' });
    const token = await resetToken(owner.email);
    const rows = await db().execute<{ token_hash: string }[]>(
      `select r.token_hash from password_reset r join operator o on o.id = r.operator_id where o.email = ?`,
      [owner.email],
    );
    expect(rows).toEqual([{ token_hash: sha256(token) }]);

    expect((await app.gql(RESET, { t: token, p: 'a brand new passphrase' })).data).toEqual({ resetPassword: true });
    expect(code(await app.gql(ME, {}, owner.token))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(ME, {}, colleague.token))).toBe('OK');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'a brand new passphrase' }))).toBe('OK');

    const again = await app.gql(RESET, { t: token, p: 'another new passphrase' });
    expect(code(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0]!.message).toMatch(/expired or was already used/);
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'a brand new passphrase' }))).toBe('OK');
  });

  it('refuses a link after an hour, and an unknown token, changing nothing', async () => {
    const owner = await app.newMerchant();
    await app.gql(REQUEST, { e: owner.email, a: 'ADMIN' });
    const token = await resetToken(owner.email);
    now = new Date(now.getTime() + 61 * 60_000);
    expect(code(await app.gql(RESET, { t: token, p: 'a brand new passphrase' }))).toBe('BAD_USER_INPUT');
    expect(code(await app.gql(RESET, { t: 'pwr_not-a-token', p: 'a brand new passphrase' }))).toBe('BAD_USER_INPUT');
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('OK');
  });

  it('refuses a weak password without using the link, and an invalid address without mailing', async () => {
    const owner = await app.newMerchant();
    await app.gql(REQUEST, { e: owner.email, a: 'ADMIN' });
    const token = await resetToken(owner.email);
    const weak = await app.gql(RESET, { t: token, p: 'password1' });
    expect(code(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors![0]!.extensions!.fieldErrors).toHaveProperty('password');
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
    expect((await app.gql(RESET, { t: token, p: 'a brand new passphrase' })).data).toEqual({ resetPassword: true });

    const invalid = await app.gql(REQUEST, { e: 'not-an-address', a: 'ADMIN' });
    expect(code(invalid)).toBe('BAD_USER_INPUT');
    expect(invalid.errors![0]!.extensions!.fieldErrors).toHaveProperty('email');
    expect(await mails('not-an-address')).toBe(0);
  });

  it('resets an affiliate from the portal link, ending their sessions; the affiliate changes it signed in', async () => {
    const owner = await app.newMerchant();
    const { email, token: session } = await app.newAffiliate(owner.token, 'ava-portal-password');
    expect((await app.gql(REQUEST, { e: email, a: 'ADMIN' })).data).toEqual({ requestPasswordReset: true });
    expect(await mails(email)).toBe(0);
    await app.gql(REQUEST, { e: email, a: 'PORTAL' });
    const token = await resetToken(email);
    expect(
      (await db().execute<{ text: string }[]>(`select text from mail_message where to_address = ? and kind = 'passwordReset'`, [email]))[0]!.text,
    ).toContain('/portal/reset-password#');
    expect((await app.gql(RESET, { t: token, p: 'ava new passphrase' })).data).toEqual({ resetPassword: true });
    expect(code(await app.gql('{ me { affiliate { email } } }', {}, session))).toBe('UNAUTHENTICATED');
    const signedIn = (await app.gql(AFFILIATE_SIGN_IN, { e: email, p: 'ava new passphrase' })).data!.affiliateSignIn.token as string;
    // And changes it in the portal, signed in.
    expect((await app.gql(CHANGE, { c: 'ava new passphrase', p: 'ava changed it again' }, signedIn)).data).toEqual({ changePassword: true });
    expect(code(await app.gql('{ me { affiliate { email } } }', {}, signedIn))).toBe('OK');
    expect(code(await app.gql(AFFILIATE_SIGN_IN, { e: email, p: 'ava changed it again' }))).toBe('OK');
  });

  it('is rate-limited per address like sign-in', async () => {
    const owner = await app.newMerchant();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(code(await app.gql(REQUEST, { e: owner.email, a: 'ADMIN' })));
    expect(answers.slice(0, 3)).toEqual(['OK', 'OK', 'OK']);
    expect(answers).toContain('RATE_LIMITED');
    const unknown = `${uniq('nobody')}@example.test`;
    const stranger = [];
    for (let i = 0; i < 5; i++) stranger.push(code(await app.gql(REQUEST, { e: unknown, a: 'ADMIN' })));
    expect(stranger).toEqual(answers);
  });

  it('changePassword proves the current password, ends the other sessions and keeps this one', async () => {
    const owner = await app.newMerchant();
    const phone = (await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' })).data!.signIn.token as string;
    const wrong = await app.gql(CHANGE, { c: 'not-my-password', p: 'a brand new passphrase' }, owner.token);
    expect(code(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0]!.extensions!.fieldErrors).toHaveProperty('current');
    expect(code(await app.gql(CHANGE, { c: 'owner-password', p: 'short' }, owner.token))).toBe('BAD_USER_INPUT');
    expect(code(await app.gql(ME, {}, phone))).toBe('OK');

    expect((await app.gql(CHANGE, { c: 'owner-password', p: 'a brand new passphrase' }, owner.token)).data).toEqual({ changePassword: true });
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
    expect(code(await app.gql(ME, {}, phone))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'a brand new passphrase' }))).toBe('OK');
    expect(code(await app.gql(CHANGE, { c: 'x', p: 'a brand new passphrase' }))).toBe('UNAUTHENTICATED');
    const key = (await app.gql(`mutation { createApiKey(name: "k") { key } }`, {}, owner.token)).data!.createApiKey.key as string;
    expect(code(await app.gql(CHANGE, { c: 'x', p: 'a brand new passphrase' }, key))).toBe('FORBIDDEN');
  });
});
