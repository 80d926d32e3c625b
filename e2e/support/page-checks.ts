import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Scenario } from './scenario.js';

/**
 * Everything the browser complains about on a page: CSP violations (reported as events before
 * anything else sees them), console errors and uncaught exceptions.
 */
export async function watchComplaints(page: Page): Promise<string[]> {
  const complaints: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => complaints.push(`CSP violation: ${v}`));
  // Init scripts come from DevTools, so the policy under test does not block this listener.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('console', (m) => m.type() === 'error' && complaints.push(`console: ${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => complaints.push(`uncaught: ${e.message}`));
  return complaints;
}

/** What an amount of minor units of a two-digit currency looks like in the browser's locale (the apps format money with Intl). */
export const moneyInBrowser = (page: Page, minor: number, currency = 'USD') =>
  page.evaluate(([m, c]) => new Intl.NumberFormat(undefined, { style: 'currency', currency: c }).format(m / 100), [minor, currency] as const);

/**
 * The page at a desk (1440 px) and on a phone (390 px): a screenshot of each once `ready` is
 * there, and no sideways scroll on either. Leaves the desk's width.
 */
export async function shootDeskAndPhone(s: Scenario, page: Page, label: string, ready: () => Promise<unknown>): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await ready();
    await s.shot(page, `${label}-${width}`);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth)).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
