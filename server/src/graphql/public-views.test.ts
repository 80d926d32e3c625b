// What applicants and affiliates see of things that are not theirs: a campaign's terms after
// applying, and a rival's touch in the explanation of their own conversion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../test/harness.js';
import { click, program, type Program } from '../test/orders-fixtures.js';

const APPLY = (selection: string) => `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id campaign { ${selection} } } }`;

describe('applicants and affiliates see only their own', () => {
  let app: TestApp;
  let p: Program;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 2 });
    slug = (await app.gql(`query($id: ID!) { campaign(id: $id) { slug } }`, { id: p.campaign.id }, p.token)).data!.campaign.slug;
  });
  afterAll(() => app?.close());

  const applicant = () => ({ campaignSlug: slug, email: `${uniq('a')}@example.test`, name: 'Applicant', password: 'applicant-pw', answers: [] });
  const apply = (selection: string) => app.gql(APPLY(selection), { input: applicant() });

  it('an anonymous application answers what the public page shows of its campaign, nothing more (it signs no one in)', async () => {
    const ok = await apply('id name slug intakeFields { key }');
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.submitApplication.campaign).toMatchObject({ id: p.campaign.id, slug });
    // The answer names no enrollment (nobody signed in reads a merchant's rows).
    const enrollment = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id enrollment { id shareCode } } }`, {
      input: applicant(),
    });
    expect(enrollment.errors).toBeUndefined();
    expect(enrollment.data!.submitApplication.enrollment).toBeNull();
    for (const field of [
      'holdDays',
      'commission { type rateBps amountMinor }',
      'autoExecutePayouts',
      'merchant { id }',
      'minPayoutMinor',
      'destinationUrl',
      'payoutDayOfMonth',
    ]) {
      const r = await apply(field);
      expect(
        r.errors?.map((e) => e.extensions?.code),
        field,
      ).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(r.data)).not.toContain(p.merchantId);
    }
  });

  it('the public page shows the program, its terms and who offers it, and no setting an operator keeps', async () => {
    const set = await app.gql(
      `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { id } }`,
      {
        id: p.campaign.id,
        input: { description: 'Earn on every order.', logoUrl: 'https://cdn.example/logo.png', holdDays: 14, minPayoutMinor: 5000, payoutDayOfMonth: 5 },
      },
      p.token,
    );
    expect(set.errors).toBeUndefined();
    const TERMS =
      'name description merchantName logoUrl currency commission { type rateBps amountMinor } attributionWindowDays holdDays payoutDayOfMonth minPayoutMinor';
    const r = await app.gql(`query($s: String!) { publicCampaign(slug: $s) { ${TERMS} } }`, { s: slug });
    expect(r.errors).toBeUndefined();
    const merchantName = (await app.gql(`query($id: ID!) { campaign(id: $id) { merchant { name } } }`, { id: p.campaign.id }, p.token)).data!.campaign.merchant
      .name;
    expect(r.data!.publicCampaign).toEqual({
      name: 'Creators',
      description: 'Earn on every order.',
      merchantName,
      logoUrl: 'https://cdn.example/logo.png',
      currency: 'USD',
      commission: { type: 'PERCENTAGE', rateBps: 1000, amountMinor: null },
      attributionWindowDays: 30,
      holdDays: 14,
      payoutDayOfMonth: 5,
      minPayoutMinor: 5000,
    });
    // A brand name replaces the merchant's name; clearing it brings the merchant's name back.
    const brand = async (brandName: string) => {
      await app.gql(
        `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { id } }`,
        { id: p.campaign.id, input: { brandName } },
        p.token,
      );
      return (await app.gql(`query($s: String!) { publicCampaign(slug: $s) { merchantName } }`, { s: slug })).data!.publicCampaign.merchantName;
    };
    expect(await brand('Creators Club')).toBe('Creators Club');
    expect(await brand('')).toBe(merchantName);
    // Whatever a public page may read is listed here: a new field must be added on purpose.
    const type = await app.gql(`{ __type(name: "PublicCampaign") { fields { name } } }`);
    expect(type.data!.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual([
      'acceptingApplications',
      'attributionWindowDays',
      'commission',
      'currency',
      'description',
      'holdDays',
      'intakeFields',
      'logoUrl',
      'merchantName',
      'minPayoutMinor',
      'name',
      'payoutDayOfMonth',
      'slug',
      'status',
    ]);
  });

  it("an affiliate learns that a rival's touch existed, not when, which click, whose or how it was found", async () => {
    const [mine, rival] = p.affiliates as [Program['affiliates'][number], Program['affiliates'][number]];
    const visitorId = uniq('v');
    const rivalAt = new Date(Date.now() - 2 * 3600_000);
    const rivalClick = await click(app, p, rival, { visitorId, occurredAt: rivalAt });
    await click(app, p, mine, { visitorId });
    const key = (await app.gql(`mutation { createApiKey(name: "store") { key } }`, {}, p.token)).data!.createApiKey.key;
    const order = await app.gql(
      `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { conversion { id } } }`,
      { i: { id: uniq('o'), amountMinor: 1000, currency: 'USD', occurredAt: new Date().toISOString(), visitorId } },
      key,
    );
    expect(order.errors).toBeUndefined();
    const TOUCHES = `touches { clickId channel occurredAt affiliateId campaignId referralCode matchedBy kept reason }`;
    const r = await app.gql(`{ me { commissions { edges { node { conversion { attribution { winner { affiliateId } ${TOUCHES} } } } } } } }`, {}, mine.token);
    expect(r.errors).toBeUndefined();
    const attribution = r.data!.me.commissions.edges[0].node.conversion.attribution;
    expect(attribution.winner.affiliateId).toBe(mine.id);
    const other = attribution.touches.find((t: any) => t.affiliateId !== mine.id);
    expect(other).toEqual({
      clickId: null,
      channel: 'AFFILIATE',
      occurredAt: null,
      affiliateId: null,
      campaignId: null,
      referralCode: null,
      matchedBy: [],
      kept: true,
      reason: 'ANOTHER_TOUCH',
    });
    expect(JSON.stringify(attribution)).not.toContain(rivalClick);
    expect(JSON.stringify(attribution)).not.toContain(rivalAt.toISOString());
    // Operators still see the whole story.
    const op = await app.gql(`{ commissions(first: 1) { edges { node { conversion { attribution { ${TOUCHES} } } } } } }`, {}, p.token);
    expect(op.data!.commissions.edges[0].node.conversion.attribution.touches).toContainEqual(
      expect.objectContaining({ clickId: rivalClick, affiliateId: rival.id, occurredAt: rivalAt.toISOString(), reason: 'EARLIER_THAN_WINNER' }),
    );
  });
});
