import { createHash } from 'node:crypto';
import type { Handler } from '../../http/router.js';

/**
 * The merchant-site script (`<script src="https://<sorae>/sorae.js" async></script>`). On the
 * landing page it keeps `sorae_click` and `sorae_vid` from the URL in first-party cookies for
 * the attribution window (`data-window-days`, default 30, at most 365; `data-cookie-domain`
 * to share them across subdomains, e.g. `.shop.example`), and gives the checkout
 * `Sorae.getAttribution()` → `{ clickId, visitorId }` (null when absent), which the store
 * sends with the order. Written in ES5 with no dependencies, so any page can load it.
 */
export const SORAE_JS = `/* Sorae attribution: keeps sorae_click/sorae_vid first-party; Sorae.getAttribution() for the checkout. */
(function (w, d) {
  'use strict';
  var CLICK = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var VISITOR = /^[A-Za-z0-9_-]{16,64}$/;
  var s = d.currentScript, days = 30, domain = '';
  if (s) {
    var n = parseInt(s.getAttribute('data-window-days'), 10);
    if (n > 0 && n <= 365) days = n;
    domain = s.getAttribute('data-cookie-domain') || '';
    if (!/^\\.?[A-Za-z0-9.-]+$/.test(domain)) domain = '';
  }
  function valid(v, re) {
    return v && re.test(v) ? v : null;
  }
  function param(name) {
    var m = new RegExp('[?&]' + name + '=([^&#]*)').exec(w.location.search || '');
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return null;
    }
  }
  function cookie(name) {
    var m = new RegExp('(?:^|;\\\\s*)' + name + '=([^;]*)').exec(d.cookie || '');
    return m ? m[1] : null;
  }
  function keep(name, value) {
    d.cookie = name + '=' + value + '; Max-Age=' + days * 86400 + '; Path=/; SameSite=Lax' +
      (domain ? '; Domain=' + domain : '') + (w.location.protocol === 'https:' ? '; Secure' : '');
  }
  var click = valid(param('sorae_click'), CLICK), visitor = valid(param('sorae_vid'), VISITOR);
  if (click) keep('sorae_click', click);
  if (visitor) keep('sorae_vid', visitor);
  var api = w.Sorae = w.Sorae || {};
  api.getAttribution = function () {
    return {
      clickId: valid(cookie('sorae_click'), CLICK) || click,
      visitorId: valid(cookie('sorae_vid'), VISITOR) || visitor
    };
  };
})(window, document);
`;

const body = Buffer.from(SORAE_JS);
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

/** Serves the script: cached for an hour by browsers and CDNs, revalidated by ETag. */
export const soraeJsHandler: Handler = (req, res) => {
  const headers = {
    'content-type': 'application/javascript; charset=utf-8',
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
};
