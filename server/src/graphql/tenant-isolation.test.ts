import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorRole } from '../modules/auth/index.js';
import { PayoutFixtures, type Seeded } from '../test/payouts-fixtures.js';
import { TENANT, lockedToTenant } from '../modules/tenancy.js';
import { startTestApp, uniq, type TestApp } from '../test/harness.js';
import { click, type Program } from '../test/orders-fixtures.js';

// One GraphQL request runs all its mutations on one unit of work. A sign-in (or an application)
// inside it proves another identity, in another merchant: that must never lend its merchant to the
// request's later mutations, which stay the caller's.
describe("a sign-in inside a request never lends its merchant to the request's other operations", () => {
  let app: TestApp;
  let f: PayoutFixtures;
  let victim: { merchantId: string; token: string };
  let attacker: { merchantId: string; token: string };
  let reviewer: { email: string };
  let campaign: { id: string; slug: string };
  let affiliate: Seeded;
  const ids = {} as { enrollment: string; apiKey: string; application: string; commission: string; batch: string };

  beforeAll(async () => {
    app = await startTestApp({ SIGNIN_LIMIT_PER_IP: '1000', SIGNIN_LIMIT_PER_EMAIL: '1000', APPLY_LIMIT_PER_IP: '1000' });
    f = new PayoutFixtures(app);
    victim = await app.newMerchant('Victim');
    attacker = await app.newMerchant('Attacker');
    reviewer = await app.newOperator(victim.merchantId, OperatorRole.REVIEWER);
    campaign = await f.campaign(victim.token);
    affiliate = await f.affiliate(victim.token, campaign);
    ids.enrollment = affiliate.enrollmentId;
    await f.onboard(affiliate);
    await f.finalized(victim.merchantId, campaign.id, affiliate, [700]);
    // An order through the affiliate's click: a commission still PENDING, for finalizeCommissions to aim at.
    const clickId = await click(
      app,
      { merchantId: victim.merchantId, campaign } as Program,
      { id: affiliate.affiliateId, enrollmentId: affiliate.enrollmentId } as Program['affiliates'][number],
    );
    const order = await app.gql(
      `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { commissionId } } }`,
      {
        input: { id: uniq('order-'), amountMinor: 10_000, currency: 'USD', occurredAt: new Date().toISOString(), clickId },
      },
      victim.token,
    );
    ids.commission = order.data!.recordOrder.conversion.commissionId;
    const batch = await app.gql(
      `mutation($input: CreatePayoutBatchInput!) { createPayoutBatch(input: $input) { id } }`,
      { input: { campaignId: campaign.id, period: '2026-10' } },
      victim.token,
    );
    ids.batch = batch.data!.createPayoutBatch.id;
    const key = await app.gql(`mutation { createApiKey(name: "store") { apiKey { id } } }`, {}, victim.token);
    ids.apiKey = key.data!.createApiKey.apiKey.id;
    const pending = `${uniq('pending')}@example.test`;
    const applied = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: campaign.slug, email: pending, name: 'Pending', password: 'applicant-pw', answers: [] },
    });
    await app.confirmApplication(pending);
    ids.application = applied.data!.submitApplication.id;
  });
  afterAll(() => app?.close());

  /** The victim's rows each mutation below aims at, as stored. */
  const victimRows = () =>
    app.orm.em.fork().execute(
      `select (select row_to_json(c) from campaign c where id = ?) as campaign,
              (select row_to_json(e) from enrollment e where id = ?) as enrollment,
              (select row_to_json(k) from api_key k where id = ?) as api_key,
              (select row_to_json(a) from application a where id = ?) as application,
              (select json_agg(row_to_json(m) order by m.id) from commission m where merchant_id = ?) as commissions,
              (select row_to_json(b) from payout_batch b where id = ?) as batch,
              (select json_agg(row_to_json(i) order by i.id) from payout_item i where batch_id = ?) as items`,
      [campaign.id, ids.enrollment, ids.apiKey, ids.application, victim.merchantId, ids.batch, ids.batch],
    );

  // The operations that prove an identity in the victim's merchant, as the attacker can.
  const signIns: Record<string, () => { field: string; variables: Record<string, unknown>; definitions: string }> = {
    submitApplication: () => ({
      definitions: '$input: SubmitApplicationInput!',
      field: 'submitApplication(input: $input) { id campaign { id } }',
      variables: { input: { campaignSlug: campaign.slug, email: `${uniq('spy')}@example.test`, name: 'Spy', password: 'spy-password', answers: [] } },
    }),
    signIn: () => ({
      definitions: '$email: String!, $password: String!',
      field: 'signIn(email: $email, password: $password) { token user { merchant { id } } }',
      variables: { email: reviewer.email, password: 'operator-password' },
    }),
    affiliateSignIn: () => ({
      definitions: '$email: String!, $password: String!',
      field: 'affiliateSignIn(email: $email, password: $password) { token affiliate { id } }',
      variables: { email: affiliate.email, password: 'affiliate-pw' },
    }),
  };

  // Every mutation that takes an id of the victim's, with what it answers when it changes nothing.
  const targets: Record<string, { field: () => string; refused: (r: any) => void }> = {
    updateCampaign: {
      field: () =>
        `updateCampaign(id: "${campaign.id}", input: { destinationUrl: "https://evil.example/steal", commission: { type: PERCENTAGE, rateBps: 10000 } }) { id }`,
      refused: notFound,
    },
    setEnrollmentStatus: { field: () => `setEnrollmentStatus(id: "${ids.enrollment}", status: SUSPENDED) { id }`, refused: notFound },
    revokeApiKey: { field: () => `revokeApiKey(id: "${ids.apiKey}") { id }`, refused: notFound },
    createPayoutBatch: { field: () => `createPayoutBatch(input: { campaignId: "${campaign.id}", period: "2026-11" }) { id }`, refused: notFound },
    executePayoutBatch: { field: () => `executePayoutBatch(id: "${ids.batch}") { id }`, refused: notFound },
    retryFailedPayoutItems: { field: () => `retryFailedPayoutItems(batchId: "${ids.batch}") { id }`, refused: notFound },
    discardPayoutBatch: { field: () => `discardPayoutBatch(id: "${ids.batch}")`, refused: notFound },
    reviewApplications: {
      field: () => `reviewApplications(input: { ids: ["${ids.application}"], decision: REJECT, reason: "spam" }) { rejectedCount results { ok } }`,
      refused: (r) => expect(r.data.target).toEqual({ rejectedCount: 0, results: [{ ok: false }] }),
    },
    finalizeCommissions: {
      field: () => `finalizeCommissions(input: { ids: ["${ids.commission}"] }) { finalizedCount }`,
      refused: (r) => expect(r.data.target).toEqual({ finalizedCount: 0 }),
    },
  };

  function notFound(r: any) {
    const error = r.errors?.find((e: any) => e.path?.[0] === 'target');
    expect(error?.extensions?.code).toBe('NOT_FOUND');
  }

  for (const [signInName, signIn] of Object.entries(signIns)) {
    for (const [targetName, target] of Object.entries(targets)) {
      it(`${signInName}, then ${targetName} on the other merchant's row: refused, nothing changes`, async () => {
        const before = await victimRows();
        const s = signIn();
        const r = await app.gql(`mutation(${s.definitions}) { signedIn: ${s.field} target: ${target.field()} }`, s.variables, attacker.token);
        expect(r.errors?.filter((e) => e.path?.[0] === 'signedIn') ?? []).toEqual([]);
        target.refused(r);
        expect(await victimRows()).toEqual(before);
      });
    }
  }

  it("the sign-in's own selection is read as the identity it proved, fields and permissions alike", async () => {
    const r = await app.gql(
      `mutation($e: String!, $p: String!) { affiliateSignIn(email: $e, password: $p) { affiliate { id email enrollments { shareCode } } } }`,
      { e: affiliate.email, p: 'affiliate-pw' },
      attacker.token,
    );
    // `enrollments` is for operators: the attacker is one, but not of the affiliate's merchant.
    expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['affiliateSignIn.affiliate.enrollments', 'FORBIDDEN']]);
    const signedIn = await app.gql(
      `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { email merchant { id name } } } }`,
      { e: reviewer.email, p: 'operator-password' },
      attacker.token,
    );
    expect(signedIn.data!.signIn.user).toEqual({ email: reviewer.email, merchant: { id: victim.merchantId, name: 'Victim' } });
  });

  it("a request's unit of work refuses to change its tenant", () => {
    const em = lockedToTenant(app.orm.em, attacker.merchantId);
    expect(() => em.setFilterParams(TENANT, { merchantId: victim.merchantId })).toThrow(/tenant is fixed/);
    expect(em.getFilterParams(TENANT)).toEqual({ merchantId: attacker.merchantId });
  });
});
