import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Merchant, OperatorRole } from '../auth/index.js';
import { Affiliate } from '../affiliates/index.js';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { Campaign } from './campaign.entity.js';

const CREATE = `mutation($input: CampaignInput!) {
  createCampaign(input: $input) {
    id name slug status currency destinationUrl applicationUrl attributionWindowDays holdDays minPayoutMinor payoutDayOfMonth
    commission { type rateBps amountMinor }
    intakeFields { key label type required options min max helpText }
  }
}`;

const validInput = (over: Record<string, unknown> = {}) => ({
  name: 'Creators',
  slug: uniq('creators-'),
  destinationUrl: 'https://shop.example.com/landing?x=1',
  currency: 'USD',
  commission: { type: 'PERCENTAGE', rateBps: 1250 },
  intakeFields: [
    { key: 'social_profile', label: 'Social profile', type: 'URL', required: true },
    { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, min: 0, max: 100000000 },
    { key: 'category', label: 'Category', type: 'SELECT', options: ['Tech', 'Food'] },
  ],
  ...over,
});

describe('campaigns', () => {
  let app: TestApp;
  let owner: { merchantId: string; token: string };

  beforeAll(async () => {
    app = await startTestApp();
    owner = await app.newMerchant();
  });
  afterAll(() => app?.close());

  const campaignCount = (merchantId: string) => app.emFor(merchantId).count(Campaign, {});

  it('an owner creates a campaign with intake fields and defaults', async () => {
    const input = validInput();
    const r = await app.gql(CREATE, { input }, owner.token);
    expect(r.errors).toBeUndefined();
    const c = r.data!.createCampaign;
    expect(c).toMatchObject({
      name: 'Creators',
      slug: input.slug,
      status: 'ACTIVE',
      currency: 'USD',
      attributionWindowDays: 30,
      holdDays: 30,
      minPayoutMinor: 0,
      payoutDayOfMonth: 1,
      commission: { type: 'PERCENTAGE', rateBps: 1250, amountMinor: null },
      applicationUrl: `${app.config.publicUrl}/portal/apply/${input.slug}`,
    });
    expect(c.intakeFields.map((f: { key: string }) => f.key)).toEqual(['social_profile', 'audience_size', 'category']);
    expect(c.intakeFields[2]).toMatchObject({ type: 'SELECT', options: ['Tech', 'Food'], required: false, min: null });
  });

  it('a logo is an https URL, a description has a limit, and empty values clear the brand and the logo', async () => {
    const input = validInput({ description: '  Earn 12.5% on every order.  ', brandName: 'Creators Club', logoUrl: 'https://cdn.example/logo.svg' });
    const created = await app.gql(
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id description brandName logoUrl } }`,
      { input },
      owner.token,
    );
    expect(created.data!.createCampaign).toMatchObject({
      description: 'Earn 12.5% on every order.',
      brandName: 'Creators Club',
      logoUrl: 'https://cdn.example/logo.svg',
    });
    const id = created.data!.createCampaign.id;
    const update = (input: Record<string, unknown>) =>
      app.gql(
        `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { description brandName logoUrl } }`,
        { id, input },
        owner.token,
      );
    for (const logoUrl of ['http://cdn.example/logo.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', '//cdn.example/logo.png']) {
      const r = await update({ logoUrl });
      expect(r.errors?.[0]?.extensions?.fieldErrors, logoUrl).toEqual({ logoUrl: 'must be an https:// URL' });
    }
    expect((await update({ description: 'x'.repeat(2001) })).errors?.[0]?.extensions?.fieldErrors).toEqual({ description: 'must be at most 2000 characters' });
    // Omitted fields stay; empty ones clear.
    expect((await update({ description: 'New words' })).data!.updateCampaign).toEqual({
      description: 'New words',
      brandName: 'Creators Club',
      logoUrl: 'https://cdn.example/logo.svg',
    });
    expect((await update({ brandName: '', logoUrl: '' })).data!.updateCampaign).toEqual({ description: 'New words', brandName: null, logoUrl: null });
  });

  it('anyone reads the public definition by slug without signing in', async () => {
    const input = validInput();
    await app.gql(CREATE, { input }, owner.token);
    const r = await app.gql(
      `query($s:String!){ publicCampaign(slug:$s){ name slug acceptingApplications intakeFields { key type required options min max } } }`,
      { s: input.slug },
    );
    expect(r.data!.publicCampaign).toMatchObject({ name: 'Creators', slug: input.slug, acceptingApplications: true });
    expect(r.data!.publicCampaign.intakeFields).toHaveLength(3);
    const missing = await app.gql(`{ publicCampaign(slug:"no-such-campaign"){ name } }`);
    expect(missing.data!.publicCampaign).toBeNull();
  });

  it('updates settings, and pausing stops the public form', async () => {
    const input = validInput();
    const { id } = (await app.gql(CREATE, { input }, owner.token)).data!.createCampaign;
    const r = await app.gql(
      `mutation($id:ID!,$input:CampaignUpdateInput!){ updateCampaign(id:$id,input:$input){ status holdDays commission { type amountMinor rateBps } } }`,
      { id, input: { status: 'PAUSED', holdDays: 7, commission: { type: 'FLAT', amountMinor: 500 } } },
      owner.token,
    );
    expect(r.data!.updateCampaign).toEqual({ status: 'PAUSED', holdDays: 7, commission: { type: 'FLAT', amountMinor: 500, rateBps: null } });
    const pub = await app.gql(`query($s:String!){ publicCampaign(slug:$s){ status acceptingApplications } }`, { s: input.slug });
    expect(pub.data!.publicCampaign).toEqual({ status: 'PAUSED', acceptingApplications: false });

    // A field sent as null is left as it is, as one left out.
    const nulls = await app.gql(
      `mutation($id:ID!,$input:CampaignUpdateInput!){ updateCampaign(id:$id,input:$input){ name holdDays description } }`,
      { id, input: { name: 'Renamed', holdDays: null, description: null, stripeCouponId: null } },
      owner.token,
    );
    expect(nulls.errors).toBeUndefined();
    expect(nulls.data!.updateCampaign).toEqual({ name: 'Renamed', holdDays: 7, description: '' });
  });

  describe('invalid definitions are refused with per-field errors and write nothing', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'duplicate field keys',
        {
          intakeFields: [
            { key: 'a', label: 'A', type: 'TEXT' },
            { key: 'a', label: 'B', type: 'TEXT' },
          ],
        },
        'intakeFields.1.key',
      ],
      ['SELECT without options', { intakeFields: [{ key: 'c', label: 'C', type: 'SELECT' }] }, 'intakeFields.0.options'],
      ['min greater than max', { intakeFields: [{ key: 'n', label: 'N', type: 'NUMBER', min: 10, max: 1 }] }, 'intakeFields.0.min'],
      ['negative attribution window', { attributionWindowDays: -1 }, 'attributionWindowDays'],
      ['negative hold', { holdDays: -5 }, 'holdDays'],
      ['unknown currency', { currency: 'XYZ' }, 'currency'],
      ['non-http destination', { destinationUrl: 'javascript:alert(1)' }, 'destinationUrl'],
      ['bad slug', { slug: 'Not A Slug' }, 'slug'],
      ['percentage without a rate', { commission: { type: 'PERCENTAGE' } }, 'commission.rateBps'],
      ['payout day 31', { payoutDayOfMonth: 31 }, 'payoutDayOfMonth'],
    ];
    it.each(cases)('%s', async (_name, over, field) => {
      const before = await campaignCount(owner.merchantId);
      const r = await app.gql(CREATE, { input: validInput(over) }, owner.token);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.fieldErrors?.[field]).toBeTruthy();
      expect(await campaignCount(owner.merchantId)).toBe(before);
    });

    it('a taken slug is a CONFLICT, even across merchants', async () => {
      const input = validInput();
      await app.gql(CREATE, { input }, owner.token);
      const other = await app.newMerchant();
      const r = await app.gql(CREATE, { input: validInput({ slug: input.slug }) }, other.token);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', fieldErrors: { slug: 'is already taken' } });
      expect(await campaignCount(other.merchantId)).toBe(0);
    });

    it("a campaign's currency cannot change; a malformed id is simply not found", async () => {
      const { id } = (await app.gql(CREATE, { input: validInput() }, owner.token)).data!.createCampaign;
      const r = await app.gql(`mutation($id:ID!){ updateCampaign(id:$id,input:{ currency:"EUR" }){ id } }`, { id }, owner.token);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { currency: expect.any(String) } });
      expect((await app.emFor(owner.merchantId).findOneOrFail(Campaign, { id })).currency).toBe('USD');
      const bad = await app.gql(`mutation { updateCampaign(id:"not-an-id",input:{ name:"x" }){ id } }`, {}, owner.token);
      expect(bad.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('text with a NUL character is refused at the edge', async () => {
      const before = await campaignCount(owner.merchantId);
      const r = await app.gql(CREATE, { input: validInput({ name: 'Bad\u0000name' }) }, owner.token);
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await campaignCount(owner.merchantId)).toBe(before);
    });

    it('an invalid update changes nothing', async () => {
      const { id } = (await app.gql(CREATE, { input: validInput() }, owner.token)).data!.createCampaign;
      const r = await app.gql(`mutation($id:ID!){ updateCampaign(id:$id,input:{ name:"Renamed", holdDays:-1 }){ id } }`, { id }, owner.token);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const stored = await app.emFor(owner.merchantId).findOneOrFail(Campaign, { id });
      expect(stored.name).toBe('Creators');
    });
  });

  describe('tenancy and roles', () => {
    it("another merchant's operator gets NOT_FOUND for the campaign, and cannot list it", async () => {
      const { id } = (await app.gql(CREATE, { input: validInput() }, owner.token)).data!.createCampaign;
      const other = await app.newMerchant();
      const read = await app.gql(`query($id:ID!){ campaign(id:$id){ id } }`, { id }, other.token);
      expect(read.data!.campaign).toBeNull();
      const write = await app.gql(`mutation($id:ID!){ updateCampaign(id:$id,input:{ name:"Hijack" }){ id } }`, { id }, other.token);
      expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const list = await app.gql(`{ campaigns(first: 100) { totalCount edges { node { id } } } }`, {}, other.token);
      expect(list.data!.campaigns).toEqual({ totalCount: 0, edges: [] });
    });

    it('an affiliate is FORBIDDEN from operator operations; anonymous is UNAUTHENTICATED', async () => {
      const em = app.emFor(owner.merchantId);
      const email = `${uniq('aff')}@example.test`;
      em.create(Affiliate, {
        merchant: em.getReference(Merchant, owner.merchantId),
        email,
        name: 'Aff',
        passwordHash: await app.services.auth.hashPassword('affiliate-pw'),
      });
      await em.flush();
      const signIn = await app.gql(`mutation($e:String!){ affiliateSignIn(email:$e,password:"affiliate-pw"){ token } }`, { e: email });
      const token = signIn.data!.affiliateSignIn.token;
      const r = await app.gql(CREATE, { input: validInput() }, token);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const list = await app.gql(`{ campaigns { totalCount } }`, {}, token);
      expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anon = await app.gql(`{ campaigns { totalCount } }`);
      expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('reviewers and finance read campaigns but only owners change them', async () => {
      const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
      const r = await app.gql(CREATE, { input: validInput() }, reviewer.token);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const finance = await app.newOperator(owner.merchantId, OperatorRole.FINANCE);
      const list = await app.gql(`{ campaigns { totalCount } }`, {}, finance.token);
      expect(list.data!.campaigns.totalCount).toBeGreaterThan(0);
    });
  });

  it('pages through campaigns with cursors, with a bounded number of SQL statements', async () => {
    const m = await app.newMerchant();
    const em = app.emFor(m.merchantId);
    for (let i = 0; i < 105; i++) {
      await app.services.campaigns.create(em, m.merchantId, validInput({ name: `C${i}` }));
    }
    const q = `query($after:String){ campaigns(first: 100, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id name applicationUrl commission { type rateBps } intakeFields { key options } merchant { id name } } }
    } }`;
    const page1 = await app.gql(q, {}, m.token);
    expect(page1.errors).toBeUndefined();
    expect(page1.data!.campaigns.edges).toHaveLength(100);
    expect(page1.data!.campaigns.totalCount).toBe(105);
    expect(page1.data!.campaigns.edges[0].node.name).toBe('C104');
    // session lookup, page, count, merchant loader: the same for 1 row or 100.
    expect(page1.statements).toBeLessThanOrEqual(4);
    const page2 = await app.gql(q, { after: page1.data!.campaigns.pageInfo.endCursor }, m.token);
    expect(page2.data!.campaigns.edges.map((e: any) => e.node.name)).toEqual(['C4', 'C3', 'C2', 'C1', 'C0']);
    expect(page2.data!.campaigns.pageInfo.hasNextPage).toBe(false);
    const bad = await app.gql(`{ campaigns(after: "garbage") { totalCount } }`, {}, m.token);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
