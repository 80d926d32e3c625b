import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath } from './browser.js';

/**
 * A campaign's destination is the merchant's store, a host that does not exist. Playwright's
 * page.route does not see the request a 302 leads to (the redirect from /r/<code>), so the
 * shopper's own Chromium resolves the store's name to a tiny local store server instead
 * (--host-resolver-rules): the browser really follows Sorae's redirect to the store's origin.
 */
export const STORE_HOST = 'shop.example.test';
/** A person's browser: headless Chromium names itself HeadlessChrome, which Sorae logs as a bot (bots never win attribution). */
export const SHOPPER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export interface Store {
  /** http://shop.example.test:<port>, as the shopper's browser reaches it. */
  origin: string;
  close(): Promise<void>;
}

/** What a store page shows of `sorae.js`: `#attribution` holds `Sorae.getAttribution()` as JSON once the script ran. */
export const attributionScript = `<script>document.getElementById('attribution').textContent = JSON.stringify(Sorae.getAttribution());</script>`;

/**
 * The store on loopback: every GET answers `page()` (HTML), and `POST <path>` runs
 * `actions[path]` with the JSON body the page sent and answers its result as JSON (what the
 * store's own server does at checkout).
 */
export async function startStore(page: () => string, actions: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {}): Promise<Store> {
  const server = createServer((req, res) => {
    const action = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (req.method === 'POST' && !action) {
      res.writeHead(404).end();
      return;
    }
    if (!action) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page());
      return;
    }
    void readJson(req)
      .then(action)
      .then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://${STORE_HOST}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A shopper's own Chromium (which finds the store at STORE_HOST) and a page with a person's user agent. */
export async function launchShopper(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--host-resolver-rules=MAP ${STORE_HOST} 127.0.0.1`],
  });
  const page = await browser.newPage({ userAgent: SHOPPER_UA, locale: 'en-US', timezoneId: 'UTC' });
  return { browser, page };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
