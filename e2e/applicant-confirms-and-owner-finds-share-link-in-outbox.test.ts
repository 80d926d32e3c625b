import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';

const ivy = { name: 'Ivy Moreau', email: 'ivy@creators.example', password: 'ivy-portal-password' };

// Without SMTP_URL every email waits in the owner's outbox: the demo shows each one.
describeScenario('an applicant confirms from the emailed link and is approved, and the owner finds the share link in the outbox email', () => {
  const s = useScenario('applicant-confirms-and-owner-finds-share-link-in-outbox');
  let owner: Record<string, string> = {};
  let applicationId = '';

  it('the applicant applies on the public page and is asked to check their email; nothing is queued yet', async () => {
    const signIn = await s.system.graphql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      s.system.admin,
    );
    owner = { authorization: `Bearer ${signIn.data!.signIn.token}` };
    const created = await s.system.graphql(
      `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'Studio Partners',
          slug: 'studio',
          destinationUrl: 'https://shop.example.test/',
          currency: 'EUR',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
          intakeFields: [],
        },
      },
      owner,
    );
    expect(created.errors).toBeUndefined();

    const page = await s.newPage();
    await page.goto('/portal/apply/studio');
    const form = page.getByTestId('apply-form');
    await form.getByLabel('Your name').fill(ivy.name);
    await form.getByLabel('Email', { exact: false }).fill(ivy.email);
    await form.getByLabel('Password').fill(ivy.password);
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.getByTestId('apply-check-email').waitFor();
    expect(await page.getByTestId('apply-check-email').textContent()).toContain(ivy.email);
    await s.shot(page, 'check your email');
    const queue = await s.system.graphql<{ applications: { totalCount: number } }>(`{ applications(first: 1) { totalCount } }`, {}, owner);
    expect(queue.data!.applications.totalCount).toBe(0);
  });

  it('the confirmation email in the outbox opens the portal, signed in, with the application under review', async () => {
    const admin = await s.newPage();
    await signInToAdmin(admin, s.system.admin);
    await admin.getByTestId('nav-outbox').click();
    await admin.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    const row = admin.getByTestId('outbox-row').filter({ hasText: 'Confirm your application to Studio Partners' });
    await row.waitFor();
    expect(await row.getByTestId('outbox-to').textContent()).toBe(ivy.email);
    await row.getByTestId('outbox-open').click();
    const html = admin.frameLocator('[data-testid="outbox-message-html"]');
    const button = html.getByRole('link', { name: 'Confirm my application' });
    await button.waitFor();
    await s.shot(admin, 'confirmation email');
    const link = (await button.getAttribute('href'))!;
    expect(link).toMatch(new RegExp(`^${s.system.baseUrl}/portal/confirm#apc_`));

    const applicant = await s.newPage();
    await applicant.goto(link);
    await applicant.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();
    const mine = applicant.getByTestId('applications-row');
    await mine.first().waitFor();
    expect(await mine.getByTestId('application-status').getAttribute('data-status')).toBe('SUBMITTED');
    expect(await mine.first().textContent()).toContain('Studio Partners');
    await s.shot(applicant, 'confirmed in the portal');

    const queue = await s.system.graphql<{ applications: { edges: { node: { id: string; email: string } }[] } }>(
      `{ applications(first: 5) { edges { node { id email } } } }`,
      {},
      owner,
    );
    expect(queue.data!.applications.edges.map((e) => e.node.email)).toEqual([ivy.email]);
    applicationId = queue.data!.applications.edges[0]!.node.id;
  });

  it('approved, the applicant is mailed the share link: the owner opens that email and finds it', async () => {
    const reviewed = await s.system.graphql<{ reviewApplications: { results: { enrollment: { shareUrl: string } }[] } }>(
      `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
      { input: { ids: [applicationId], decision: 'APPROVE' } },
      owner,
    );
    const shareUrl = reviewed.data!.reviewApplications.results[0]!.enrollment.shareUrl;

    const admin = await s.newPage();
    await signInToAdmin(admin, s.system.admin);
    await admin.goto('/admin/outbox');
    const row = admin.getByTestId('outbox-row').filter({ hasText: "You're in: Studio Partners" });
    await row.waitFor();
    expect(await row.getByTestId('outbox-status').getAttribute('data-status')).toBe('OUTBOX');
    await row.getByTestId('outbox-open').click();
    const html = admin.frameLocator('[data-testid="outbox-message-html"]');
    const link = html.getByRole('link', { name: shareUrl });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(shareUrl);
    expect(await html.locator('body').textContent()).toContain('E2E Outfitters');
    expect(await admin.getByTestId('outbox-message-text').textContent()).toContain(shareUrl);
    await s.shot(admin, 'approval email with the share link');
  });
});
