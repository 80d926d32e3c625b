import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../../graphql/roles.js';

const SIGN_IN = `mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token } }`;
const ME = '{ currentUser { email } }';
const code = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code ?? 'OK';

describe('sessions', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');
  const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

  beforeAll(async () => {
    app = await startTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_TTL_HOURS: '24' }, () => now);
  });
  afterAll(() => app?.close());

  it('end after SESSION_IDLE_MINUTES without use; each use slides the idle clock', async () => {
    const owner = await app.newMerchant();
    later(20);
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
    later(20);
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
    later(31);
    expect(code(await app.gql(ME, {}, owner.token))).toBe('UNAUTHENTICATED');
  });

  it('write their last use at most once a minute', async () => {
    const owner = await app.newMerchant();
    later(2);
    const first = await app.gql(ME, {}, owner.token);
    const again = await app.gql(ME, {}, owner.token);
    expect(first.statements).toBe(again.statements + 1);
  });

  it('still end at SESSION_TTL_HOURS however busy', async () => {
    const owner = await app.newMerchant();
    for (let i = 0; i < 24 * 3; i++) {
      later(20);
      if (code(await app.gql(ME, {}, owner.token)) !== 'OK') break;
    }
    expect(code(await app.gql(ME, {}, owner.token))).toBe('UNAUTHENTICATED');
  });

  it("signOutEverywhere ends every session of the operator's account, and no one else's", async () => {
    const owner = await app.newMerchant();
    const laptop = owner.token;
    const phone = (await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' })).data!.signIn.token as string;
    const colleague = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
    const out = await app.gql('mutation { signOutEverywhere }', {}, phone);
    expect(out.data!.signOutEverywhere).toBe(true);
    expect(out.headers.get('set-cookie')).toMatch(/^sorae_operator=;/);
    expect(code(await app.gql(ME, {}, laptop))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(ME, {}, phone))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(ME, {}, colleague.token))).toBe('OK');
  });

  it('signOutEverywhere ends every session of an affiliate, and refuses API keys and anonymous callers', async () => {
    const owner = await app.newMerchant();
    const { email } = await app.newAffiliate(owner.token, 'ava-portal-password');
    const signIn = () => app.gql(`mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`, { e: email, p: 'ava-portal-password' });
    const a = (await signIn()).data!.affiliateSignIn.token as string;
    const b = (await signIn()).data!.affiliateSignIn.token as string;
    expect((await app.gql('mutation { signOutEverywhere }', {}, a)).data!.signOutEverywhere).toBe(true);
    expect(code(await app.gql('{ me { affiliate { email } } }', {}, b))).toBe('UNAUTHENTICATED');
    const key = (await app.gql(`mutation { createApiKey(name: "k") { key } }`, {}, owner.token)).data!.createApiKey.key as string;
    expect(code(await app.gql('mutation { signOutEverywhere }', {}, key))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql('mutation { signOutEverywhere }'))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(ME, {}, owner.token))).toBe('OK');
  });
});

describe('new passwords', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it.each([
    ['shorter than 12 characters', 'short-pw-1', /at least 12 characters/],
    ['common', 'qwertyuiop123', /too common/],
    ['a common one padded', 'Password2026!!', /too common/],
    ['a piece repeated', 'abcabcabcabc', /too common/],
  ])('%s is refused for an applicant, an operator and the first owner, creating nothing', async (_name, password, message) => {
    const owner = await app.newMerchant();
    const slug = uniq('c');
    await app.gql(
      `mutation($i:CampaignInput!){ createCampaign(input:$i){ id } }`,
      { i: { name: slug, slug, destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'FLAT', amountMinor: 100 } } },
      owner.token,
    );
    const email = `${uniq('new')}@creators.example`;
    const r = await app.gql(`mutation($i:SubmitApplicationInput!){ submitApplication(input:$i){ id } }`, {
      i: { campaignSlug: slug, email, name: 'New', password, answers: [] },
    });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { password: expect.stringMatching(message) } });
    expect(await app.orm.em.fork().getConnection().execute(`select 1 from affiliate where email = ?`, [email])).toHaveLength(0);
    await expect(
      app.services.auth.addOperator(app.orm.em.fork(), owner.merchantId, {
        email: `${uniq('op')}@example.test`,
        name: 'Op',
        password,
        role: OperatorRole.REVIEWER,
      }),
    ).rejects.toThrow(message);
    await expect(
      app.services.auth.createMerchant(app.orm.em.fork(), { merchantName: 'M', email: `${uniq('o')}@example.test`, password, name: 'Owner' }),
    ).rejects.toThrow(message);
  });

  it('a long uncommon password is accepted', async () => {
    const owner = await app.newMerchant();
    await expect(
      app.services.auth.addOperator(app.orm.em.fork(), owner.merchantId, {
        email: `${uniq('op')}@example.test`,
        name: 'Op',
        password: 'lantern-orchid-basalt',
        role: OperatorRole.REVIEWER,
      }),
    ).resolves.toBeTruthy();
  });
});
