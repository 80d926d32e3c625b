import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness.js';
import { DEMO_AFFILIATE } from './demo.js';
import { DEMO_SUBSCRIPTION } from './demo-subscriptions.js';

describe('demo seed', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ SEED_DEMO: 'true', ADMIN_EMAIL: 'demo-owner@example.test' });
    const r = await app.gql(`mutation { signIn(email: "demo-owner@example.test", password: "bootstrap-password") { token } }`);
    token = r.data!.signIn.token;
  });
  afterAll(() => app?.close());

  it('gives a new user a campaign and applications in every status', async () => {
    const r = await app.gql(`{ campaigns { edges { node { slug intakeFields { key } } } } applicationCounts { submitted approved rejected } }`, {}, token);
    const creators = r.data!.campaigns.edges.map((e: any) => e.node).find((c: any) => c.slug === 'creators');
    expect(creators.intakeFields.map((f: { key: string }) => f.key)).toEqual(['social_profile', 'audience_size', 'content_category', 'pitch']);
    // Two of the approved creators joined the membership program too.
    expect(r.data!.applicationCounts).toEqual({ submitted: 10, approved: 14, rejected: 8 });
  });

  it('has clicks, attributed orders, refunds and finalized commissions', async () => {
    const r = await app.gql(
      `{ affiliates(first: 20) { totalCount } commissions(first: 100) { totalCount edges { node { status adjustments { kind } } } } }`,
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    const statuses = new Set(r.data!.commissions.edges.map((e: { node: { status: string } }) => e.node.status));
    expect(statuses).toContain('PENDING');
    expect(statuses).toContain('FINALIZED');
    expect(statuses).toContain('REVERSED');
    expect(r.data!.commissions.totalCount).toBeGreaterThan(10);
  });

  it('has a completed payout batch in which one failed transfer was retried and posted', async () => {
    const r = await app.gql(
      `{ payoutBatches { edges { node { status items(first: 50) { edges { node { status attempts stripeTransferId } } } } } } }`,
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    const [batch] = r.data!.payoutBatches.edges.map((e: any) => e.node);
    expect(batch.status).toBe('COMPLETED');
    const items = batch.items.edges.map((e: any) => e.node);
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((i: any) => i.status === 'POSTED' && i.stripeTransferId)).toBe(true);
    expect(items.some((i: any) => i.attempts === 2)).toBe(true);
  });

  it('lets the demo affiliate sign in to the portal and see a share link', async () => {
    const r = await app.gql(`mutation($e:String!,$p:String!){ affiliateSignIn(email:$e,password:$p){ token } }`, {
      e: DEMO_AFFILIATE.email,
      p: DEMO_AFFILIATE.password,
    });
    const me = await app.gql(`{ me { enrollments { shareUrl } } }`, {}, r.data!.affiliateSignIn.token);
    expect(me.data!.me.enrollments[0].shareUrl).toMatch(/\/r\/[A-Z0-9]{8}$/);
  });

  it("has a subscription that renewed twice (commissions 1, 2 and 3 of 12) and a sale through a partner's promotion code", async () => {
    const chain = await app.gql(
      `query($f: CommissionFilter) { commissions(filter: $f) { edges { node { sequence durationMonths affiliate { email } } } } }`,
      { f: { subscriptionId: DEMO_SUBSCRIPTION } },
      token,
    );
    expect(chain.data!.commissions.edges.map((e: any) => e.node)).toEqual(
      [3, 2, 1].map((sequence) => ({ sequence, durationMonths: 12, affiliate: { email: DEMO_AFFILIATE.email } })),
    );
    const promo = await app.gql(
      `{ commissions(first: 100) { edges { node { affiliate { email } conversion { orderId attribution { winner { promotionCode matchedBy } } } } } } }`,
      {},
      token,
    );
    const sale = promo.data!.commissions.edges.map((e: any) => e.node).find((n: any) => n.conversion.orderId === 'DEMO-PROMO-1');
    expect(sale.conversion.attribution.winner).toEqual({ promotionCode: expect.stringMatching(/^[A-Z0-9]{8}$/), matchedBy: ['promotionCode'] });
    expect(sale.affiliate.email).not.toBe(DEMO_AFFILIATE.email);
  });
});
