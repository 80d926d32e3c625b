/**
 * The built-in Stripe emulator: a stateful stand-in for api.stripe.com that the server reaches
 * only through the official SDK (`host`/`port`/`protocol: 'http'`). It speaks Stripe's wire
 * format for accounts, account links, transfers (+ reversals), balance and events, with
 * Stripe's idempotency, per-endpoint rate limit and signed webhooks. With `dataDir` it keeps
 * its state there (accounts, links, transfers, balance, events, saved idempotency answers: see
 * journal.ts), so a restarted server still pays the accounts it onboarded; no answer is sent
 * before the state it reflects is on disk.
 *
 * Control surface (no auth), for tests and demos:
 *   GET  /_emulator/transfers                 every transfer created, with its idempotency key
 *   GET  /_emulator/stats                     API answers sent, counted per operation and HTTP status
 *   GET|POST|DELETE /_emulator/faults         { op, destination?, mode, code?, message?, times?, delayMs? }
 *   POST /_emulator/reset                     clears all state
 *   POST /_emulator/idempotency/expire        { prefix? } forgets saved idempotency keys (those
 *                                             starting with prefix), as 24 h would
 *   POST /_emulator/accounts/:id/enable|restrict|deauthorize   (each sends its webhook)
 *   POST /_emulator/balance                   { currency, amount } adds to the platform balance
 *   GET  /_emulator/events                    events, delivery attempts, held count
 *   POST /_emulator/webhooks/pause|resume     resume { order: fifo|reverse|shuffle }
 *   POST /_emulator/webhooks/redeliver        { ids?, type?, times?, order? } duplicates
 *   POST /_emulator/config                    { rate?, webhookUrl? }
 *   GET  /_emulator/onboard/:token            the account link's page (completes onboarding)
 *
 * A merchant's own account, as it sells (sales.ts; events go to that account's webhook endpoints):
 *   POST /_emulator/accounts                  { type: 'standard' } → { id, secret_key }
 *   POST /_emulator/accounts/:id/keys         { without?: ['rak_webhook_write', …] } → { secret_key } (a restricted key)
 *   POST /_emulator/sales/checkout            { account, mode, amount, currency, client_reference_id?, metadata?,
 *                                               promotion_code?, customer_email? } → { session, customer, subscription, invoice, charge }
 *   POST /_emulator/sales/subscriptions/:id/renew   → { invoice, charge }: the next month's invoice, paid
 *   POST /_emulator/sales/charges/:id/refund        { amount? } → { refund }
 *   POST /_emulator/sales/charges/:id/dispute       { outcome: 'lost' | 'won' } → { dispute }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './log.js';
import Stripe from 'stripe';
import { apiError, executionError, keyHint, messageForCode, rateLimited, StripeHttpError, type StripeErrorBody } from './errors.js';
import { canonicalParams, decodeForm, type FormParams } from './form.js';
import { errorResponse, IdempotencyStore, type SavedResponse } from './idempotency.js';
import { EmulatorJournal, type Change } from './journal.js';
import { RateLimiter } from './rate-limiter.js';
import { PLATFORM, SalesState, permissionError, type CheckoutRequest } from './sales.js';
import { LIST_PARAMS, StripeState, allowOnly, paginate, str, stripeId, type Emitted } from './store.js';
import { WebhookDispatcher, type FlushOrder, type StripeEvent } from './webhooks.js';

export interface StripeEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Requests per second per endpoint before 429 (Stripe's default is 25); 0 disables. */
  rate?: number;
  /** Where events are POSTed (the server's /webhooks/stripe); none: events are only recorded. */
  webhookUrl?: string;
  /** The endpoint secret (`whsec_…`) events are signed with. */
  webhookSecret: string;
  /** Platform balance per currency in minor units; default 1,000,000,000.00 USD and EUR. */
  initialBalance?: Record<string, number>;
  log?: Logger;
  /** Injectable clock (ms), for rate windows, `created` and idempotency expiry in tests. */
  now?: () => number;
  /** Delays before each webhook retry; its length is the number of retries. */
  webhookRetryDelaysMs?: number[];
  /** Where the state is kept across restarts; none: in memory only. */
  dataDir?: string;
  /** Journal size that triggers a snapshot (tests make it small). */
  compactAtBytes?: number;
}

export interface StripeEmulator {
  url: string;
  port: number;
  /** A key the emulator accepts (any `sk_test_…` works). */
  secretKey: string;
  setWebhookUrl(url: string | undefined): void;
  setRate(rate: number): void;
  /** Resolves once no webhook delivery is in flight or scheduled. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

export type FaultMode = 'error' | 'http_500' | 'timeout_after_commit' | 'delay' | 'rate_limit';
export interface Fault {
  id: string;
  op: string;
  destination?: string;
  mode: FaultMode;
  code?: string;
  message?: string;
  type?: StripeErrorBody['type'];
  /** How many matching requests it hits before it is spent. */
  times: number;
  delayMs?: number;
}

const FAULT_MODES: FaultMode[] = ['error', 'http_500', 'timeout_after_commit', 'delay', 'rate_limit'];
const DEFAULT_SECRET_KEY = 'sk_test_sorae_emulator';
const MAX_BODY = 1024 * 1024;

interface Ctx {
  params: FormParams;
  path: Record<string, string>;
  apiKey: string;
  /** The account whose objects the key sees (sales.ts): its own, or the platform's. */
  scope: string;
  idempotencyKey: string | null;
  baseUrl: string;
}
interface Result {
  body: unknown;
  emitted?: Emitted[];
}
interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  names: string[];
  /** Rate-limit bucket and the op name faults refer to. */
  op: string;
  handler: (ctx: Ctx) => Result;
  /** The permission a restricted key needs (Stripe's `rak_…` name). */
  permission?: string;
}

export async function startStripeEmulator(opts: StripeEmulatorOptions): Promise<StripeEmulator> {
  const now = opts.now ?? Date.now;
  const log = opts.log;
  let journal: EmulatorJournal | null = null;
  const record = (change: Change) => journal?.record(change);
  const state = new StripeState(opts.initialBalance ?? { usd: 100_000_000_000, eur: 100_000_000_000 }, now, record);
  const idempotency = new IdempotencyStore(now, record);
  const sales = new SalesState(now, record);
  /** Sales events by id → the account whose endpoints receive them. */
  const eventScopes = new Map<string, string>();
  const limiter = new RateLimiter(opts.rate ?? 25, now);
  const webhooks = new WebhookDispatcher({ url: opts.webhookUrl, secret: opts.webhookSecret, now, log, retryDelaysMs: opts.webhookRetryDelaysMs });
  const events = new Map<string, StripeEvent>();
  const reset = () => {
    state.reset();
    idempotency.clear();
    sales.reset();
    events.clear();
    eventScopes.clear();
  };
  if (opts.dataDir) {
    const snapshot = (): Change[] => [
      ...state.snapshot(),
      ...idempotency.snapshot(),
      ...sales.snapshot(),
      ...[...events.values()].map((event): Change => ({ kind: 'event', event, scope: eventScopes.get(event.id) })),
    ];
    const opened = await EmulatorJournal.open(opts.dataDir, snapshot, { compactAtBytes: opts.compactAtBytes, log });
    for (const c of opened.changes) {
      if (c.kind === 'reset') reset();
      else if (c.kind === 'event') {
        events.set(c.event.id, c.event);
        if (c.scope) eventScopes.set(c.event.id, c.scope);
      } else {
        state.restore(c);
        idempotency.restore(c);
        sales.restore(c);
      }
    }
    idempotency.prune();
    journal = opened.journal;
    log?.info({ dataDir: opts.dataDir, accounts: state.accounts.size, transfers: state.transfers.length }, 'stripe emulator: state restored');
  }
  /** Resolves once everything answered so far is on disk. */
  const persisted = () => journal?.durable() ?? Promise.resolve();
  /** Once the state they reflect is on disk: webhooks never announce what a restart would forget. */
  const publish = async (created: StripeEvent[]) => {
    await persisted();
    for (const e of created) deliver(e);
  };
  /** A platform event to the server's URL; a sales account's to that account's endpoints for its type. */
  const deliver = (e: StripeEvent) => {
    const scope = eventScopes.get(e.id);
    if (!scope) return webhooks.send(e);
    for (const target of sales.endpointsFor(scope, e.type)) webhooks.send(e, target);
  };
  let faults: Fault[] = [];
  let answered: Record<string, Record<number, number>> = {};
  const shutdown = new AbortController();
  let baseUrl = '';

  /** Records the events of a change; `publish` sends them. */
  const emit = (emitted: Emitted[] | undefined, requestId: string | null, idempotencyKey: string | null): StripeEvent[] =>
    (emitted ?? []).map((e) => {
      const event: StripeEvent = {
        id: stripeId('evt'),
        object: 'event',
        ...(e.account ? { account: e.account } : {}),
        api_version: Stripe.API_VERSION,
        created: Math.floor(now() / 1000),
        data: { object: e.object, ...(e.previous ? { previous_attributes: e.previous } : {}) },
        livemode: false,
        pending_webhooks: e.scope ? sales.endpointsFor(e.scope, e.type).length : webhooks.url ? 1 : 0,
        request: { id: requestId, idempotency_key: idempotencyKey },
        type: e.type,
      };
      events.set(event.id, event);
      if (e.scope) eventScopes.set(event.id, e.scope);
      record({ kind: 'event', event, scope: e.scope });
      return event;
    });

  const routes: Route[] = [
    route('POST', '/v1/accounts', 'accounts.create', ({ params }) => ({ body: state.createAccount(params) })),
    route('GET', '/v1/accounts/:id', 'accounts.retrieve', ({ path }) => ({ body: structuredClone(state.getAccount(path.id!)) })),
    route('POST', '/v1/accounts/:id', 'accounts.update', ({ path, params }) => {
      const { account, emitted } = state.updateAccount(path.id!, params);
      return { body: account, emitted };
    }),
    route('POST', '/v1/account_links', 'accountLinks.create', ({ params, baseUrl: b }) => ({ body: state.createAccountLink(params, b) })),
    route('POST', '/v1/transfers', 'transfers.create', ({ params, idempotencyKey, apiKey }) => {
      const { transfer, emitted } = state.createTransfer(params, idempotencyKey, keyHint(apiKey));
      return { body: transfer, emitted };
    }),
    route('GET', '/v1/transfers', 'transfers.list', ({ params }) => ({ body: state.listTransfers(params) })),
    route('GET', '/v1/transfers/:id', 'transfers.retrieve', ({ path }) => ({ body: state.getTransfer(path.id!) })),
    route('POST', '/v1/transfers/:id', 'transfers.update', ({ path, params }) => ({ body: state.updateTransfer(path.id!, params) })),
    route('POST', '/v1/transfers/:id/reversals', 'transfers.createReversal', ({ path, params }) => {
      const { reversal, emitted } = state.createReversal(path.id!, params);
      return { body: reversal, emitted };
    }),
    route('GET', '/v1/transfers/:id/reversals', 'transfers.listReversals', ({ path, params }) => ({ body: state.listReversals(path.id!, params) })),
    route('GET', '/v1/balance', 'balance.retrieve', () => ({ body: state.getBalance() })),
    route('GET', '/v1/events', 'events.list', ({ params, scope }) => {
      allowOnly(params, ['type', ...LIST_PARAMS]);
      const type = str(params, 'type');
      const matching = [...events.values()].reverse().filter((e) => (!type || e.type === type) && (eventScopes.get(e.id) ?? PLATFORM) === scope);
      return { body: paginate(matching, params, '/v1/events') };
    }),
    route('GET', '/v1/events/:id', 'events.retrieve', ({ path, scope }) => {
      const e = events.get(path.id!);
      if (!e || (eventScopes.get(e.id) ?? PLATFORM) !== scope)
        throw new StripeHttpError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such event: '${path.id}'`, param: 'id' }, false);
      return { body: e };
    }),
    // The key's own account and its sales objects (sales.ts).
    route(
      'GET',
      '/v1/account',
      'account.retrieve',
      ({ scope }) => ({ body: scope === PLATFORM ? platformAccount(baseUrl) : structuredClone(state.getAccount(scope)) }),
      'rak_account_read',
    ),
    route('POST', '/v1/customers', 'customers.create', ({ scope, params }) => ({ body: sales.createCustomer(scope, params) }), 'rak_customer_write'),
    route('GET', '/v1/customers/:id', 'customers.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'customer', path.id!) }), 'rak_customer_read'),
    route(
      'POST',
      '/v1/coupons',
      'coupons.create',
      ({ scope, params }) => {
        const coupon = sales.createCoupon(scope, params);
        return { body: coupon, emitted: [{ type: 'coupon.created', object: structuredClone(coupon), scope }] };
      },
      'rak_coupon_write',
    ),
    route('GET', '/v1/coupons/:id', 'coupons.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'coupon', path.id!) }), 'rak_coupon_read'),
    route(
      'DELETE',
      '/v1/coupons/:id',
      'coupons.del',
      ({ scope, path }) => {
        const { answer, deleted } = sales.delete(scope, 'coupon', path.id!);
        return { body: answer, emitted: [{ type: 'coupon.deleted', object: deleted, scope }] };
      },
      'rak_coupon_write',
    ),
    route(
      'POST',
      '/v1/promotion_codes',
      'promotionCodes.create',
      ({ scope, params }) => ({ body: sales.createPromotionCode(scope, params) }),
      'rak_promotion_code_write',
    ),
    route(
      'GET',
      '/v1/promotion_codes',
      'promotionCodes.list',
      ({ scope, params }) => ({ body: sales.list(scope, 'promotion_code', params, '/v1/promotion_codes', ['code', 'active']) }),
      'rak_promotion_code_read',
    ),
    route(
      'GET',
      '/v1/promotion_codes/:id',
      'promotionCodes.retrieve',
      ({ scope, path }) => ({ body: sales.get(scope, 'promotion_code', path.id!, 'promotion code') }),
      'rak_promotion_code_read',
    ),
    route(
      'POST',
      '/v1/promotion_codes/:id',
      'promotionCodes.update',
      ({ scope, path, params }) => ({ body: sales.updatePromotionCode(scope, path.id!, params) }),
      'rak_promotion_code_write',
    ),
    route(
      'GET',
      '/v1/checkout/sessions',
      'checkout.sessions.list',
      ({ scope, params }) => ({ body: sales.list(scope, 'checkout.session', params, '/v1/checkout/sessions', ['subscription', 'payment_intent', 'customer']) }),
      'rak_checkout_session_read',
    ),
    route(
      'GET',
      '/v1/checkout/sessions/:id',
      'checkout.sessions.retrieve',
      ({ scope, path }) => ({ body: sales.get(scope, 'checkout.session', path.id!, 'checkout.session') }),
      'rak_checkout_session_read',
    ),
    route(
      'GET',
      '/v1/subscriptions/:id',
      'subscriptions.retrieve',
      ({ scope, path }) => ({ body: sales.get(scope, 'subscription', path.id!) }),
      'rak_subscription_read',
    ),
    route(
      'GET',
      '/v1/invoices',
      'invoices.list',
      ({ scope, params }) => ({ body: sales.list(scope, 'invoice', params, '/v1/invoices', ['subscription', 'customer']) }),
      'rak_invoice_read',
    ),
    route('GET', '/v1/invoices/:id', 'invoices.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'invoice', path.id!) }), 'rak_invoice_read'),
    route('GET', '/v1/charges/:id', 'charges.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'charge', path.id!) }), 'rak_charge_read'),
    route(
      'GET',
      '/v1/refunds',
      'refunds.list',
      ({ scope, params }) => ({ body: sales.list(scope, 'refund', params, '/v1/refunds', ['charge', 'payment_intent']) }),
      'rak_refund_read',
    ),
    route('GET', '/v1/refunds/:id', 'refunds.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'refund', path.id!) }), 'rak_refund_read'),
    route('GET', '/v1/disputes/:id', 'disputes.retrieve', ({ scope, path }) => ({ body: sales.get(scope, 'dispute', path.id!) }), 'rak_dispute_read'),
    route(
      'POST',
      '/v1/webhook_endpoints',
      'webhookEndpoints.create',
      ({ scope, params }) => ({ body: sales.createWebhookEndpoint(scope, params, Stripe.API_VERSION) }),
      'rak_webhook_write',
    ),
    route(
      'GET',
      '/v1/webhook_endpoints',
      'webhookEndpoints.list',
      ({ scope, params }) => {
        const page = sales.list(scope, 'webhook_endpoint', params, '/v1/webhook_endpoints', []);
        return { body: { ...page, data: page.data.map((e) => sales.endpointView(e)) } };
      },
      'rak_webhook_read',
    ),
    route(
      'GET',
      '/v1/webhook_endpoints/:id',
      'webhookEndpoints.retrieve',
      ({ scope, path }) => ({ body: sales.endpointView(sales.get(scope, 'webhook_endpoint', path.id!, 'webhook endpoint')) }),
      'rak_webhook_read',
    ),
    route(
      'DELETE',
      '/v1/webhook_endpoints/:id',
      'webhookEndpoints.del',
      ({ scope, path }) => ({ body: sales.delete(scope, 'webhook_endpoint', path.id!, 'webhook endpoint').answer }),
      'rak_webhook_write',
    ),
  ];

  const takeFault = (op: string, params: FormParams, path: Record<string, string>): Fault | undefined => {
    const target = typeof params.destination === 'string' ? params.destination : (path.id ?? (typeof params.account === 'string' ? params.account : undefined));
    const fault = faults.find((f) => f.op === op && (!f.destination || f.destination === target));
    if (!fault) return undefined;
    if (--fault.times <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = stripeId('req', 15);
    const version = header(req, 'stripe-version') ?? Stripe.API_VERSION;
    const idempotencyKey = header(req, 'idempotency-key') ?? null;
    const base: Record<string, string> = { 'request-id': requestId, 'stripe-version': version };
    if (idempotencyKey) base['idempotency-key'] = idempotencyKey;
    let op = '(unrouted)';
    const send = (r: SavedResponse, extra: Record<string, string> = {}) => {
      const counts = (answered[op] ??= {});
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      sendJson(res, r.status, r.body, { ...r.headers, ...base, ...extra });
    };
    const fail = (err: StripeHttpError) => send(errorResponse(err, requestId));

    const apiKey = authenticate(req, (key) => sales.keys.has(key));
    if (typeof apiKey !== 'string') return fail(apiKey);
    const scope = sales.scopeOf(apiKey);

    const method = req.method ?? 'GET';
    const match = matchRoute(routes, method, url.pathname);
    if (!match) {
      return fail(
        new StripeHttpError(
          404,
          {
            type: 'invalid_request_error',
            message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          },
          false,
        ),
      );
    }
    const { route: r, path } = match;
    op = r.op;
    // Each account has its own budget, as on Stripe: a merchant's sales key does not spend the platform's.
    if (!limiter.tryAcquire(`${scope}:${r.op}`)) return fail(rateLimited());
    if (r.permission && sales.keys.get(apiKey)?.denied.includes(r.permission)) return fail(permissionError(apiKey, scope, r.permission));
    let params: FormParams;
    try {
      params = method === 'GET' ? decodeForm(url.search.slice(1)) : decodeForm(await readBody(req));
    } catch (err) {
      if (err instanceof StripeHttpError) return fail(err);
      throw err;
    }
    const ctx: Ctx = { params, path, apiKey, scope, idempotencyKey, baseUrl };

    // Stripe honours idempotency keys on POST only.
    const keyed = method === 'POST' && idempotencyKey !== null;
    if (keyed) {
      const begun = idempotency.begin(apiKey, idempotencyKey, `${method} ${url.pathname}`, canonicalParams(params));
      if (begun.kind === 'replay') {
        log?.debug({ op: r.op, idempotencyKey }, 'stripe emulator: idempotent replay');
        return send(begun.response, { 'idempotent-replayed': 'true', 'original-request': begun.response.headers['request-id'] ?? requestId });
      }
      if (begun.kind === 'in_flight') {
        return fail(
          new StripeHttpError(
            409,
            {
              type: 'idempotency_error',
              code: 'idempotency_key_in_use',
              message: 'There is currently another in-progress request using this idempotency key. Please try again later.',
            },
            false,
            { 'stripe-should-retry': 'true' },
          ),
        );
      }
      if (begun.kind === 'mismatch') {
        const message = begun.sameEndpoint
          ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
          : `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${begun.endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
        return fail(new StripeHttpError(400, { type: 'idempotency_error', message }, false));
      }
    }

    const fault = takeFault(r.op, params, path);
    let hold = false;
    let response: SavedResponse;
    let created: StripeEvent[] = [];
    try {
      if (fault?.mode === 'delay') await sleep(fault.delayMs ?? 1000, undefined, { signal: shutdown.signal });
      if (fault?.mode === 'error') {
        const dest = typeof params.destination === 'string' ? params.destination : path.id;
        const known = messageForCode(fault.code ?? 'account_invalid', { destination: dest, keyHint: keyHint(apiKey) });
        throw executionError(fault.code ?? 'account_invalid', fault.message ?? known.message, known.param, fault.type ?? 'invalid_request_error');
      }
      if (fault?.mode === 'http_500') throw apiError();
      if (fault?.mode === 'rate_limit') throw rateLimited();
      const result = r.handler(ctx);
      response = { status: 200, body: result.body, headers: { 'request-id': requestId } };
      created = emit(result.emitted, requestId, idempotencyKey);
      hold = fault?.mode === 'timeout_after_commit';
    } catch (err) {
      if (!(err instanceof StripeHttpError)) {
        if (keyed) idempotency.release(apiKey, idempotencyKey);
        if (shutdown.signal.aborted) return void res.destroy();
        throw err;
      }
      response = errorResponse(err, requestId);
      if (keyed && !err.saved) {
        idempotency.release(apiKey, idempotencyKey);
        return send(response);
      }
    }
    if (keyed) idempotency.complete(apiKey, idempotencyKey, response);
    try {
      await publish(created);
    } catch (err) {
      log?.error({ err }, 'stripe emulator: could not write its journal');
      return fail(apiError());
    }
    log?.debug({ op: r.op, status: response.status, idempotencyKey, fault: fault?.mode }, 'stripe emulator: request');
    // The request committed but the client never hears back; close() destroys the socket.
    if (hold) return;
    send(response);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const p = url.pathname;
    const json = async (): Promise<Record<string, unknown>> => {
      const text = await readBody(req);
      if (!text) return {};
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
      return parsed as Record<string, unknown>;
    };
    const ok = (body: unknown) => sendJson(res, 200, body);
    const bad = (message: string) => sendJson(res, 400, { error: { message } });

    const onboard = /^\/_emulator\/onboard\/([^/]+)$/.exec(p);
    if (method === 'GET' && onboard) {
      const opened = state.openLink(decodeURIComponent(onboard[1]!));
      if (!opened) return sendJson(res, 404, { error: { message: 'Unknown or expired account link' } });
      await publish(emit(opened.emitted, null, null));
      res.writeHead(302, { location: opened.redirect, 'content-length': '0' });
      return void res.end();
    }
    if (method === 'GET' && p === '/_emulator/transfers') {
      return ok({ data: state.transfers.map((t) => ({ ...t, idempotency_key: state.transferKeys.get(t.id) ?? null })) });
    }
    if (method === 'GET' && p === '/_emulator/stats') return ok({ answered });
    if (p === '/_emulator/faults') {
      if (method === 'GET') return ok({ data: faults });
      if (method === 'DELETE') {
        faults = [];
        return ok({ data: faults });
      }
      if (method === 'POST') {
        let body: Record<string, unknown>;
        try {
          body = await json();
        } catch (err) {
          return bad(String(err));
        }
        const mode = body.mode as FaultMode;
        if (typeof body.op !== 'string' || !body.op) return bad('op is required, e.g. "transfers.create"');
        if (!FAULT_MODES.includes(mode)) return bad(`mode must be one of ${FAULT_MODES.join(', ')}`);
        const times = body.times === undefined ? 1 : body.times;
        if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) return bad('times must be a positive integer');
        const fault: Fault = {
          id: stripeId('fault', 12),
          op: body.op,
          mode,
          times,
          ...(typeof body.destination === 'string' ? { destination: body.destination } : {}),
          ...(typeof body.code === 'string' ? { code: body.code } : {}),
          ...(typeof body.message === 'string' ? { message: body.message } : {}),
          ...(body.type === 'card_error' || body.type === 'invalid_request_error' ? { type: body.type } : {}),
          ...(typeof body.delayMs === 'number' ? { delayMs: body.delayMs } : {}),
        };
        faults.push(fault);
        return ok(fault);
      }
    }
    if (method === 'POST' && p === '/_emulator/reset') {
      reset();
      record({ kind: 'reset' });
      await persisted();
      limiter.reset();
      webhooks.reset();
      faults = [];
      answered = {};
      return ok({ ok: true });
    }
    if (method === 'POST' && p === '/_emulator/idempotency/expire') {
      let body: Record<string, unknown>;
      try {
        body = await json();
      } catch (err) {
        return bad(String(err));
      }
      if (body.prefix !== undefined && typeof body.prefix !== 'string') return bad('prefix must be a string');
      const expired = idempotency.expire(body.prefix ?? '');
      await persisted();
      return ok({ expired });
    }
    const stripeFailure = (err: unknown) => {
      if (err instanceof StripeHttpError) return sendJson(res, err.status, err.body());
      throw err;
    };
    if (method === 'POST' && p === '/_emulator/accounts') {
      const body = await json().catch(() => null);
      if (!body || (body.type !== undefined && body.type !== 'standard')) return bad('{ "type": "standard" } required');
      const account = state.createAccount({ type: 'standard', ...(typeof body.email === 'string' ? { email: body.email } : {}) });
      // A merchant's own account: it takes payments from the start.
      const own = state.accounts.get(account.id)!;
      Object.assign(own, { charges_enabled: true, payouts_enabled: true, details_submitted: true });
      record({ kind: 'account', account: own });
      const secretKey = sales.addKey(account.id, [], false);
      await persisted();
      return ok({ id: account.id, secret_key: secretKey });
    }
    const keys = /^\/_emulator\/accounts\/([^/]+)\/keys$/.exec(p);
    if (method === 'POST' && keys) {
      const body = await json().catch(() => null);
      const without = Array.isArray(body?.without) ? body.without.filter((x): x is string => typeof x === 'string') : [];
      if (!state.accounts.has(keys[1]!)) return sendJson(res, 404, { error: { message: `No such account: ${keys[1]}` } });
      const secretKey = sales.addKey(keys[1]!, without, true);
      await persisted();
      return ok({ secret_key: secretKey, without });
    }
    if (method === 'POST' && p === '/_emulator/sales/checkout') {
      const body = await json().catch(() => null);
      if (!body) return bad('body must be a JSON object');
      const scope = typeof body.account === 'string' ? body.account : PLATFORM;
      if (scope !== PLATFORM && !state.accounts.has(scope)) return sendJson(res, 404, { error: { message: `No such account: ${scope}` } });
      if (body.mode !== 'payment' && body.mode !== 'subscription') return bad('mode must be "payment" or "subscription"');
      if (typeof body.amount !== 'number' || !Number.isInteger(body.amount) || body.amount < 0) return bad('amount must be a whole number of minor units');
      if (typeof body.currency !== 'string' || !/^[a-zA-Z]{3}$/.test(body.currency)) return bad('currency must be a 3-letter code');
      const metadata =
        body.metadata && typeof body.metadata === 'object' && !Array.isArray(body.metadata) ? (body.metadata as Record<string, string>) : undefined;
      const request: CheckoutRequest = {
        mode: body.mode,
        amount: body.amount,
        currency: body.currency,
        ...(typeof body.client_reference_id === 'string' ? { client_reference_id: body.client_reference_id } : {}),
        ...(metadata ? { metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])) } : {}),
        ...(typeof body.promotion_code === 'string' ? { promotion_code: body.promotion_code } : {}),
        ...(typeof body.customer_email === 'string' ? { customer_email: body.customer_email } : {}),
      };
      try {
        const done = sales.checkout(scope, request);
        await publish(emit(done.emitted, null, null));
        return ok(done.ids);
      } catch (err) {
        return stripeFailure(err);
      }
    }
    const salesOp = /^\/_emulator\/sales\/(subscriptions|charges)\/([^/]+)\/(renew|refund|dispute)$/.exec(p);
    if (method === 'POST' && salesOp) {
      const [, kind, id, action] = salesOp as unknown as [string, string, string, string];
      const body = await json().catch(() => ({}) as Record<string, unknown>);
      try {
        const scope = sales.ownerOf(id, kind === 'charges' ? 'charge' : 'subscription');
        let done: { ids: Record<string, string>; emitted: Emitted[] };
        if (kind === 'subscriptions' && action === 'renew') done = sales.renew(scope, id);
        else if (kind === 'charges' && action === 'refund') {
          if (body.amount !== undefined && (typeof body.amount !== 'number' || !Number.isInteger(body.amount))) return bad('amount must be a whole number');
          done = sales.refund(scope, id, body.amount as number | undefined);
        } else if (kind === 'charges' && action === 'dispute') {
          if (body.outcome !== 'lost' && body.outcome !== 'won') return bad('outcome must be "lost" or "won"');
          done = sales.dispute(scope, id, body.outcome);
        } else return sendJson(res, 404, { error: { message: `Unknown emulator control route ${method} ${p}` } });
        await publish(emit(done.emitted, null, null));
        return ok(done.ids);
      } catch (err) {
        return stripeFailure(err);
      }
    }
    const accountOp = /^\/_emulator\/accounts\/([^/]+)\/(restrict|enable|deauthorize)$/.exec(p);
    if (method === 'POST' && accountOp) {
      const id = accountOp[1]!;
      try {
        const emitted = accountOp[2] === 'restrict' ? state.restrict(id) : accountOp[2] === 'enable' ? state.enable(id) : state.deauthorize(id);
        await publish(emit(emitted, null, null));
        return ok({ ok: true, events: emitted.map((e) => e.type) });
      } catch (err) {
        if (err instanceof StripeHttpError) return sendJson(res, err.status, err.body());
        throw err;
      }
    }
    if (method === 'POST' && p === '/_emulator/balance') {
      const body = await json().catch(() => null);
      if (!body || typeof body.currency !== 'string' || typeof body.amount !== 'number') return bad('{ currency, amount } required');
      state.adjustBalance(body.currency, body.amount);
      await persisted();
      return ok(state.getBalance());
    }
    if (method === 'GET' && p === '/_emulator/events') {
      return ok({ data: [...events.values()], deliveries: webhooks.deliveries, held: webhooks.heldCount });
    }
    if (method === 'POST' && p === '/_emulator/webhooks/redeliver') {
      const body = await json().catch(() => null);
      if (!body) return bad('body must be a JSON object');
      // A set: scanning the ids per event blocked this loop for seconds at 10,000 subscriptions,
      // and the deliveries in flight meanwhile timed out with their answers unread.
      const ids = Array.isArray(body.ids) ? new Set(body.ids.filter((x): x is string => typeof x === 'string')) : null;
      const type = typeof body.type === 'string' ? body.type : null;
      const times = typeof body.times === 'number' && body.times > 0 ? Math.floor(body.times) : 1;
      const chosen = [...events.values()].filter((e) => (!ids || ids.has(e.id)) && (!type || e.type === type));
      if (body.order === 'reverse') chosen.reverse();
      for (let i = 0; i < times; i++) for (const e of chosen) deliver(e);
      return ok({ redelivered: chosen.length * times });
    }
    if (method === 'POST' && p === '/_emulator/webhooks/pause') {
      webhooks.pause();
      return ok({ paused: true });
    }
    if (method === 'POST' && p === '/_emulator/webhooks/resume') {
      const body = await json().catch(() => ({}) as Record<string, unknown>);
      const order: FlushOrder = body.order === 'reverse' || body.order === 'shuffle' ? body.order : 'fifo';
      return ok({ released: webhooks.resume(order) });
    }
    if (method === 'POST' && p === '/_emulator/config') {
      const body = await json().catch(() => null);
      if (!body) return bad('body must be a JSON object');
      if (typeof body.rate === 'number') limiter.setRate(body.rate);
      if (typeof body.webhookUrl === 'string') webhooks.url = body.webhookUrl;
      return ok({ ok: true });
    }
    return sendJson(res, 404, { error: { message: `Unknown emulator control route ${method} ${p}` } });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const handler = url.pathname.startsWith('/_emulator/') ? handleControl : handleApi;
    handler(req, res, url).catch((err: unknown) => {
      log?.error({ err }, 'stripe emulator: unexpected failure');
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { type: 'api_error', message: 'Emulator failure' } });
    });
  });
  // Idempotency entries expire after 24 h; sweep them hourly so memory stays bounded.
  const sweeper = setInterval(() => idempotency.prune(), 60 * 60 * 1000);
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;
  log?.info({ url: baseUrl, rate: opts.rate ?? 25 }, 'stripe emulator listening');

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port: address.port,
    secretKey: DEFAULT_SECRET_KEY,
    setWebhookUrl: (u) => {
      webhooks.url = u;
    },
    setRate: (rate) => limiter.setRate(rate),
    webhooksIdle: () => webhooks.idle(),
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        shutdown.abort();
        await webhooks.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Held (timeout_after_commit) and keep-alive sockets would keep close() waiting.
        server.closeAllConnections();
        await closed;
        await journal?.close();
      })()),
  };
}

function route(method: Route['method'], template: string, op: string, handler: Route['handler'], permission?: string): Route {
  const names: string[] = [];
  const source = template.replace(/:(\w+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), names, op, handler, permission };
}

function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; path: Record<string, string> } | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const path: Record<string, string> = {};
    r.names.forEach((n, i) => (path[n] = decodeURIComponent(m[i + 1]!)));
    return { route: r, path };
  }
  return null;
}

/** The platform's own account, as `GET /v1/account` shows it to the platform's key. */
function platformAccount(baseUrl: string) {
  return {
    id: 'acct_sorae_platform',
    object: 'account' as const,
    business_profile: { name: 'Sorae emulator platform', url: baseUrl },
    charges_enabled: true,
    country: 'US',
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    metadata: {},
    payouts_enabled: true,
    type: 'standard' as const,
  };
}

/** Bearer (or Basic, as Stripe also accepts) with any `sk_test_` key or a restricted key it issued; else Stripe's 401. */
function authenticate(req: IncomingMessage, issued: (key: string) => boolean): string | StripeHttpError {
  const auth = header(req, 'authorization');
  const unauthorized = (message: string) =>
    new StripeHttpError(401, { type: 'invalid_request_error', message }, false, { 'www-authenticate': 'Bearer realm="Stripe"' });
  if (!auth) {
    return unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = '';
  const [scheme, value = ''] = auth.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') key = value.trim();
  else if (scheme?.toLowerCase() === 'basic') key = Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  if (!key) return unauthorized('Invalid API Key provided: (empty)');
  if (!key.startsWith('sk_test_') && !(key.startsWith('rk_test_') && issued(key))) return unauthorized(`Invalid API Key provided: ${keyHint(key)}`);
  return key;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new StripeHttpError(413, { type: 'invalid_request_error', message: 'Request body too large' }, false);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-cache, no-store',
  });
  res.end(text);
}
