import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { program, type Program } from '../../test/orders-fixtures.js';
import { OperatorRole } from '../auth/index.js';
import { Enrollment } from './enrollment.entity.js';

const AFFILIATES = `query($filter: AffiliateFilter, $first: Int, $after: String) {
  affiliates(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name email } } }
}`;

/** Applies to a campaign as `name <email>`, confirms, and (unless `approve` is false) is approved by the owner. */
async function applicant(app: TestApp, p: Program, campaign: { id: string; slug: string }, name: string, email: string, approve = true) {
  const r = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
    input: { campaignSlug: campaign.slug, email, name, password: 'affiliate-pw', answers: [] },
  });
  const { application } = await app.confirmApplication(email, 'affiliate-pw');
  expect(r.errors).toBeUndefined();
  if (approve) {
    const rev = await app.gql(
      `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
      { input: { ids: [application!.id], decision: 'APPROVE' } },
      p.token,
    );
    expect(rev.data?.reviewApplications.approvedCount).toBe(1);
  }
  return app.emFor(p.merchantId).findOne(Enrollment, { application: application!.id });
}

describe('finding affiliates: search, campaign and status filters, enrolled only', () => {
  let app: TestApp;
  let p: Program;
  let second: { id: string; slug: string };
  const tag = uniq('').toLowerCase();
  const list = async (filter: Record<string, unknown> | null, token = p.token, first = 50) => app.gql(AFFILIATES, { filter, first }, token);
  const emails = (r: Awaited<ReturnType<typeof list>>) => r.data!.affiliates.edges.map((e: { node: { email: string } }) => e.node.email).sort();

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 0 });
    const c = await app.gql(
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
      { input: { name: 'Second', slug: uniq('s-'), destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'FLAT', amountMinor: 100 } } },
      p.token,
    );
    second = c.data!.createCampaign;
    await applicant(app, p, p.campaign, 'Maria Lopez', `maria.${tag}@garden.example`);
    await applicant(app, p, second, 'Olu Ade', `olu.${tag}@studio.example`);
    const jo = (await applicant(app, p, p.campaign, 'Jo Garden', `jo.${tag}@mail.example`))!;
    await applicant(app, p, p.campaign, 'Waiting Applicant', `waiting.${tag}@garden.example`, false);
    // Jo's enrollment in the first campaign is suspended.
    const s = await app.gql(`mutation($id: ID!) { setEnrollmentStatus(id: $id, status: SUSPENDED) { status } }`, { id: jo.id }, p.token);
    expect(s.data?.setEnrollmentStatus.status).toBe('SUSPENDED');
  });
  afterAll(() => app?.close());

  it('lists only affiliates with an enrollment: an applicant not yet approved is in the applications queue, not here', async () => {
    const r = await list(null);
    expect(r.data!.affiliates.totalCount).toBe(3);
    expect(emails(r)).toEqual([`jo.${tag}@mail.example`, `maria.${tag}@garden.example`, `olu.${tag}@studio.example`].sort());
  });

  it('searches part of an email or a name, in any case', async () => {
    expect(emails(await list({ search: 'GARDEN' }))).toEqual([`jo.${tag}@mail.example`, `maria.${tag}@garden.example`].sort());
    expect(emails(await list({ search: `olu.${tag.slice(0, 4)}` }))).toEqual([`olu.${tag}@studio.example`]);
    expect(emails(await list({ search: 'ria lop' }))).toEqual([`maria.${tag}@garden.example`]);
    // LIKE's wildcards are matched as themselves.
    expect((await list({ search: '%' })).data!.affiliates.totalCount).toBe(0);
  });

  it('filters by campaign and by enrollment status, together with the search', async () => {
    expect(emails(await list({ campaignId: second.id }))).toEqual([`olu.${tag}@studio.example`]);
    expect(emails(await list({ campaignId: p.campaign.id, status: 'ACTIVE' }))).toEqual([`maria.${tag}@garden.example`]);
    expect(emails(await list({ status: 'SUSPENDED', search: 'jo' }))).toEqual([`jo.${tag}@mail.example`]);
  });

  it('pages through a filtered list with keyset cursors', async () => {
    const one = await app.gql(AFFILIATES, { filter: { campaignId: p.campaign.id }, first: 1 }, p.token);
    expect(one.data!.affiliates.pageInfo.hasNextPage).toBe(true);
    const two = await app.gql(AFFILIATES, { filter: { campaignId: p.campaign.id }, first: 1, after: one.data!.affiliates.pageInfo.endCursor }, p.token);
    expect(two.data!.affiliates.pageInfo.hasNextPage).toBe(false);
    expect([one, two].map((r) => r.data!.affiliates.edges[0].node.email).sort()).toEqual([`jo.${tag}@mail.example`, `maria.${tag}@garden.example`].sort());
  });

  it("never shows another merchant's affiliates, even searched by their exact email or filtered by their campaign", async () => {
    const other = await program(app, { affiliates: 1 });
    const theirs = other.affiliates[0]!.email;
    expect((await list({ search: theirs })).data!.affiliates.totalCount).toBe(0);
    expect((await list({ campaignId: other.campaign.id })).data!.affiliates.totalCount).toBe(0);
    expect(emails(await list({ search: theirs }, other.token))).toEqual([theirs]);
  });

  it('is for every operator and reading keys, not for affiliates; a bad filter is refused by field', async () => {
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    expect((await list({ search: 'garden' }, reviewer.token)).data!.affiliates.totalCount).toBe(2);
    const portal = await app.gql(`mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`, {
      e: `olu.${tag}@studio.example`,
      p: 'affiliate-pw',
    });
    expect((await list(null, portal.data!.affiliateSignIn.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await list({ campaignId: 'nope', search: 'x'.repeat(201) });
    expect(bad.errors?.[0]?.extensions?.fieldErrors).toEqual({ campaignId: 'is not a campaign id', search: 'must be at most 200 characters' });
  });

  it('finds by substring through the trigram indexes, not by reading every affiliate', async () => {
    // Small tables may still be scanned; forbid that (in one transaction) to see that the indexes answer the pattern.
    const plan = await app.orm.em.fork().transactional(async (tx) => {
      await tx.execute('set local enable_seqscan = off');
      return tx.execute<{ 'QUERY PLAN': string }[]>(`explain select id from affiliate where email ilike ? or name ilike ?`, ['%garden%', '%garden%']);
    });
    const forced = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(forced).toMatch(/affiliate_email_trgm/);
    expect(forced).toMatch(/affiliate_name_trgm/);
  });
});
