import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SORAE_JS } from './sorae-js.js';

const CLICK = '0193a8f0-7c1e-7a2b-9c3d-4e5f60718293';
const VISITOR = '5b0e2c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d';

/** A page on the merchant's site: a location, a cookie jar that honours Max-Age, a script tag. */
function page(href: string, opts: { cookies?: Record<string, string>; attrs?: Record<string, string> } = {}) {
  const jar = new Map(Object.entries(opts.cookies ?? {}));
  const written: string[] = [];
  const document = {
    currentScript: { getAttribute: (name: string) => opts.attrs?.[name] ?? null },
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(line: string) {
      written.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    },
  };
  const url = new URL(href);
  const window: Record<string, any> = { location: { href, search: url.search, protocol: url.protocol } };
  runInNewContext(SORAE_JS, { window, document });
  return { Sorae: window.Sorae as { getAttribution(): { clickId: string | null; visitorId: string | null } }, written, jar };
}

describe('sorae.js on the merchant site', () => {
  it('is small and dependency-free', () => {
    expect(Buffer.byteLength(SORAE_JS)).toBeLessThan(3 * 1024);
    expect(SORAE_JS).not.toMatch(/\bimport\b|\brequire\(|fetch\(|XMLHttpRequest/);
  });

  it('keeps sorae_click and sorae_vid from the landing URL in first-party cookies for 30 days', () => {
    const { Sorae, written } = page(`https://shop.example/landing?ref=x&sorae_click=${CLICK}&sorae_vid=${VISITOR}#top`);
    expect(written).toEqual([
      `sorae_click=${CLICK}; Max-Age=2592000; Path=/; SameSite=Lax; Secure`,
      `sorae_vid=${VISITOR}; Max-Age=2592000; Path=/; SameSite=Lax; Secure`,
    ]);
    expect(Sorae.getAttribution()).toEqual({ clickId: CLICK, visitorId: VISITOR });
  });

  it('gives the checkout, on a later page, what the landing page kept', () => {
    const { Sorae, written } = page('https://shop.example/checkout', { cookies: { theme: 'dark', sorae_click: CLICK, sorae_vid: VISITOR } });
    expect(written).toEqual([]);
    expect(Sorae.getAttribution()).toEqual({ clickId: CLICK, visitorId: VISITOR });
  });

  it('answers nulls for a visitor who never followed a share link', () => {
    expect(page('https://shop.example/').Sorae.getAttribution()).toEqual({ clickId: null, visitorId: null });
  });

  it('a newer click replaces the older one', () => {
    const newer = '0193a8f0-7c1e-7a2b-9c3d-000000000001';
    const { Sorae } = page(`https://shop.example/?sorae_click=${newer}`, { cookies: { sorae_click: CLICK, sorae_vid: VISITOR } });
    expect(Sorae.getAttribution()).toEqual({ clickId: newer, visitorId: VISITOR });
  });

  it('honours data-window-days and data-cookie-domain, and omits Secure on http', () => {
    const { written } = page(`http://www.shop.example/?sorae_click=${CLICK}`, { attrs: { 'data-window-days': '7', 'data-cookie-domain': '.shop.example' } });
    expect(written).toEqual([`sorae_click=${CLICK}; Max-Age=604800; Path=/; SameSite=Lax; Domain=.shop.example`]);
  });

  it('ignores values that are not ids (no cookie injection), and out-of-range windows', () => {
    const { Sorae, written } = page('https://shop.example/?sorae_click=x%3B%20Domain%3Devil.example&sorae_vid=%3Cscript%3E', {
      attrs: { 'data-window-days': '9999', 'data-cookie-domain': 'evil; Path=/x' },
    });
    expect(written).toEqual([]);
    expect(Sorae.getAttribution()).toEqual({ clickId: null, visitorId: null });
    const bad = page('https://shop.example/', { cookies: { sorae_click: 'not-a-uuid', sorae_vid: 'x' } });
    expect(bad.Sorae.getAttribution()).toEqual({ clickId: null, visitorId: null });
    const capped = page(`https://shop.example/?sorae_click=${CLICK}`, { attrs: { 'data-window-days': '9999' } });
    expect(capped.written[0]).toContain('Max-Age=2592000');
  });

  it('keeps an existing window.Sorae object', () => {
    const window: Record<string, any> = { location: { search: '', protocol: 'https:' }, Sorae: { version: 'x' } };
    runInNewContext(SORAE_JS, { window, document: { currentScript: null, cookie: '' } });
    expect(window.Sorae.version).toBe('x');
    expect(window.Sorae.getAttribution()).toEqual({ clickId: null, visitorId: null });
  });

  describe("README's lines passing the click to Stripe", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const line = (start: string) => readme.split('\n').find((l) => l.startsWith(start))!;
    /** What Stripe takes as a client_reference_id: up to 200 letters, digits, dashes and underscores. */
    const REFERENCE = /^[A-Za-z0-9_-]{1,200}$/;

    it('Checkout: the session is created with the click as client_reference_id, and without one when there is none', async () => {
      const checkout = line('const session = await stripe.checkout.sessions.create(');
      const created: Record<string, unknown>[] = [];
      const stripe = { checkout: { sessions: { create: async (p: Record<string, unknown>) => (created.push(p), { id: 'cs_1' }) } } };
      for (const href of [`https://shop.example/?sorae_click=${CLICK}`, 'https://shop.example/']) {
        const { clickId } = page(href).Sorae.getAttribution();
        await runInNewContext(`(async () => { ${checkout} })()`, { stripe, clickId, params: { mode: 'payment' } });
      }
      expect(created).toEqual([
        { mode: 'payment', client_reference_id: CLICK },
        { mode: 'payment', client_reference_id: undefined },
      ]);
      expect(created[0]!.client_reference_id).toMatch(REFERENCE);
    });

    it("Payment Link: the link's URL gets ?client_reference_id= (or &…), and stays as it was without a click", () => {
      const paymentLink = line('if (Sorae.getAttribution().clickId) link.href');
      const run = (landing: string, href: string) => {
        const link = { href };
        runInNewContext(paymentLink, { Sorae: page(landing).Sorae, link });
        return link.href;
      };
      const url = new URL(run(`https://shop.example/?sorae_click=${CLICK}`, 'https://buy.stripe.com/test_abc'));
      expect(url.searchParams.get('client_reference_id')).toBe(CLICK);
      expect(run(`https://shop.example/?sorae_click=${CLICK}`, 'https://buy.stripe.com/test_abc?locale=fr')).toBe(
        `https://buy.stripe.com/test_abc?locale=fr&client_reference_id=${CLICK}`,
      );
      expect(run('https://shop.example/', 'https://buy.stripe.com/test_abc')).toBe('https://buy.stripe.com/test_abc');
    });
  });
});
