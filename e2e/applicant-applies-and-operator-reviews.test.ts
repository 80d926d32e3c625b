import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';
import { signInToPortal } from './support/portal.js';
import { confirmationLink, confirmFromOutbox } from './support/applicants.js';

const HOSTILE_PITCH = `I review gadgets <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=1</script> every week.`;

const INTAKE_FIELDS = [
  { key: 'social_profile', label: 'Social profile', type: 'URL', required: true, helpText: 'Where your audience follows you' },
  { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, min: 0, max: 100000000 },
  { key: 'content_category', label: 'Content category', type: 'SELECT', required: true, options: ['Fashion', 'Tech', 'Food'] },
  { key: 'platforms', label: 'Platforms', type: 'MULTISELECT', required: false, options: ['Instagram', 'YouTube', 'TikTok'], max: 2 },
  { key: 'pitch', label: 'Why you?', type: 'TEXTAREA', required: false, max: 2000 },
  { key: 'agree', label: 'I agree to the program terms', type: 'CHECKBOX', required: true },
];

interface Applicant {
  name: string;
  email: string;
  password: string;
  profile: string;
  audience: string;
  category: string;
  platforms: string[];
  pitch: string;
}

const ava: Applicant = {
  name: 'Ava Stone',
  email: 'ava@creators.example',
  password: 'ava-portal-password',
  profile: 'https://instagram.com/ava.stone',
  audience: '52000',
  category: 'Fashion',
  platforms: ['Instagram', 'TikTok'],
  pitch: 'Weekly outfit videos.',
};
const ben: Applicant = {
  name: 'Ben Okafor',
  email: 'ben@creators.example',
  password: 'ben-portal-password',
  profile: 'https://youtube.com/@benbuilds',
  audience: '8100',
  category: 'Tech',
  platforms: ['YouTube'],
  pitch: 'Desk setups and keyboards.',
};
const cleo: Applicant = {
  name: 'Cleo Marsh',
  email: 'cleo@creators.example',
  password: 'cleo-portal-password',
  profile: 'https://cleo.example/blog',
  audience: '300',
  category: 'Tech',
  platforms: [],
  pitch: HOSTILE_PITCH,
};
const REJECTION_REASON = 'Your audience is outside the regions we ship to.';

/** The scripts in the hostile answer would set this; it must stay undefined. */
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

/** The message shown beside a form control. */
const errorBeside = (page: Page, control: ReturnType<Page['getByLabel']>) => page.locator('.field', { has: control }).locator('.field__error');

/** Fills the public form as a person would, field by field. */
async function fillApplication(page: Page, a: Applicant) {
  const form = page.getByTestId('apply-form');
  await form.getByLabel('Social profile').fill(a.profile);
  await form.getByLabel('Audience size').fill(a.audience);
  await form.getByLabel('Content category').selectOption(a.category);
  for (const p of a.platforms) await form.getByTestId('apply-answer-platforms').getByLabel(p, { exact: true }).check();
  await form.getByLabel('Why you?').fill(a.pitch);
  await form.getByLabel('I agree to the program terms').check();
  await form.getByLabel('Your name').fill(a.name);
  await form.getByLabel('Email', { exact: false }).fill(a.email);
  await form.getByLabel('Password').fill(a.password);
}

describeScenario(
  'applicant applies through the public page; operator bulk-approves two and rejects one with a reason; the approved affiliate signs in to the portal and copies the share link; the rejected one sees the status',
  () => {
    // The last step applies two dozen times from this one address.
    const s = useScenario('applicant-applies-and-operator-reviews', { env: { APPLY_LIMIT_PER_IP: '100' } });
    let owner: Record<string, string> = {};

    const countApplications = async () => {
      const res = await s.system.graphql<{ applications: { totalCount: number } }>(`{ applications(first: 1) { totalCount } }`, {}, owner);
      expect(res.errors).toBeUndefined();
      return res.data!.applications.totalCount;
    };

    it('the merchant has a campaign with an application form, and a paused one', async () => {
      const signIn = await s.system.graphql<{ signIn: { token: string } }>(
        `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
        s.system.admin,
      );
      owner = { authorization: `Bearer ${signIn.data!.signIn.token}` };
      const create = `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`;
      const creators = await s.system.graphql(
        create,
        {
          input: {
            name: 'Creator Collective',
            slug: 'creators',
            destinationUrl: 'https://shop.example.com/',
            currency: 'USD',
            commission: { type: 'PERCENTAGE', rateBps: 1000 },
            showRejectionReasonToApplicant: true,
            intakeFields: INTAKE_FIELDS,
          },
        },
        owner,
      );
      expect(creators.errors).toBeUndefined();
      const winter = await s.system.graphql<{ createCampaign: { id: string } }>(
        create,
        {
          input: {
            name: 'Winter Drop',
            slug: 'winter',
            destinationUrl: 'https://shop.example.com/winter',
            currency: 'USD',
            commission: { type: 'FLAT', amountMinor: 500 },
          },
        },
        owner,
      );
      expect(winter.errors).toBeUndefined();
      const paused = await s.system.graphql(
        `mutation ($id: ID!) { updateCampaign(id: $id, input: { status: PAUSED }) { status } }`,
        { id: winter.data!.createCampaign.id },
        owner,
      );
      expect(paused.errors).toBeUndefined();
    });

    it('a paused campaign and an unknown address show a clear message and no form', async () => {
      const page = await s.newPage();
      await page.goto('/portal/apply/winter');
      await page.getByTestId('apply-closed').waitFor();
      expect(await page.getByTestId('apply-closed').textContent()).toContain('not accepting applications');
      expect(await page.getByTestId('apply-form').count()).toBe(0);
      await s.shot(page, 'paused campaign');

      await page.goto('/portal/apply/no-such-campaign');
      await page.getByTestId('apply-not-found').waitFor();
      expect(await page.getByTestId('apply-not-found').textContent()).toContain('Campaign not found');
      expect(await page.getByTestId('apply-form').count()).toBe(0);
    });

    it('an applicant with an invalid URL sees the error beside the field, and nothing is created', async () => {
      const page = await s.newPage();
      await page.goto('/portal/apply/creators');
      await page.getByTestId('apply-form').waitFor();
      expect(await page.getByTestId('apply-campaign-name').textContent()).toBe('Creator Collective');
      await s.shot(page, 'application form');

      await fillApplication(page, { ...ava, profile: 'instagram dot com slash ava' });
      await page.getByRole('button', { name: 'Submit application' }).click();
      const profile = page.getByLabel('Social profile');
      expect(await profile.getAttribute('aria-invalid')).toBe('true');
      const fieldError = errorBeside(page, page.getByLabel('Social profile'));
      expect(await fieldError.textContent()).toBe('Must be a URL starting with http:// or https://');
      await s.shot(page, 'invalid url');
      expect(await countApplications()).toBe(0);

      // Fixed, it goes through: the applicant is asked to confirm from the email; nothing is queued before.
      await profile.fill(ava.profile);
      expect(await fieldError.count()).toBe(0);
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.getByTestId('apply-check-email').waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your email');
      await s.shot(page, 'check your email');
      expect(await countApplications()).toBe(0);

      // The emailed link records the application and lands in the portal, signed in.
      await page.goto(await confirmationLink(s.system, ava.email));
      await page.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();
      expect(await countApplications()).toBe(1);
      const row = page.getByTestId('applications-row');
      await row.first().waitFor();
      expect(await row.getByTestId('application-status').getAttribute('data-status')).toBe('SUBMITTED');
      expect(await row.first().textContent()).toContain('Creator Collective');

      // Applying a second time with the same email gets the same answer as anyone (the form tells
      // no one which emails have an account); the link asks for the account's password, then says why not.
      await page.goto('/portal/apply/creators');
      await fillApplication(page, ava);
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.getByTestId('apply-check-email').waitFor();
      await page.goto(await confirmationLink(s.system, ava.email));
      await page.getByTestId('confirm-password-form').waitFor();
      await page.getByTestId('confirm-password').fill(ava.password);
      await page.getByTestId('confirm-submit').click();
      await page.getByText('You have already applied to this campaign').waitFor();
      await s.shot(page, 'already applied');
      expect(await countApplications()).toBe(1);
    });

    it('two more people apply, one with HTML and script in an answer', async () => {
      for (const applicant of [ben, cleo]) {
        const page = await s.newPage();
        await page.goto('/portal/apply/creators');
        await page.getByTestId('apply-form').waitFor();
        await fillApplication(page, applicant);
        await page.getByRole('button', { name: 'Submit application' }).click();
        await page.getByTestId('apply-check-email').waitFor();
        await page.goto(await confirmationLink(s.system, applicant.email));
        await page.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();
        expect(await pwned(page)).toBeUndefined();
      }
      expect(await countApplications()).toBe(3);
    });

    let shareUrl = '';

    it('the operator filters the queue, reads the hostile answer as text, bulk-approves two and rejects the third with a reason', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.getByRole('link', { name: 'Applications', exact: true }).click();
      await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
      const rows = page.getByTestId('applications-row');
      await rows.nth(2).waitFor();
      // The counts come from their own query, which may land after the rows.
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '3');
      expect(await page.getByTestId('tab-count-approved').textContent()).toBe('0');

      // Key answers as columns; the social profile is an external link that gives the page no opener.
      const avaRow = rows.filter({ hasText: ava.name });
      const profileLink = avaRow.getByTestId('answer-link');
      expect(await profileLink.getAttribute('href')).toBe(ava.profile);
      expect(await profileLink.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await profileLink.getAttribute('target')).toBe('_blank');
      expect(await avaRow.locator('[data-column="answer-audience_size"]').textContent()).toBe('52,000'); // grouped for reading (en-US)
      expect(await avaRow.locator('[data-column="answer-content_category"]').textContent()).toBe('Fashion');
      await s.shot(page, 'queue');

      // Filter by campaign and search the answers: only Cleo's pitch mentions gadgets.
      await page.getByTestId('filter-campaign').selectOption({ label: 'Creator Collective' });
      await page.getByTestId('filter-search').fill('gadgets');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="applications-row"]').length === 1);
      expect(await rows.first().textContent()).toContain(cleo.name);
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '1');

      // The drawer shows the answer as the applicant typed it, as text; nothing in it ran.
      await rows.first().getByTestId('open-application').click();
      const drawer = page.getByTestId('application-drawer');
      await drawer.waitFor();
      const pitch = drawer.getByTestId('drawer-answer-pitch').locator('dd');
      expect(await pitch.textContent()).toBe(HOSTILE_PITCH);
      expect(await drawer.locator('img, script').count()).toBe(0);
      expect(await pwned(page)).toBeUndefined();
      expect(await drawer.getByTestId('drawer-history').textContent()).toContain('Submitted by the applicant');
      await s.shot(page, 'drawer with hostile answer');
      await drawer.getByTestId('application-drawer-close').click();
      await drawer.waitFor({ state: 'detached' });

      // Back to everyone waiting: check Ava and Ben, approve both (after a confirmation).
      await page.getByTestId('filter-search').fill('');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="applications-row"]').length === 3);
      await page.getByRole('checkbox', { name: `Select ${ava.name}` }).check();
      await page.getByRole('checkbox', { name: `Select ${ben.name}` }).check();
      expect(await page.getByTestId('applications-toolbar').textContent()).toContain('2 selected');
      await page.getByTestId('bulk-approve').click();
      const dialog = page.getByTestId('review-dialog');
      await dialog.waitFor();
      expect(await dialog.getByRole('heading').textContent()).toBe('Approve 2 selected applications?');
      await s.shot(page, 'confirm bulk approval');
      await dialog.getByTestId('review-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      const summary = page.getByTestId('review-summary');
      await summary.waitFor();
      expect(await summary.getByTestId('summary-approved').textContent()).toBe('2');
      expect(await summary.getByTestId('summary-skipped').textContent()).toBe('0');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-approved"]')?.textContent === '2');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="applications-row"]').length === 1);
      expect(await page.getByTestId('tab-count-submitted').textContent()).toBe('1');
      await s.shot(page, 'two approved');

      // Cleo, from her row: a rejection needs a reason.
      await rows.filter({ hasText: cleo.name }).getByTestId('row-reject').click();
      await dialog.waitFor();
      await dialog.getByTestId('review-confirm').click();
      expect(await dialog.locator('.field__error').textContent()).toBe('A rejection needs a reason');
      await dialog.getByTestId('review-reason').fill(REJECTION_REASON);
      await dialog.getByTestId('review-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="summary-rejected"]')?.textContent === '1');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-rejected"]')?.textContent === '1');
      expect(await page.getByTestId('tab-count-submitted').textContent()).toBe('0');
      await page.getByTestId('applications-empty').waitFor();

      // The Rejected tab: the drawer's history says who rejected, when, and why.
      await page.getByTestId('tab-rejected').click();
      await rows.filter({ hasText: cleo.name }).waitFor();
      await rows.filter({ hasText: cleo.name }).getByTestId('open-application').click();
      await drawer.waitFor();
      const history = drawer.getByTestId('drawer-history');
      await history.locator('[data-kind="REJECTED"]').waitFor();
      expect(await history.locator('[data-kind="REJECTED"]').textContent()).toContain(`Rejected by ${s.system.admin.email}`);
      expect(await history.getByTestId('history-reason').textContent()).toBe(`Reason: ${REJECTION_REASON}`);
      expect(await pwned(page)).toBeUndefined();
      await s.shot(page, 'rejected with reason');
      await drawer.getByTestId('application-drawer-close').click();

      // The Approved tab: Ava's share link, the one she will copy.
      await page.getByTestId('tab-approved').click();
      await rows.filter({ hasText: ava.name }).getByTestId('open-application').click();
      await drawer.getByTestId('drawer-share-url').waitFor();
      shareUrl = (await drawer.getByTestId('drawer-share-url').textContent()) ?? '';
      expect(shareUrl).toMatch(new RegExp(`^${s.system.baseUrl}/r/[23456789A-HJKMNP-Z]{8}$`));
      await s.shot(page, 'approved with share link');
    });

    it('the approved affiliate signs in to the portal and copies the share link', async () => {
      const page = await s.newPage();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.system.baseUrl });
      await signInToPortal(page, ava);
      // The portal opens on the dashboard; the applications are one click away.
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await page.getByTestId('nav-applications').click();
      await page.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();

      const row = page.getByTestId('applications-row');
      await row.first().waitFor();
      expect(await row.getByTestId('application-status').getAttribute('data-status')).toBe('APPROVED');
      expect(await row.getByTestId('share-url').inputValue()).toBe(shareUrl);
      await row.getByRole('button', { name: 'Copy' }).click();
      await page.getByText('Copied', { exact: true }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);
      await s.shot(page, 'share link copied');
    });

    it('the rejected applicant signs in and sees the status, with the reason the campaign shares', async () => {
      const page = await s.newPage();
      await signInToPortal(page, cleo);
      // The portal opens on the dashboard; the applications are one click away.
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await page.getByTestId('nav-applications').click();
      await page.getByRole('heading', { name: 'My applications', level: 1 }).waitFor();

      const row = page.getByTestId('applications-row');
      await row.first().waitFor();
      expect(await row.getByTestId('application-status').getAttribute('data-status')).toBe('REJECTED');
      expect(await row.getByTestId('application-status').textContent()).toBe('Rejected');
      expect(await row.getByTestId('rejection-reason').textContent()).toBe(`Reason: ${REJECTION_REASON}`);
      expect(await row.getByTestId('share-link').count()).toBe(0);
      expect(await pwned(page)).toBeUndefined();
      await s.shot(page, 'rejected status');
    });

    it('with a long queue, the operator approves every application matching a search at once, and nothing else', async () => {
      const apply = (name: string, email: string) =>
        s.system.graphql(`mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
          input: {
            campaignSlug: 'creators',
            name,
            email,
            password: 'bulk-portal-password',
            answers: [
              { key: 'social_profile', value: `https://example.com/${email}` },
              { key: 'audience_size', value: '1000' },
              { key: 'content_category', value: 'Food' },
              { key: 'agree', value: 'true' },
            ],
          },
        });
      const applicants = [
        ...Array.from({ length: 21 }, (_, i) => [`Batch Baker ${i + 1}`, `baker${i + 1}@kitchen.example`] as const),
        ['Dana Other', 'dana@elsewhere.example'] as const,
      ];
      for (const [name, email] of applicants) {
        expect((await apply(name, email)).errors).toBeUndefined();
        await confirmFromOutbox(s.system, email);
      }

      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.goto('/admin/applications');
      const rows = page.getByTestId('applications-row');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '22');
      await page.getByTestId('filter-search').fill('batch baker');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '21');
      await page.waitForFunction(() => document.querySelector('[data-testid="applications-page-info"]')?.textContent?.includes('21 total'));
      expect(await rows.count()).toBe(20);

      // The page's own checkbox selects 20; the banner offers all 21 (the server applies the filter).
      await page.getByTestId('applications-select-all').check();
      await page.getByTestId('select-all-matching').click();
      expect(await page.getByTestId('select-all-matching-banner').textContent()).toContain('All 21 applications matching');
      await page.getByTestId('bulk-approve').click();
      const dialog = page.getByTestId('review-dialog');
      expect(await dialog.getByRole('heading').textContent()).toBe('Approve all 21 matching applications?');
      await s.shot(page, 'confirm approving every match');
      await dialog.getByTestId('review-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="summary-approved"]')?.textContent === '21');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '0');
      await s.shot(page, 'every match approved');

      // Dana did not match the search: still waiting.
      await page.getByTestId('filter-search').fill('');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-count-submitted"]')?.textContent === '1');
      await rows.filter({ hasText: 'Dana Other' }).waitFor();
      expect(await page.getByTestId('tab-count-approved').textContent()).toBe('23');
    });
  },
);
