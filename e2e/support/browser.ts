import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (never a Playwright download): CHROMIUM_PATH or /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Why e2e cannot run here, or null when it can. (No DATABASE_URL is a failure, not a skip: startSystem says so.) */
export function e2eUnavailableReason(): string | null {
  const path = chromiumPath();
  if (!existsSync(path)) return `no Chromium binary at ${path} (apt-get install chromium, or set CHROMIUM_PATH)`;
  return null;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh, isolated browser profile (own cookies) at a desktop size. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1360, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** Saves numbered full-page screenshots of a scenario's steps under its artifacts folder. */
export function screenshotter(dir: string) {
  let n = 0;
  mkdirSync(dir, { recursive: true });
  return async (page: Page, step: string): Promise<string> => {
    n += 1;
    const file = join(dir, `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}
