import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { Affiliate } from '../affiliates/index.js';
import { Merchant } from './merchant.entity.js';

const SIGN_IN = `mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token } }`;
const AFFILIATE_SIGN_IN = `mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`;
const code = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code ?? 'OK';

/** A sign-in over real HTTP, as sent by a proxy with this X-Forwarded-For. */
async function signInVia(app: TestApp, forwardedFor: string, email: string, password: string) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query: SIGN_IN, variables: { e: email, p: password } }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/**
 * A sign-in over real HTTP as a browser sends it, with the device cookie it holds (`device`:
 * `name=value`); returns the answer's code and the device cookie the answer set.
 */
async function browserSignIn(app: TestApp, query: string, email: string, password: string, device?: string) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(device ? { cookie: `theme=dark; ${device}` } : {}) },
    body: JSON.stringify({ query, variables: { e: email, p: password } }),
  });
  const setCookie = res.headers.getSetCookie().find((c) => /^sorae_(operator|affiliate)_device=/.test(c));
  return { code: code((await res.json()) as { errors?: any[] }), setCookie, device: setCookie?.split(';')[0] };
}

describe('progressive sign-in delays per email', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

  beforeAll(async () => {
    app = await startTestApp({ SIGNIN_LIMIT_PER_EMAIL: '3', SIGNIN_DELAY_MAX_SECONDS: '8' }, () => now);
  });
  afterAll(() => app?.close());

  it('after the free failures each attempt waits, doubling; the right password signs in once the wait is over', async () => {
    const owner = await app.newMerchant();
    for (let i = 0; i < 3; i++) expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    const limited = await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' });
    expect(limited.errors![0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(limited.errors![0]!.message).toMatch(/try again in 1 s/);
    // Attempts during the wait are answered at once and do not lengthen it.
    for (let i = 0; i < 5; i++) expect((await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' })).errors![0]!.extensions!.retryAfterSeconds).toBe(1);
    later(1);
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect((await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' })).errors![0]!.extensions!.retryAfterSeconds).toBe(2);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      later(60);
      expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
      waits.push((await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' })).errors![0]!.extensions!.retryAfterSeconds!);
    }
    expect(waits).toEqual([4, 8, 8, 8]);
    // Never a lock-out: the owner signs in as soon as the wait is over…
    later(8);
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('OK');
    // …and that forgets the email's failures.
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('OK');
  });

  it('an attempt without a wait sets none, even for a clock that is behind', async () => {
    const owner = await app.newMerchant();
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    const behind = now;
    now = new Date(now.getTime() - 5000);
    try {
      expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('OK');
    } finally {
      now = behind;
    }
  });

  it('concurrent guesses cannot slip past one check together', async () => {
    const owner = await app.newMerchant();
    const answers = await Promise.all(Array.from({ length: 12 }, () => app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' })));
    expect(answers.filter((r) => code(r) === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(answers.filter((r) => code(r) === 'RATE_LIMITED')).toHaveLength(9);
  });

  it('failures are forgotten after SIGNIN_LIMIT_WINDOW_SECONDS without one', async () => {
    const owner = await app.newMerchant();
    for (let i = 0; i < 3; i++) await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' });
    later(3600);
    for (let i = 0; i < 2; i++) expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('OK');
  });
});

describe('limits hold across server processes', () => {
  let one: TestApp;
  let two: TestApp;
  const now = new Date('2026-11-01T12:00:00Z');

  beforeAll(async () => {
    const env = { SIGNIN_LIMIT_PER_EMAIL: '4', SIGNIN_DELAY_MAX_SECONDS: '60' };
    one = await startTestApp(env, () => now);
    two = await startTestApp({ ...env, DATABASE_URL: one.config.databaseUrl! }, () => now);
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('failures on two instances add up, and the wait is enforced by both', async () => {
    const owner = await one.newMerchant();
    expect(code(await one.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await two.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await one.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await two.gql(SIGN_IN, { e: owner.email, p: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await one.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('RATE_LIMITED');
    expect(code(await two.gql(SIGN_IN, { e: owner.email, p: 'owner-password' }))).toBe('RATE_LIMITED');
  });

  it('a device cookie from one instance is known to the other, and its failures add up on both', async () => {
    const owner = await one.newMerchant();
    const { device } = await browserSignIn(one, SIGN_IN, owner.email, 'owner-password');
    for (const app of [one, two, one, two]) expect((await browserSignIn(app, SIGN_IN, owner.email, 'guess-password')).code).toBe('UNAUTHENTICATED');
    expect((await browserSignIn(one, SIGN_IN, owner.email, 'owner-password')).code).toBe('RATE_LIMITED');
    const signedIn = await browserSignIn(two, SIGN_IN, owner.email, 'owner-password', device);
    expect(signedIn.code).toBe('OK');
    for (const app of [two, one, two, one])
      expect((await browserSignIn(app, SIGN_IN, owner.email, 'mistyped-password', signedIn.device)).code).toBe('UNAUTHENTICATED');
    expect((await browserSignIn(two, SIGN_IN, owner.email, 'owner-password', signedIn.device)).code).toBe('RATE_LIMITED');
  });
});

describe('client addresses behind proxies (TRUST_PROXY)', () => {
  const env = { SIGNIN_LIMIT_PER_IP: '5', SIGNIN_DELAY_MAX_SECONDS: '60' };
  const now = new Date('2026-11-01T12:00:00Z');

  it('TRUST_PROXY=true takes the entry our proxy appended: spoofed entries to its left change nothing', async () => {
    const app = await startTestApp({ ...env, TRUST_PROXY: 'true' }, () => now);
    try {
      const answers = [];
      for (let i = 0; i < 40; i++) answers.push(code(await signInVia(app, `10.0.${i}.1, 203.0.113.9`, `${uniq('x')}@example.test`, 'wrong-password')));
      expect(answers.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(35);
      // Another client behind the same proxy is not held up by that one.
      expect(code(await signInVia(app, '203.0.113.10', `${uniq('x')}@example.test`, 'wrong-password'))).toBe('UNAUTHENTICATED');
    } finally {
      await app.close();
    }
  });

  it('TRUST_PROXY=2 counts two proxies from the right', async () => {
    const app = await startTestApp({ ...env, TRUST_PROXY: '2' }, () => now);
    try {
      const answers = [];
      for (let i = 0; i < 10; i++)
        answers.push(code(await signInVia(app, `10.0.${i}.1, 198.51.100.7, 10.1.1.1`, `${uniq('x')}@example.test`, 'wrong-password')));
      expect(answers).toEqual([...Array(5).fill('UNAUTHENTICATED'), ...Array(5).fill('RATE_LIMITED')]);
      expect(code(await signInVia(app, '198.51.100.8, 10.1.1.1', `${uniq('x')}@example.test`, 'wrong-password'))).toBe('UNAUTHENTICATED');
    } finally {
      await app.close();
    }
  });
});

describe('applying with an email that has an account', () => {
  let app: TestApp;
  let slug: string;
  let other: string;
  const now = new Date('2026-11-01T12:00:00Z');
  const SUBMIT = `mutation($i:SubmitApplicationInput!){ submitApplication(input:$i){ id status email name submittedAt answers { key } campaign { id name } enrollment { shareCode } } }`;
  const submit = (email: string, password: string, campaignSlug = slug) =>
    app.gql(SUBMIT, { i: { campaignSlug, email, name: 'Applicant', password, answers: [] } });
  const CONFIRM = `mutation($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { passwordRequired } }`;

  beforeAll(async () => {
    app = await startTestApp({ SIGNIN_LIMIT_PER_EMAIL: '3', SIGNIN_DELAY_MAX_SECONDS: '60', APPLY_LIMIT_PER_EMAIL: '4' }, () => now);
    const owner = await app.newMerchant();
    const slugs: string[] = [];
    for (const s of [uniq('first'), uniq('second')]) {
      const r = await app.gql(
        `mutation($i:CampaignInput!){ createCampaign(input:$i){ slug } }`,
        { i: { name: 'Program', slug: s, destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'FLAT', amountMinor: 100 } } },
        owner.token,
      );
      slugs.push(r.data!.createCampaign.slug);
    }
    [slug, other] = slugs as [string, string];
  });
  afterAll(() => app?.close());

  /** What an applicant or a prober sees of an answer, less what differs by design (the id, the email, the time). */
  const seen = (r: Awaited<ReturnType<typeof submit>>) => ({
    errors: r.errors,
    status: r.status,
    cookie: r.headers.get('set-cookie'),
    statements: r.statements,
    data: { ...r.data!.submitApplication, id: typeof r.data!.submitApplication.id, email: undefined, submittedAt: undefined },
  });

  it('answers an email with an account exactly as a new one, whatever the password: recorded, nobody signed in', async () => {
    const member = `${uniq('maya')}@creators.example`;
    expect(code(await submit(member, 'maya-portal-password', other))).toBe('OK');
    await app.confirmApplication(member);

    const newcomer = await submit(`${uniq('new')}@creators.example`, 'new-portal-password');
    const wrongPassword = await submit(member, 'not-her-password');
    const rightPassword = await submit(`${member.toUpperCase()}`, 'maya-portal-password');
    // Applying again to the campaign it applied to (a conflict only the account's owner learns, from the link).
    const again = await submit(member, 'not-her-password', other);
    expect(seen(wrongPassword)).toEqual(seen(newcomer));
    expect(seen(rightPassword)).toEqual(seen(newcomer));
    expect({ ...seen(again), data: { ...seen(again).data, campaign: undefined } }).toEqual({
      ...seen(newcomer),
      data: { ...seen(newcomer).data, campaign: undefined },
    });
    expect(seen(newcomer)).toMatchObject({ errors: undefined, cookie: null, data: { status: 'SUBMITTED', enrollment: null } });
  });

  it("the account's password, asked at confirmation, counts against the email like a sign-in", async () => {
    const email = `${uniq('ben')}@creators.example`;
    expect(code(await submit(email, 'ben-portal-password', other))).toBe('OK');
    await app.confirmApplication(email);
    expect(code(await submit(email, 'whatever-password-1'))).toBe('OK');
    const t = await app.confirmationToken(email);
    expect(code(await app.gql(CONFIRM, { t, p: 'not-his-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(AFFILIATE_SIGN_IN, { e: email, p: 'not-his-password' }))).toBe('UNAUTHENTICATED');
    expect(code(await app.gql(CONFIRM, { t, p: 'not-his-password' }))).toBe('UNAUTHENTICATED');
    const limited = await app.gql(CONFIRM, { t, p: 'ben-portal-password' });
    expect(limited.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(code(await app.gql(AFFILIATE_SIGN_IN, { e: email, p: 'ben-portal-password' }))).toBe('RATE_LIMITED');
  });

  it('an email gets at most APPLY_LIMIT_PER_EMAIL submissions (each one a confirmation email) an hour', async () => {
    for (const email of [`${uniq('flood')}@creators.example`, `${uniq('flood')}@creators.example`]) {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(code(await submit(email, 'flood-portal-password', i % 2 ? other : slug)));
      expect(answers).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    }
  });
});

describe('known devices (device cookies)', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');
  const attack = async (email: string, query = SIGN_IN) => {
    for (let i = 0; i < 3; i++) expect((await browserSignIn(app, query, email, 'guess-password')).code).toBe('UNAUTHENTICATED');
    expect((await browserSignIn(app, query, email, 'guess-password')).code).toBe('RATE_LIMITED');
  };

  beforeAll(async () => {
    app = await startTestApp({ SIGNIN_LIMIT_PER_EMAIL: '3', SIGNIN_DELAY_MAX_SECONDS: '60' }, () => now);
  });
  afterAll(() => app?.close());

  it('an operator on a device that signed in before signs in at once while an attacker guessing the email waits', async () => {
    const owner = await app.newMerchant();
    const laptop = await browserSignIn(app, SIGN_IN, owner.email, 'owner-password');
    expect(laptop.setCookie).toMatch(/^sorae_operator_device=[\w-]{22}\.[\w-]{43}; Path=\/graphql; Max-Age=15552000; SameSite=Strict; HttpOnly$/);
    await attack(owner.email);
    // Without the device cookie the owner waits like the attacker…
    expect((await browserSignIn(app, SIGN_IN, owner.email, 'owner-password')).code).toBe('RATE_LIMITED');
    // …with it, the right password signs in at once, and the browser gets a new device cookie.
    const again = await browserSignIn(app, SIGN_IN, owner.email, 'owner-password', laptop.device);
    expect(again.code).toBe('OK');
    expect(again.device).toMatch(/^sorae_operator_device=/);
    expect(again.device).not.toBe(laptop.device);
    // The owner's sign-in forgets nothing of the attacker's failures.
    expect((await browserSignIn(app, SIGN_IN, owner.email, 'guess-password')).code).toBe('RATE_LIMITED');
    expect((await browserSignIn(app, SIGN_IN, owner.email, 'owner-password', again.device)).code).toBe('OK');
  });

  it('an affiliate on a known device likewise', async () => {
    const owner = await app.newMerchant();
    const email = `${uniq('maya')}@creators.example`;
    const em = app.orm.em.fork();
    em.create(Affiliate, {
      merchant: em.getReference(Merchant, owner.merchantId),
      email,
      name: 'Maya',
      passwordHash: await app.services.auth.hashPassword('maya-portal-password'),
    });
    await em.flush();
    const phone = await browserSignIn(app, AFFILIATE_SIGN_IN, email, 'maya-portal-password');
    expect(phone.device).toMatch(/^sorae_affiliate_device=/);
    await attack(email, AFFILIATE_SIGN_IN);
    expect((await browserSignIn(app, AFFILIATE_SIGN_IN, email, 'maya-portal-password', phone.device)).code).toBe('OK');
    // An operator's device cookie is no affiliate's, even under the affiliate cookie's name.
    const operator = await browserSignIn(app, SIGN_IN, (await app.newMerchant()).email, 'owner-password');
    const relabelled = operator.device!.replace('sorae_operator_device', 'sorae_affiliate_device');
    expect((await browserSignIn(app, AFFILIATE_SIGN_IN, email, 'maya-portal-password', relabelled)).code).toBe('RATE_LIMITED');
  });

  it("a forged, altered or another account's device cookie gets the attacker nothing", async () => {
    const victim = await app.newMerchant();
    const attacker = await app.newMerchant();
    const own = await browserSignIn(app, SIGN_IN, attacker.email, 'owner-password');
    await attack(victim.email);
    const [name, value] = own.device!.split('=') as [string, string];
    const [id, mac] = value.split('.') as [string, string];
    const forged = `${name}=${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const altered = `${name}=${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${mac}`;
    for (const device of [own.device, forged, altered]) {
      expect((await browserSignIn(app, SIGN_IN, victim.email, 'guess-password', device)).code).toBe('RATE_LIMITED');
      expect((await browserSignIn(app, SIGN_IN, victim.email, 'owner-password', device)).code).toBe('RATE_LIMITED');
    }
  });

  it('a known device that fails too often waits in turn, and signs in once the wait is over', async () => {
    const owner = await app.newMerchant();
    const { device } = await browserSignIn(app, SIGN_IN, owner.email, 'owner-password');
    for (let i = 0; i < 3; i++) expect((await browserSignIn(app, SIGN_IN, owner.email, 'mistyped-password', device)).code).toBe('UNAUTHENTICATED');
    expect((await browserSignIn(app, SIGN_IN, owner.email, 'owner-password', device)).code).toBe('RATE_LIMITED');
    now = new Date(now.getTime() + 1000);
    expect((await browserSignIn(app, SIGN_IN, owner.email, 'owner-password', device)).code).toBe('OK');
  });
});
