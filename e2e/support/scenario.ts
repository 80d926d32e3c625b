import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { e2eUnavailableReason, launchBrowser, newContext, screenshotter } from './browser.js';
import { startSystem, type StartOptions, type System } from './system.js';

/**
 * A scenario suite. Without Chromium (or a database server) it is skipped with the reason
 * printed, unless REQUIRE_E2E=1, where that is a failure.
 */
export function describeScenario(name: string, body: () => void): void {
  const reason = e2eUnavailableReason();
  if (!reason) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_E2E === '1') {
    describe(name, () => {
      it('has what e2e needs', () => {
        throw new Error(`REQUIRE_E2E=1, but e2e cannot run: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[e2e] skipping "${name}": ${reason}`);
  describe.skip(name, body);
}

export interface Scenario {
  readonly system: System;
  readonly browser: Browser;
  /** A page in a fresh browser context (its own cookies), closed after the suite. */
  newPage(): Promise<Page>;
  /** Numbered screenshot of a step: e2e/artifacts/<suite>/NN-<step>.png. */
  shot(page: Page, step: string): Promise<void>;
}

/**
 * Starts the whole system and a browser before the suite's tests and stops both after them;
 * a failing test leaves a screenshot of every open page.
 */
export function useScenario(name: string, options: Omit<StartOptions, 'name'> = {}): Scenario {
  let system: System | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let shoot: ReturnType<typeof screenshotter> | undefined;

  beforeAll(async () => {
    system = await startSystem({ name, ...options });
    shoot = screenshotter(system.artifacts);
    browser = await launchBrowser();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !shoot) return;
    for (const context of contexts) {
      for (const page of context.pages()) await shoot(page, `failed-${ctx.task.name}`).catch(() => undefined);
    }
    if (system) console.error(`[e2e] server output (last lines):\n${system.logTail()}`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await system?.stop();
  });

  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} is not started (did beforeAll fail?)`);
    return v;
  };
  return {
    get system() {
      return need(system, 'The system');
    },
    get browser() {
      return need(browser, 'The browser');
    },
    async newPage() {
      const context = await newContext(need(browser, 'The browser'), need(system, 'The system').baseUrl);
      contexts.push(context);
      return context.newPage();
    },
    async shot(page, step) {
      await need(shoot, 'The system')(page, step);
    },
  };
}
