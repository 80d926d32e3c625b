import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { signInToPortal } from './support/portal.js';
import { describeScenario, useScenario } from './support/scenario.js';

/** The demo's seeded affiliates (server/src/seed/demo.ts): approved, still under review, turned down. */
const PASSWORD = 'sorae-demo-2026';
const APPROVED = { email: 'maya.chen@creators.example', password: PASSWORD };
const UNDER_REVIEW = { email: 'nora.lindqvist@creators.example', password: PASSWORD };
const REJECTED = { email: 'zara.ahmed@creators.example', password: PASSWORD };

const WIDTHS = [
  { name: 'desk', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** What does not fit: the page scrolling sideways, a table wider than its card, a cell's content spilling out of it. */
function misfits(page: Page) {
  return page.evaluate(() => {
    const found: string[] = [];
    const sideways = document.scrollingElement!.scrollWidth - window.innerWidth;
    if (sideways > 0) found.push(`the page scrolls sideways by ${sideways}px`);
    const name = (el: Element) => el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName;
    for (const s of Array.from(document.querySelectorAll('.table-scroll'))) {
      if (s.scrollWidth > s.clientWidth + 1) found.push(`table ${name(s)} is cut off: ${s.scrollWidth - s.clientWidth}px of it hidden`);
    }
    for (const c of Array.from(document.querySelectorAll<HTMLElement>('.table td, .table th'))) {
      if (c.offsetParent !== null && c.scrollWidth > c.clientWidth + 1)
        found.push(`a ${c.dataset.column ?? c.tagName} cell of ${name(c)} overflows: "${c.textContent?.slice(0, 40)}"`);
    }
    for (const b of Array.from(document.querySelectorAll('main button, main a.btn'))) {
      // A phone's table keeps its header row for screen readers only (1 px, clipped).
      if ((b.closest('thead')?.clientWidth ?? 2) <= 1) continue;
      const r = b.getBoundingClientRect();
      if (r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1)) found.push(`button "${b.textContent}" is outside the window`);
    }
    return found;
  });
}

/** Waits until the page has its heading and nothing is loading any more. */
async function settled(page: Page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading, .table__message[role="status"], [aria-busy="true"]'));
}

/** Opens each page at each width, with a screenshot of each; answers what did not fit, or a page without its own title. */
async function tour(s: ReturnType<typeof useScenario>, page: Page, pages: readonly (readonly [string, string])[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [label, path] of pages) {
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w.width, height: w.height });
      await page.goto(path);
      await settled(page);
      await s.shot(page, `${label}-${w.width}`);
      problems.push(...(await misfits(page)).map((m) => `${label} at ${w.width}px: ${m}`));
      const title = await page.title();
      if (!/. · Sorae (Admin|Partner Portal)$/.test(title)) problems.push(`${label}: the tab says "${title}"`);
    }
  }
  return problems;
}

/** The first link to a detail page of a list (`/admin/campaigns/<id>`, never `/new`). */
async function firstDetail(page: Page, path: string, prefix: string): Promise<string> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(path);
  await settled(page);
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  const href = hrefs.find((h) => /\/[0-9a-f-]{36}$/.test(h));
  expect(href, `a link to ${prefix}<id> on ${path}`).toBeDefined();
  return href!;
}

describeScenario(
  'operator and affiliates open every page at 1440 and 390 px: nothing is cut off, nothing scrolls sideways, portal tables are cards and the menu folds away',
  () => {
    const s = useScenario('every-page-fits-a-desk-and-a-phone', { env: { SEED_DEMO: 'true' } });

    it('every admin page fits a desk and a phone', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      const pages: [string, string][] = [
        ['campaigns', '/admin/campaigns'],
        ['new-campaign', '/admin/campaigns/new'],
        ['campaign', await firstDetail(page, '/admin/campaigns', '/admin/campaigns/')],
        ['applications', '/admin/applications'],
        ['affiliates', '/admin/affiliates'],
        ['affiliate', await firstDetail(page, '/admin/affiliates', '/admin/affiliates/')],
        ['commissions', '/admin/commissions'],
        ['referrals', '/admin/referrals'],
        ['payouts', '/admin/payouts'],
        ['payout-batch', await firstDetail(page, '/admin/payouts', '/admin/payouts/')],
        ['settings', '/admin/settings'],
      ];
      // The outbox, where mail goes without SMTP, when this build has it.
      if (await page.getByTestId('nav-outbox').count()) pages.push(['outbox', '/admin/outbox']);
      expect(
        await tour(
          s,
          page,
          pages.map(([label, path]) => [`admin-${label}`, path] as const),
        ),
      ).toEqual([]);

      // The applications queue at a desk: every row's Reject button is in view, not behind a scroll.
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto('/admin/applications');
      await settled(page);
      const reject = page.getByTestId('row-reject').first();
      await reject.waitFor();
      const box = (await reject.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1440);
    });

    // Its own test: the admin tour alone nearly fills its two minutes on a busy machine.
    it('the overview the admin lands on fits a desk and a phone, with 45 days of the demo in it', async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      expect(await tour(s, page, [['admin-overview', '/admin/overview?range=last-90-days']])).toEqual([]);
    });

    it("on a phone the admin's menu is a button: it opens the navigation, and choosing a page closes it", async () => {
      const page = await s.newPage();
      await signInToAdmin(page, s.system.admin);
      await page.setViewportSize({ width: 390, height: 844 });
      const menu = page.getByTestId('menu-button');
      const payouts = page.getByTestId('nav-payouts');
      expect(await menu.isVisible()).toBe(true);
      expect(await payouts.isVisible()).toBe(false);
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await payouts.click();
      await page.waitForURL(/\/admin\/payouts$/);
      await settled(page);
      expect(await payouts.isVisible()).toBe(false);
      expect(await page.title()).toBe('Payouts · Sorae Admin');
      // At a desk there is no menu button: the navigation is always there.
      await page.setViewportSize({ width: 1440, height: 900 });
      expect(await menu.isVisible()).toBe(false);
      expect(await payouts.isVisible()).toBe(true);
    });

    it('every portal page fits a desk and a phone, and on a phone its tables are cards of labelled values', async () => {
      const page = await s.newPage();
      await signInToPortal(page, APPROVED);
      const pages = [
        ['portal-dashboard', '/portal/'],
        ['portal-applications', '/portal/applications'],
        ['portal-payouts', '/portal/payouts'],
        ['portal-get-paid', '/portal/get-paid'],
        ['portal-account', '/portal/account'],
      ] as const;
      expect(await tour(s, page, pages)).toEqual([]);
      // The last tour stop left the phone width: a row of My applications reads as label: value lines.
      await page.goto('/portal/applications');
      await settled(page);
      const cell = page.getByTestId('applications-row').first().locator('td[data-column="status"]');
      const card = await cell.evaluate((td) => ({ display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content }));
      expect(card).toEqual({ display: 'flex', label: '"Status"' });
      expect(await page.locator('.table thead').first().boundingBox()).toMatchObject({ width: 1, height: 1 });
      // The public application page and the sign-in page fit too.
      const anonymous = await s.newPage();
      expect(await tour(s, anonymous, [['portal-apply', '/portal/apply/creators']])).toEqual([]);
    });

    it('the pages reached signed out fit too: a forgotten password, the emailed reset and invitation links', async () => {
      const anonymous = await s.newPage();
      const pages = [
        ['admin-forgot-password', '/admin/forgot-password'],
        ['admin-reset-password', '/admin/reset-password'],
        ['admin-accept-invitation', '/admin/accept-invitation'],
        ['portal-forgot-password', '/portal/forgot-password'],
        ['portal-reset-password', '/portal/reset-password'],
      ] as const;
      expect(await tour(s, anonymous, pages)).toEqual([]);
    });

    it('the portal greets an affiliate by where they stand: in the program, under review, or turned down', async () => {
      const greeting = async (who: { email: string; password: string }) => {
        const page = await s.newPage();
        await signInToPortal(page, who);
        await page.goto('/portal/');
        return page.getByTestId('dashboard-greeting').textContent();
      };
      expect(await greeting(APPROVED)).toMatch(/^Welcome back, Maya Chen\. Share your links/);
      expect(await greeting(UNDER_REVIEW)).toMatch(/^Welcome, Nora Lindqvist\. Your application to Creator Program is under review/);
      expect(await greeting(REJECTED)).toMatch(/^Hello Zara Ahmed\. Your application to Creator Program was not accepted this time/);
    });
  },
);
