import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, untilWaitingOnLock, type TestApp } from '../../test/harness.js';
import { Affiliate } from '../affiliates/index.js';
import { OperatorRole } from '../auth/index.js';
import { Application, ApplicationStatus } from './application.entity.js';
import { Enrollment } from './enrollment.entity.js';
import { CODE_ALPHABET } from '../../ids.js';

const CREATE_CAMPAIGN = `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { id status email name answers { key label value } campaign { id name } enrollment { shareCode } }
}`;
const REVIEW = `mutation($input: ReviewApplicationsInput!) {
  reviewApplications(input: $input) { approvedCount rejectedCount skippedCount results { applicationId ok error enrollment { shareCode shareUrl } } }
}`;

const fields = [
  { key: 'social_profile', label: 'Social profile', type: 'URL', required: true },
  { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, min: 0, max: 1000000 },
  { key: 'category', label: 'Category', type: 'SELECT', required: true, options: ['Tech', 'Food'] },
  { key: 'platforms', label: 'Platforms', type: 'MULTISELECT', options: ['YouTube', 'TikTok', 'Blog'], max: 2 },
  { key: 'contact', label: 'Contact email', type: 'EMAIL' },
  { key: 'handle', label: 'Handle', type: 'TEXT', min: 2, max: 30 },
  { key: 'pitch', label: 'Pitch', type: 'TEXTAREA', max: 500 },
  { key: 'terms', label: 'I accept the terms', type: 'CHECKBOX', required: true },
];

const goodAnswers = (over: Record<string, string> = {}) =>
  Object.entries({
    social_profile: 'https://social.example/alice',
    audience_size: '12000',
    category: 'Tech',
    platforms: '["YouTube","Blog"]',
    terms: 'true',
    ...over,
  }).map(([key, value]) => ({ key, value }));

describe('applications', () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<TestApp['newMerchant']>>;
  let campaign: { id: string; slug: string };

  const newCampaign = async (token = owner.token, over: Record<string, unknown> = {}) =>
    (
      await app.gql(
        CREATE_CAMPAIGN,
        {
          input: {
            name: 'Creators',
            slug: uniq('c-'),
            destinationUrl: 'https://shop.example/',
            currency: 'USD',
            commission: { type: 'FLAT', amountMinor: 500 },
            intakeFields: fields,
            ...over,
          },
        },
        token,
      )
    ).data!.createCampaign as { id: string; slug: string };

  const submit = (slug: string, over: Record<string, unknown> = {}) =>
    app.gql(SUBMIT, {
      input: { campaignSlug: slug, email: `${uniq('a')}@example.test`, name: 'Alice Applicant', password: 'applicant-pw', answers: goodAnswers(), ...over },
    });

  /** Submits and, when that succeeds, opens the emailed link as a new applicant: `session` is the portal's. */
  const apply = async (slug: string, over: Record<string, unknown> = {}) => {
    const r = await submit(slug, over);
    if (r.errors) return { ...r, session: null };
    const confirmed = await app.confirmApplication(r.data!.submitApplication.email);
    return { ...r, session: confirmed.token };
  };

  const rows = async () => {
    const em = app.emFor(owner.merchantId);
    return { applications: await em.count(Application, {}), affiliates: await em.count(Affiliate, {}) };
  };

  beforeAll(async () => {
    app = await startTestApp();
    owner = await app.newMerchant();
    campaign = await newCampaign();
  });
  afterAll(() => app?.close());

  describe('submitting', () => {
    it('stores normalised answers with the question labels; the emailed link records them and signs the applicant in', async () => {
      const email = `${uniq('bob')}@example.test`;
      const before = await rows();
      const r = await submit(campaign.slug, { email: email.toUpperCase(), answers: goodAnswers({ audience_size: ' 12000 ' }) });
      expect(r.errors).toBeUndefined();
      const a = r.data!.submitApplication;
      expect(a).toMatchObject({ status: 'SUBMITTED', email, name: 'Alice Applicant', campaign: { id: campaign.id }, enrollment: null });
      expect(a.answers).toContainEqual({ key: 'audience_size', label: 'Audience size', value: '12000' });
      expect(a.answers).toContainEqual({ key: 'handle', label: 'Handle', value: null });
      expect(a.answers).toContainEqual({ key: 'terms', label: 'I accept the terms', value: 'true' });
      // Nothing is signed in and nothing is in the queue until the email is confirmed.
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(await rows()).toEqual(before);

      const token = await app.confirmationToken(email);
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($t: String!) { confirmApplication(token: $t) { passwordRequired email campaignName application { id status } } }',
          variables: { t: token },
        }),
      });
      expect(((await res.json()) as any).data.confirmApplication).toEqual({
        passwordRequired: false,
        email,
        campaignName: 'Creators',
        application: { id: a.id, status: 'SUBMITTED' },
      });
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^sorae_affiliate=ses_/);
      const me = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0]!, 'x-sorae-audience': 'portal' },
        body: JSON.stringify({ query: '{ me { affiliate { email } applications { id status campaign { name } } } }' }),
      });
      expect(((await me.json()) as any).data.me).toEqual({
        affiliate: { email },
        applications: [{ id: a.id, status: 'SUBMITTED', campaign: { name: 'Creators' } }],
      });
      expect(await rows()).toEqual({ applications: before.applications + 1, affiliates: before.affiliates + 1 });
    });

    it('the link works once, and not after 24 hours', async () => {
      const email = `${uniq('once')}@example.test`;
      await submit(campaign.slug, { email });
      const token = await app.confirmationToken(email);
      const CONFIRM = 'mutation($t: String!) { confirmApplication(token: $t) { passwordRequired } }';
      expect((await app.gql(CONFIRM, { t: token })).errors).toBeUndefined();
      expect((await app.gql(CONFIRM, { t: token })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { token: 'is not valid' } });
      const late = `${uniq('late')}@example.test`;
      await submit(campaign.slug, { email: late });
      await app.orm.em.fork().execute(`update application_request set expires_at = now() - interval '1 second' where email = ?`, [late]);
      expect((await app.gql(CONFIRM, { t: await app.confirmationToken(late) })).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    });

    it('a second application by the same email to the same campaign is answered alike, and its link says CONFLICT', async () => {
      const email = `${uniq('dup')}@example.test`;
      await apply(campaign.slug, { email });
      const before = await rows();
      const again = await submit(campaign.slug, { email });
      expect(again.errors).toBeUndefined();
      const confirmed = await app.gql('mutation($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { passwordRequired } }', {
        t: await app.confirmationToken(email),
        p: 'applicant-pw',
      });
      expect(confirmed.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(await rows()).toEqual(before);
    });

    it("an email with an account confirms with the account's password, under the sign-in limits", async () => {
      const email = `${uniq('carol')}@example.test`;
      await apply(campaign.slug, { email });
      const other = await newCampaign();
      const before = await rows();
      expect((await submit(other.slug, { email, password: 'another-password-9' })).errors).toBeUndefined();
      expect(await app.confirmApplication(email)).toEqual({ passwordRequired: true, token: null, application: null });
      const wrong = await app.gql('mutation($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { token } }', {
        t: await app.confirmationToken(email),
        p: 'another-password-9',
      });
      expect(wrong.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      expect(await rows()).toEqual(before);
      const ok = await app.confirmApplication(email, 'applicant-pw');
      expect(ok.token).toMatch(/^ses_/);
      expect(await rows()).toEqual({ applications: before.applications + 1, affiliates: before.affiliates });
    });

    it('a link whose new account another link creates meanwhile asks for that password instead of failing', async () => {
      const email = `${uniq('dana')}@example.test`;
      await submit(campaign.slug, { email });
      const token = await app.confirmationToken(email);
      const before = await rows();
      const CONFIRM = 'mutation($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { passwordRequired application { id } } }';
      let late: Promise<{ data?: any }> | undefined;
      // Another link's transaction has created the account, uncommitted, when this one looks for it.
      await app.emFor(owner.merchantId).transactional(async (tx) => {
        tx.create(Affiliate, { merchant: owner.merchantId, email, name: 'Dana', passwordHash: await app.services.auth.hashPassword('applicant-pw') });
        await tx.flush();
        late = app.gql(CONFIRM, { t: token });
        await untilWaitingOnLock(app);
      });
      expect((await late!).data!.confirmApplication).toEqual({ passwordRequired: true, application: null });
      expect((await app.gql(CONFIRM, { t: token, p: 'applicant-pw' })).data!.confirmApplication.passwordRequired).toBe(false);
      expect(await rows()).toEqual({ applications: before.applications + 1, affiliates: before.affiliates + 1 });
    });

    it('keeps the form as it was answered when the campaign form changes later', async () => {
      const c = await newCampaign();
      const { id } = (await apply(c.slug)).data!.submitApplication;
      await app.gql(
        `mutation($id:ID!,$f:[IntakeFieldInput!]){ updateCampaign(id:$id,input:{intakeFields:$f}){ id } }`,
        {
          id: c.id,
          f: [{ key: 'social_profile', label: 'Renamed question', type: 'TEXT' }],
        },
        owner.token,
      );
      const stored = await app.emFor(owner.merchantId).findOneOrFail(Application, { id });
      expect(stored.answers.find((x) => x.key === 'social_profile')!.label).toBe('Social profile');
      expect(stored.fieldsSnapshot).toHaveLength(fields.length);
    });

    it('stores HTML and script as plain text', async () => {
      const pitch = '<script>alert("x")</script><b>bold</b>';
      const r = await apply(campaign.slug, { answers: goodAnswers({ pitch }) });
      expect(r.data!.submitApplication.answers).toContainEqual({ key: 'pitch', label: 'Pitch', value: pitch });
    });

    describe('bad input gets a field error and writes nothing', () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['URL not http', { answers: goodAnswers({ social_profile: 'javascript:alert(1)' }) }, 'answers.social_profile'],
        ['number not a number', { answers: goodAnswers({ audience_size: '12k' }) }, 'answers.audience_size'],
        ['number above max', { answers: goodAnswers({ audience_size: '2000000' }) }, 'answers.audience_size'],
        ['select outside options', { answers: goodAnswers({ category: 'Cars' }) }, 'answers.category'],
        ['multiselect not JSON', { answers: goodAnswers({ platforms: 'YouTube' }) }, 'answers.platforms'],
        ['multiselect unknown option', { answers: goodAnswers({ platforms: '["Radio"]' }) }, 'answers.platforms'],
        ['multiselect above max', { answers: goodAnswers({ platforms: '["YouTube","TikTok","Blog"]' }) }, 'answers.platforms'],
        ['email malformed', { answers: goodAnswers({ contact: 'not-an-email' }) }, 'answers.contact'],
        ['text too short', { answers: goodAnswers({ handle: 'x' }) }, 'answers.handle'],
        ['text with a newline', { answers: goodAnswers({ handle: 'two\nlines' }) }, 'answers.handle'],
        ['textarea too long', { answers: goodAnswers({ pitch: 'y'.repeat(501) }) }, 'answers.pitch'],
        ['checkbox not boolean', { answers: goodAnswers({ terms: 'yes' }) }, 'answers.terms'],
        ['required checkbox unticked', { answers: goodAnswers({ terms: 'false' }) }, 'answers.terms'],
        ['required answer missing', { answers: goodAnswers().filter((a) => a.key !== 'category') }, 'answers.category'],
        ['unknown key', { answers: [...goodAnswers(), { key: 'favourite_colour', value: 'blue' }] }, 'answers.favourite_colour'],
        ['answer over 5,000 characters', { answers: goodAnswers({ pitch: 'z'.repeat(5_001) }) }, 'answers.pitch'],
        ['short password', { password: 'short' }, 'password'],
        ['bad applicant email', { email: 'nope' }, 'email'],
        ['blank name', { name: '  ' }, 'name'],
      ];

      it('a NUL character in an answer is refused and writes nothing', async () => {
        const before = await rows();
        const r = await apply(campaign.slug, { answers: goodAnswers({ pitch: 'a\u0000b' }) });
        expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(await rows()).toEqual(before);
      });
      it.each(cases)('%s', async (_name, over, field) => {
        const before = await rows();
        const r = await apply(campaign.slug, over);
        expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(r.errors![0]!.extensions!.fieldErrors![field]).toBeTruthy();
        expect(await rows()).toEqual(before);
      });

      it('a paused campaign takes no applications; an unknown one is NOT_FOUND', async () => {
        const paused = await newCampaign();
        await app.gql(`mutation($id:ID!){ updateCampaign(id:$id,input:{status:PAUSED}){ id } }`, { id: paused.id }, owner.token);
        const before = await rows();
        expect((await apply(paused.slug)).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect((await apply('no-such-campaign')).errors![0]!.extensions!.code).toBe('NOT_FOUND');
        expect(await rows()).toEqual(before);
      });
    });
  });

  describe('the review queue', () => {
    let m: Awaited<ReturnType<TestApp['newMerchant']>>;
    let c1: { id: string; slug: string };
    let c2: { id: string; slug: string };

    beforeAll(async () => {
      m = await app.newMerchant();
      c1 = await newCampaign(m.token);
      c2 = await newCampaign(m.token);
      for (let i = 0; i < 6; i++) await apply(c1.slug, { name: `Queue Person ${i}`, answers: goodAnswers({ category: i % 2 ? 'Food' : 'Tech' }) });
      await apply(c2.slug, { name: 'Zed Other' });
    });

    const LIST = `query($filter: ApplicationFilter, $first: Int, $after: String, $orderBy: ApplicationOrder) {
      applications(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id name email status submittedAt answers { key label value } campaign { id name } enrollment { shareCode shareUrl } } }
      }
    }`;

    it('filters by campaign, status and search, with counts per status', async () => {
      const all = await app.gql(LIST, { filter: { campaignId: c1.id } }, m.token);
      expect(all.data!.applications.totalCount).toBe(6);
      const food = await app.gql(LIST, { filter: { search: 'FOOD' } }, m.token);
      expect(food.data!.applications.totalCount).toBe(3);
      const byName = await app.gql(LIST, { filter: { search: 'zed oth' } }, m.token);
      expect(byName.data!.applications.edges.map((e: any) => e.node.name)).toEqual(['Zed Other']);
      const counts = await app.gql(
        `query($f: ApplicationFilter){ applicationCounts(filter: $f) { submitted approved rejected } }`,
        { f: { campaignId: c1.id } },
        m.token,
      );
      expect(counts.data!.applicationCounts).toEqual({ submitted: 6, approved: 0, rejected: 0 });
      const pct = await app.gql(LIST, { filter: { search: '100%_' } }, m.token);
      expect(pct.data!.applications.totalCount).toBe(0);
    });

    it('sorts by submission date both ways and pages with cursors', async () => {
      const newest = await app.gql(LIST, { filter: { campaignId: c1.id }, first: 4 }, m.token);
      const names = newest.data!.applications.edges.map((e: any) => e.node.name);
      expect(names).toEqual(['Queue Person 5', 'Queue Person 4', 'Queue Person 3', 'Queue Person 2']);
      const next = await app.gql(LIST, { filter: { campaignId: c1.id }, first: 4, after: newest.data!.applications.pageInfo.endCursor }, m.token);
      expect(next.data!.applications.edges.map((e: any) => e.node.name)).toEqual(['Queue Person 1', 'Queue Person 0']);
      const oldest = await app.gql(LIST, { filter: { campaignId: c1.id }, first: 2, orderBy: 'SUBMITTED_AT_ASC' }, m.token);
      expect(oldest.data!.applications.edges.map((e: any) => e.node.name)).toEqual(['Queue Person 0', 'Queue Person 1']);
    });

    it('a page with nested fields costs at most 5 SQL statements, whatever its size', async () => {
      const small = await app.gql(LIST, { first: 1 }, m.token);
      const large = await app.gql(LIST, { first: 100 }, m.token);
      expect(large.data!.applications.edges.length).toBe(7);
      expect(small.statements).toBeLessThanOrEqual(5);
      expect(large.statements).toBe(small.statements);
    });

    it('a malformed filter is refused', async () => {
      const r = await app.gql(LIST, { filter: { campaignId: 'nope' } }, m.token);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { campaignId: expect.any(String) } });
    });
  });

  describe('reviewing', () => {
    it('bulk-approves a selection: share codes at once; an already-reviewed one is skipped and unchanged', async () => {
      const m = await app.newMerchant();
      const c = await newCampaign(m.token);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await apply(c.slug)).data!.submitApplication.id);
      const first = await app.gql(REVIEW, { input: { ids: [ids[0]], decision: 'REJECT', reason: 'Audience too small' } }, m.token);
      expect(first.data!.reviewApplications).toMatchObject({ approvedCount: 0, rejectedCount: 1 });

      const r = await app.gql(REVIEW, { input: { ids, decision: 'APPROVE' } }, m.token);
      const result = r.data!.reviewApplications;
      expect(result).toMatchObject({ approvedCount: 2, rejectedCount: 0, skippedCount: 1 });
      const skipped = result.results.find((x: any) => x.applicationId === ids[0]);
      expect(skipped).toMatchObject({ ok: false, enrollment: null });
      expect(skipped.error).toMatch(/already rejected/);
      const codes = result.results.filter((x: any) => x.ok).map((x: any) => x.enrollment.shareCode);
      for (const code of codes) expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
      expect(result.results.find((x: any) => x.ok).enrollment.shareUrl).toBe(`${app.config.publicUrl}/r/${codes[0]}`);

      const em = app.emFor(m.merchantId);
      const rejected = await em.findOneOrFail(Application, { id: ids[0] });
      expect(rejected).toMatchObject({ status: ApplicationStatus.REJECTED, rejectionReason: 'Audience too small' });
      expect(await em.count(Enrollment, {})).toBe(2);
      const byCode = await em.findOneOrFail(Enrollment, { shareCode: codes[0] });
      expect(ids).toContain(byCode.application.id);

      const detail = await app.gql(`query($id:ID!){ application(id:$id){ history { kind by reason } } }`, { id: ids[0] }, m.token);
      expect(detail.data!.application.history).toEqual([
        { kind: 'SUBMITTED', by: null, reason: null },
        { kind: 'REJECTED', by: m.email, reason: 'Audience too small' },
      ]);
    });

    it('rejects every application matching a filter, with one reason', async () => {
      const m = await app.newMerchant();
      const c = await newCampaign(m.token);
      for (let i = 0; i < 4; i++) await apply(c.slug, { answers: goodAnswers({ category: i < 3 ? 'Food' : 'Tech' }) });
      const r = await app.gql(
        REVIEW,
        { input: { filter: { campaignId: c.id, search: 'food', status: 'SUBMITTED' }, decision: 'REJECT', reason: 'Not a fit' } },
        m.token,
      );
      expect(r.data!.reviewApplications).toMatchObject({ approvedCount: 0, rejectedCount: 3, skippedCount: 0 });
      const counts = await app.gql(
        `query($f: ApplicationFilter){ applicationCounts(filter: $f) { submitted rejected } }`,
        { f: { campaignId: c.id } },
        m.token,
      );
      expect(counts.data!.applicationCounts).toEqual({ submitted: 1, rejected: 3 });
    });

    it('refuses bad review input and writes nothing', async () => {
      const m = await app.newMerchant();
      const c = await newCampaign(m.token);
      const { id } = (await apply(c.slug)).data!.submitApplication;
      const noReason = await app.gql(REVIEW, { input: { ids: [id], decision: 'REJECT' } }, m.token);
      expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { reason: 'a rejection needs a reason' } });
      const both = await app.gql(REVIEW, { input: { ids: [id], filter: {}, decision: 'APPROVE' } }, m.token);
      expect(both.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      const malformed = await app.gql(REVIEW, { input: { ids: ['not-an-id'], decision: 'APPROVE' } }, m.token);
      expect(malformed.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect((await app.emFor(m.merchantId).findOneOrFail(Application, { id })).status).toBe(ApplicationStatus.SUBMITTED);
    });

    it('FINANCE, affiliates and other merchants cannot review', async () => {
      const m = await app.newMerchant();
      const c = await newCampaign(m.token);
      const submitted = await apply(c.slug);
      const id = submitted.data!.submitApplication.id;
      const finance = await app.newOperator(m.merchantId, OperatorRole.FINANCE);
      expect((await app.gql(REVIEW, { input: { ids: [id], decision: 'APPROVE' } }, finance.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const affiliateToken = submitted.session!;
      expect((await app.gql(REVIEW, { input: { ids: [id], decision: 'APPROVE' } }, affiliateToken)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const other = await app.newMerchant();
      const foreign = await app.gql(REVIEW, { input: { ids: [id], decision: 'APPROVE' } }, other.token);
      expect(foreign.data!.reviewApplications).toMatchObject({ approvedCount: 0, results: [{ applicationId: id, ok: false, error: 'Application not found' }] });
      expect((await app.gql(`query($id:ID!){ application(id:$id){ id } }`, { id }, other.token)).data!.application).toBeNull();
      const reviewer = await app.newOperator(m.merchantId, OperatorRole.REVIEWER);
      expect((await app.gql(REVIEW, { input: { ids: [id], decision: 'APPROVE' } }, reviewer.token)).data!.reviewApplications.approvedCount).toBe(1);
    });
  });

  describe('the portal', () => {
    const portalMe = async (token: string) =>
      (await app.gql(`{ me { applications { status rejectionReason campaign { name } } enrollments { shareCode shareUrl campaign { name } } } }`, {}, token))
        .data!.me;

    it('the approved affiliate sees the share link; the rejected one sees the reason only when the campaign allows it', async () => {
      const m = await app.newMerchant();
      const quiet = await newCampaign(m.token);
      const open = await newCampaign(m.token, { showRejectionReasonToApplicant: true });
      const tokenOf = (r: { session: string | null }) => r.session!;
      const approved = await apply(quiet.slug);
      const rejectedQuiet = await apply(quiet.slug);
      const rejectedOpen = await apply(open.slug);
      await app.gql(REVIEW, { input: { ids: [approved.data!.submitApplication.id], decision: 'APPROVE' } }, m.token);
      await app.gql(
        REVIEW,
        {
          input: { ids: [rejectedQuiet.data!.submitApplication.id, rejectedOpen.data!.submitApplication.id], decision: 'REJECT', reason: 'Too few followers' },
        },
        m.token,
      );

      const a = await portalMe(tokenOf(approved));
      expect(a.enrollments).toHaveLength(1);
      expect(a.enrollments[0].shareUrl).toBe(`${app.config.publicUrl}/r/${a.enrollments[0].shareCode}`);
      expect((await portalMe(tokenOf(rejectedQuiet))).applications[0]).toMatchObject({ status: 'REJECTED', rejectionReason: null });
      expect((await portalMe(tokenOf(rejectedOpen))).applications[0]).toMatchObject({ status: 'REJECTED', rejectionReason: 'Too few followers' });
    });
  });
});

describe('application rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ APPLY_LIMIT_PER_IP: '2' });
  });
  afterAll(() => app?.close());

  it('refuses a third application from one address within the hour', async () => {
    const owner = await app.newMerchant();
    const { slug } = (
      await app.gql(
        CREATE_CAMPAIGN,
        { input: { name: 'C', slug: uniq('c-'), destinationUrl: 'https://s.example/', currency: 'EUR', commission: { type: 'FLAT', amountMinor: 1 } } },
        owner.token,
      )
    ).data!.createCampaign;
    const submit = () =>
      app.gql(SUBMIT, { input: { campaignSlug: slug, email: `${uniq('r')}@example.test`, name: 'R', password: 'applicant-pw', answers: [] } });
    expect((await submit()).errors).toBeUndefined();
    expect((await submit()).errors).toBeUndefined();
    expect((await submit()).errors![0]!.extensions!.code).toBe('RATE_LIMITED');
  });
});
