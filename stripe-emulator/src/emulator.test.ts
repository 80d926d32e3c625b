import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from './emulator.js';

const WHSEC = 'whsec_test_emulator_secret';

/** A stand-in for the server's POST /webhooks/stripe: records raw bodies and signatures. */
class WebhookReceiver {
  readonly received: { body: string; signature: string }[] = [];
  /** Status codes to answer with, in order; 200 once exhausted. */
  answers: number[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature']) });
        res.writeHead(this.answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  /** Verifies every delivery exactly as the server will, with the SDK. */
  events(stripe: Stripe): Stripe.Event[] {
    return this.received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, WHSEC));
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let emulator: StripeEmulator;
let receiver: WebhookReceiver;
let stripe: Stripe;

function sdk(opts: { timeout?: number; key?: string; port?: number } = {}): Stripe {
  return new Stripe(opts.key ?? 'sk_test_123456789abcdef', {
    host: '127.0.0.1',
    port: opts.port ?? emulator.port,
    protocol: 'http',
    timeout: opts.timeout ?? 5000,
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

async function boot(extra: Partial<StripeEmulatorOptions> = {}) {
  receiver = new WebhookReceiver();
  await receiver.start();
  emulator = await startStripeEmulator({
    webhookSecret: WHSEC,
    webhookUrl: receiver.url,
    rate: 0,
    initialBalance: { usd: 1_000_000, eur: 1_000 },
    webhookRetryDelaysMs: [5, 5],
    ...extra,
  });
  stripe = sdk();
}

async function control(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${emulator.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/** An account that finished onboarding (through the control surface, not a link). */
async function readyAccount(): Promise<string> {
  const account = await stripe.accounts.create({ type: 'express', email: 'aff@example.com', capabilities: { transfers: { requested: true } } });
  await control(`/_emulator/accounts/${account.id}/enable`, {});
  return account.id;
}

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

describe('Stripe emulator through the stripe SDK', () => {
  beforeEach(() => boot());

  it('onboards an express account through its account link and announces it with a signed account.updated', async () => {
    const account = await stripe.accounts.create({
      type: 'express',
      email: 'aff@example.com',
      capabilities: { transfers: { requested: true } },
      metadata: { affiliate_id: 'aff-1' },
    });
    expect(account).toMatchObject({
      object: 'account',
      type: 'express',
      email: 'aff@example.com',
      payouts_enabled: false,
      charges_enabled: false,
      details_submitted: false,
      capabilities: { transfers: 'inactive' },
      metadata: { affiliate_id: 'aff-1' },
    });
    expect(account.id).toMatch(/^acct_/);

    // Not onboarded yet: Stripe refuses transfers to it.
    const refused = await caught(stripe.transfers.create({ amount: 100, currency: 'usd', destination: account.id }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toContain('capabilities enabled: transfers');

    const link = await stripe.accountLinks.create({
      account: account.id,
      refresh_url: 'http://portal.test/payouts/refresh',
      return_url: 'http://portal.test/payouts/done',
      type: 'account_onboarding',
    });
    expect(link.object).toBe('account_link');
    expect(link.url.startsWith(`${emulator.url}/_emulator/onboard/`)).toBe(true);
    expect(link.expires_at).toBeGreaterThan(link.created);

    const opened = await fetch(link.url, { redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe('http://portal.test/payouts/done');

    await emulator.webhooksIdle();
    const [event] = receiver.events(stripe);
    expect(event).toMatchObject({ object: 'event', type: 'account.updated', account: account.id, livemode: false, api_version: Stripe.API_VERSION });
    expect(event!.id).toMatch(/^evt_/);
    const updated = event!.data.object as Stripe.Account;
    expect(updated).toMatchObject({ id: account.id, payouts_enabled: true, details_submitted: true, capabilities: { transfers: 'active' } });
    expect(event!.data.previous_attributes).toMatchObject({ payouts_enabled: false });

    const fetched = await stripe.accounts.retrieve(account.id);
    expect(fetched.payouts_enabled).toBe(true);

    // Links are single use: a second visit goes to refresh_url and changes nothing.
    const again = await fetch(link.url, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('http://portal.test/payouts/refresh');
  });

  it('rejects a tampered webhook when verified with the SDK', async () => {
    const id = await readyAccount();
    await emulator.webhooksIdle();
    const { body, signature } = receiver.received[0]!;
    expect(() => stripe.webhooks.constructEvent(body.replace(id, 'acct_other'), signature, WHSEC)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => stripe.webhooks.constructEvent(body, signature, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('creates, lists by transfer_group with pagination, reverses transfers and keeps the balance', async () => {
    const destination = await readyAccount();
    const created: Stripe.Transfer[] = [];
    for (let i = 0; i < 3; i++) {
      created.push(
        await stripe.transfers.create({
          amount: 1000 + i,
          currency: 'usd',
          destination,
          transfer_group: 'item-1',
          description: `payout ${i}`,
          metadata: { payout_item_id: 'item-1' },
        }),
      );
    }
    await stripe.transfers.create({ amount: 5, currency: 'usd', destination, transfer_group: 'item-2' });
    expect(created[0]).toMatchObject({
      object: 'transfer',
      amount: 1000,
      amount_reversed: 0,
      currency: 'usd',
      destination,
      transfer_group: 'item-1',
      reversed: false,
      livemode: false,
      metadata: { payout_item_id: 'item-1' },
      reversals: { object: 'list', data: [], total_count: 0 },
    });
    expect(created[0]!.id).toMatch(/^tr_/);
    expect(typeof created[0]!.created).toBe('number');

    const page1 = await stripe.transfers.list({ transfer_group: 'item-1', limit: 2 });
    expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/transfers' });
    expect(page1.data.map((t) => t.id)).toEqual([created[2]!.id, created[1]!.id]); // newest first
    const page2 = await stripe.transfers.list({ transfer_group: 'item-1', limit: 2, starting_after: page1.data[1]!.id });
    expect(page2.has_more).toBe(false);
    expect(page2.data.map((t) => t.id)).toEqual([created[0]!.id]);
    const back = await stripe.transfers.list({ transfer_group: 'item-1', limit: 1, ending_before: created[0]!.id });
    expect(back.data.map((t) => t.id)).toEqual([created[1]!.id]);
    expect(back.has_more).toBe(true);
    const all = await stripe.transfers.list({ transfer_group: 'item-1', limit: 1 }).autoPagingToArray({ limit: 10 });
    expect(all).toHaveLength(3);
    expect((await stripe.transfers.list({ destination, limit: 100 })).data).toHaveLength(4);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await stripe.transfers.list({ created: { gte: future } })).data).toHaveLength(0);
    expect((await stripe.transfers.list({ created: { lte: future } })).data).toHaveLength(4);

    const retrieved = await stripe.transfers.retrieve(created[1]!.id);
    expect(retrieved).toEqual(created[1]);

    const usd = async () => (await stripe.balance.retrieve()).available.find((b) => b.currency === 'usd')!.amount;
    expect(await usd()).toBe(1_000_000 - 1000 - 1001 - 1002 - 5);

    const partial = await stripe.transfers.createReversal(created[0]!.id, { amount: 400 });
    expect(partial).toMatchObject({ object: 'transfer_reversal', amount: 400, transfer: created[0]!.id, currency: 'usd' });
    expect(await stripe.transfers.retrieve(created[0]!.id)).toMatchObject({ amount_reversed: 400, reversed: false });
    await stripe.transfers.createReversal(created[0]!.id); // the rest
    const reversed = await stripe.transfers.retrieve(created[0]!.id);
    expect(reversed).toMatchObject({ amount_reversed: 1000, reversed: true, reversals: { total_count: 2 } });
    expect(await usd()).toBe(1_000_000 - 1001 - 1002 - 5);
    const over = await caught(stripe.transfers.createReversal(created[1]!.id, { amount: 5000 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    await emulator.webhooksIdle();
    const types = receiver.events(stripe).map((e) => e.type);
    expect(types.filter((t) => t === 'transfer.created')).toHaveLength(4);
    expect(types.filter((t) => t === 'transfer.reversed')).toHaveLength(2);
    const lastReversed = receiver
      .events(stripe)
      .filter((e) => e.type === 'transfer.reversed')
      .at(-1)!;
    expect(lastReversed.data.object).toMatchObject({ id: created[0]!.id, reversed: true });
  });

  it('answers Stripe errors for unknown objects, bad parameters and an empty balance', async () => {
    const missing = await caught(stripe.transfers.retrieve('tr_nope'));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });

    const destination = await readyAccount();
    const noAmount = await caught(stripe.transfers.create({ currency: 'usd', destination } as Stripe.TransferCreateParams));
    expect(noAmount).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'amount' });

    const unknownDest = await caught(stripe.transfers.create({ amount: 1, currency: 'usd', destination: 'acct_missing' }));
    expect(unknownDest).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'destination' });

    const poor = await caught(stripe.transfers.create({ amount: 2000, currency: 'eur', destination }));
    expect(poor).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(poor).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
  });

  it('replays a request with the same idempotency key and refuses the key with other parameters', async () => {
    const destination = await readyAccount();
    const params = { amount: 700, currency: 'usd', destination, transfer_group: 'item-9', metadata: { payout_item_id: 'item-9' } };
    const first = await stripe.transfers.create(params, { idempotencyKey: 'payout-item:item-9:1' });
    const second = await stripe.transfers.create(params, { idempotencyKey: 'payout-item:item-9:1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(first.lastResponse.idempotencyKey).toBe('payout-item:item-9:1');

    const conflict = await caught(stripe.transfers.create({ ...params, amount: 701 }, { idempotencyKey: 'payout-item:item-9:1' }));
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(conflict.statusCode).toBe(400);

    const ledger = await control('/_emulator/transfers');
    expect(ledger.data).toHaveLength(1);
    expect(ledger.data[0]).toMatchObject({ id: first.id, idempotency_key: 'payout-item:item-9:1' });
  });

  it('answers 409 to the same key while the first request is still executing', async () => {
    const destination = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', mode: 'delay', delayMs: 2000 });
    const params = { amount: 10, currency: 'usd', destination };
    const first = stripe.transfers.create(params, { idempotencyKey: 'k-inflight' });
    // The emulator reserves the key before it takes the fault: once the fault is gone, the first
    // request is executing (a fixed sleep lost this race on a busy machine).
    await expect.poll(async () => (await control('/_emulator/faults')).data, { interval: 10, timeout: 5000 }).toEqual([]);
    const second = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-inflight' }));
    expect(second.statusCode).toBe(409);
    expect(second.code).toBe('idempotency_key_in_use');
    expect(second.rawType).toBe('idempotency_error');
    const done = await first;
    expect((await stripe.transfers.create(params, { idempotencyKey: 'k-inflight' })).id).toBe(done.id);
  });

  it('forgets saved keys after 24 hours: the same key then makes a second transfer, as Stripe would', async () => {
    let t = Date.now();
    await emulator.close();
    await receiver.close();
    await boot({ now: () => t });
    const destination = await readyAccount();
    const params = { amount: 10, currency: 'usd', destination, transfer_group: 'item-24h' };
    const first = await stripe.transfers.create(params, { idempotencyKey: 'k-24h' });
    t += 23 * 3600_000;
    expect((await stripe.transfers.create(params, { idempotencyKey: 'k-24h' })).id).toBe(first.id);
    t += 3600_000;
    const later = await stripe.transfers.create(params, { idempotencyKey: 'k-24h' });
    expect(later.id).not.toBe(first.id);
    // The control surface forgets them at once (tests of what a long outage does), by key prefix.
    const other = await stripe.transfers.create(params, { idempotencyKey: 'other-key' });
    const bad = await fetch(`${emulator.url}/_emulator/idempotency/expire`, { method: 'POST', body: JSON.stringify({ prefix: 7 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { message: 'prefix must be a string' } });
    expect(await control('/_emulator/idempotency/expire', { prefix: 'k-' })).toEqual({ expired: 1 });
    const third = await stripe.transfers.create(params, { idempotencyKey: 'k-24h' });
    expect(third.id).not.toBe(later.id);
    expect((await stripe.transfers.create(params, { idempotencyKey: 'other-key' })).id).toBe(other.id);
    expect((await stripe.transfers.list({ transfer_group: 'item-24h' })).data).toHaveLength(4);
  });

  it('fault rate_limit: answers 429 without executing or saving the key', async () => {
    const destination = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', destination, mode: 'rate_limit' });
    const limited = await caught(stripe.transfers.create({ amount: 5, currency: 'usd', destination }, { idempotencyKey: 'k-rl' }));
    expect(limited).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect((await control('/_emulator/transfers')).data).toHaveLength(0);
    const ok = await stripe.transfers.create({ amount: 5, currency: 'usd', destination }, { idempotencyKey: 'k-rl' });
    expect(ok.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not save a validation failure under the key (execution never began)', async () => {
    const destination = await readyAccount();
    const bad = await caught(stripe.transfers.create({ amount: 'ten' as unknown as number, currency: 'usd', destination }, { idempotencyKey: 'k-v' }));
    expect(bad.code).toBe('parameter_invalid_integer');
    const good = await stripe.transfers.create({ amount: 10, currency: 'usd', destination }, { idempotencyKey: 'k-v' });
    expect(good.amount).toBe(10);
  });

  it('saves a definite business error under its key: the key can never succeed', async () => {
    const destination = await readyAccount();
    const params = { amount: 2000, currency: 'eur', destination };
    const first = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-poor' }));
    expect(first.code).toBe('balance_insufficient');
    await control('/_emulator/balance', { currency: 'eur', amount: 10_000 });
    const replay = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-poor' }));
    expect(replay.code).toBe('balance_insufficient');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.transfers.create(params, { idempotencyKey: 'k-poor-2' })).amount).toBe(2000);
  });

  it('fault error: answers 400 with the code, creates nothing, and replays it for the key', async () => {
    const destination = await readyAccount();
    const other = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', destination, mode: 'error', code: 'account_invalid', times: 1 });
    // A fault scoped to one destination leaves the others alone.
    await stripe.transfers.create({ amount: 1, currency: 'usd', destination: other });
    const params = { amount: 50, currency: 'usd', destination, transfer_group: 'g-err' };
    const err = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 400, code: 'account_invalid', param: 'destination' });
    expect(err.message).toContain(destination);
    expect((await stripe.transfers.list({ transfer_group: 'g-err' })).data).toHaveLength(0);

    const replay = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));
    expect(replay).toMatchObject({ statusCode: 400, code: 'account_invalid' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The fault was spent (times: 1): a new key goes through.
    expect((await stripe.transfers.create(params, { idempotencyKey: 'k-err-2' })).transfer_group).toBe('g-err');
  });

  it('fault http_500: answers 500, creates nothing, the key replays the 500', async () => {
    const destination = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', mode: 'http_500' });
    const params = { amount: 60, currency: 'usd', destination, transfer_group: 'g-500' };
    const err = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-500' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    expect(err.headers['stripe-should-retry']).toBe('false');
    expect((await stripe.transfers.list({ transfer_group: 'g-500' })).data).toHaveLength(0);
    const replay = await caught(stripe.transfers.create(params, { idempotencyKey: 'k-500' }));
    expect(replay.statusCode).toBe(500);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await control('/_emulator/transfers')).data).toHaveLength(0);
  });

  it('fault timeout_after_commit: the client times out, the transfer exists, the same key returns it', async () => {
    const destination = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', destination, mode: 'timeout_after_commit' });
    const params = { amount: 75, currency: 'usd', destination, transfer_group: 'g-timeout' };
    const impatient = sdk({ timeout: 300 });
    const err = await caught(impatient.transfers.create(params, { idempotencyKey: 'k-timeout' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);

    const ledger = await control('/_emulator/transfers');
    expect(ledger.data).toHaveLength(1);
    expect(ledger.data[0]).toMatchObject({ transfer_group: 'g-timeout', idempotency_key: 'k-timeout' });

    const retried = await stripe.transfers.create(params, { idempotencyKey: 'k-timeout' });
    expect(retried.id).toBe(ledger.data[0].id);
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await control('/_emulator/transfers')).data).toHaveLength(1);
  });

  it('restricting an account stops transfers and sends account.updated', async () => {
    const destination = await readyAccount();
    await control(`/_emulator/accounts/${destination}/restrict`, {});
    await emulator.webhooksIdle();
    const last = receiver.events(stripe).at(-1)!;
    expect(last.type).toBe('account.updated');
    expect(last.data.object).toMatchObject({ id: destination, payouts_enabled: false, capabilities: { transfers: 'inactive' } });
    const err = await caught(stripe.transfers.create({ amount: 1, currency: 'usd', destination }));
    expect(err.statusCode).toBe(400);
  });

  it('requires a test secret key like Stripe (401)', async () => {
    const res = await fetch(`${emulator.url}/v1/balance`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('You did not provide an API key');
    const err = await caught(sdk({ key: 'sk_live_nope_1234567890' }).balance.retrieve());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('answers 404 for an unknown API route', async () => {
    const res = await fetch(`${emulator.url}/v1/nothing`, { headers: { authorization: 'Bearer sk_test_x' } });
    expect(res.status).toBe(404);
  });

  it('retries a failed webhook delivery, redelivers duplicates and can release held events reversed', async () => {
    receiver.answers = [500];
    const destination = await readyAccount();
    await emulator.webhooksIdle();
    const first = receiver.events(stripe);
    expect(first).toHaveLength(2); // the 500, then the retry
    expect(first[0]!.id).toBe(first[1]!.id);

    await control('/_emulator/webhooks/pause', {});
    const a = await stripe.transfers.create({ amount: 1, currency: 'usd', destination });
    const b = await stripe.transfers.create({ amount: 2, currency: 'usd', destination });
    await emulator.webhooksIdle();
    expect(receiver.received).toHaveLength(2);
    expect((await control('/_emulator/webhooks/resume', { order: 'reverse' })).released).toBe(2);
    await emulator.webhooksIdle();
    const ids = receiver
      .events(stripe)
      .slice(2)
      .map((e) => (e.data.object as Stripe.Transfer).id);
    expect(ids).toEqual([b.id, a.id]);

    const created = receiver.events(stripe).find((e) => e.type === 'transfer.created')!;
    await control('/_emulator/webhooks/redeliver', { ids: [created.id], times: 2 });
    await emulator.webhooksIdle();
    expect(receiver.events(stripe).filter((e) => e.id === created.id)).toHaveLength(3);
  });

  it('reset clears every object', async () => {
    await readyAccount();
    await control('/_emulator/reset', {});
    expect((await stripe.transfers.list()).data).toHaveLength(0);
    expect((await control('/_emulator/transfers')).data).toHaveLength(0);
  });
});

describe('Stripe emulator rate limit', () => {
  it('answers 429 rate_limit beyond `rate` requests per second on an endpoint', async () => {
    let t = Date.UTC(2030, 0, 1);
    await boot({ rate: 3, now: () => t });
    for (let i = 0; i < 3; i++) await stripe.balance.retrieve();
    const limited = await caught(stripe.balance.retrieve());
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect((await stripe.transfers.list()).object).toBe('list'); // other endpoints have their own budget
    t += 1000;
    expect((await stripe.balance.retrieve()).object).toBe('balance');
    expect(await control('/_emulator/stats')).toEqual({ answered: { 'balance.retrieve': { 200: 4, 429: 1 }, 'transfers.list': { 200: 1 } } });
  });

  it('does not save a 429 under the idempotency key', async () => {
    let t = Date.UTC(2030, 0, 1);
    await boot({ rate: 1, now: () => t });
    await stripe.accounts.create({ type: 'express' });
    const limited = await caught(stripe.accounts.create({ type: 'express' }, { idempotencyKey: 'k-429' }));
    expect(limited.statusCode).toBe(429);
    t += 1000;
    const ok = await stripe.accounts.create({ type: 'express' }, { idempotencyKey: 'k-429' });
    expect(ok.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('Stripe emulator shutdown', () => {
  it('closes while a timed-out request still holds its socket', async () => {
    await boot();
    const destination = await readyAccount();
    await control('/_emulator/faults', { op: 'transfers.create', mode: 'timeout_after_commit' });
    const pending = caught(sdk({ timeout: 60_000 }).transfers.create({ amount: 1, currency: 'usd', destination }));
    // Committed: from here the emulator holds the request and never answers it.
    await vi.waitFor(async () => expect((await control('/_emulator/transfers')).data).toHaveLength(1), 10_000);
    await emulator.close();
    expect(await pending).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await receiver.close();
    // No handle outlives close(): sockets and servers go away (polled, they close asynchronously).
    const network = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    for (let i = 0; i < 100 && network() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'))).toEqual([]);
  });
});

describe('Stripe emulator state under a data directory', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sorae-emulator-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Closes the emulator and starts it again on the same directory. */
  async function restart(extra: Partial<StripeEmulatorOptions> = {}) {
    await emulator.close();
    await receiver.close();
    await boot({ dataDir, ...extra });
  }

  it('a restarted emulator pays the account it onboarded, replays the keys it answered, and keeps balance, reversals and events', async () => {
    await boot({ dataDir });
    const account = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://x.test/r',
      return_url: 'https://x.test/ok',
    });
    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(302);
    const first = await stripe.transfers.create(
      { amount: 1_000, currency: 'usd', destination: account.id, transfer_group: 'item-1' },
      { idempotencyKey: 'payout-item:1:1' },
    );
    await stripe.transfers.createReversal(first.id, { amount: 300 });

    await restart();
    expect((await stripe.accounts.retrieve(account.id)).payouts_enabled).toBe(true);
    const second = await stripe.transfers.create({ amount: 2_000, currency: 'usd', destination: account.id }, { idempotencyKey: 'payout-item:2:1' });
    expect(second.destination).toBe(account.id);
    const replayed = await stripe.transfers.create(
      { amount: 1_000, currency: 'usd', destination: account.id, transfer_group: 'item-1' },
      { idempotencyKey: 'payout-item:1:1' },
    );
    expect(replayed.id).toBe(first.id);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.transfers.list({ destination: account.id })).data.map((t) => [t.id, t.amount_reversed])).toEqual([
      [second.id, 0],
      [first.id, 300],
    ]);
    expect((await stripe.balance.retrieve()).available.find((b) => b.currency === 'usd')!.amount).toBe(1_000_000 - 1_000 + 300 - 2_000);
    expect((await stripe.events.list({ type: 'transfer.created' })).data.map((e) => (e.data.object as Stripe.Transfer).id)).toEqual([second.id, first.id]);
    // Used links stay used (the restarted emulator listens on another port).
    expect((await fetch(`${emulator.url}${new URL(link.url).pathname}`, { redirect: 'manual' })).headers.get('location')).toBe('https://x.test/r');
  });

  it('an answer is on disk before it is sent: an emulator started on the directory without the first one closing (as after a crash) replays its key', async () => {
    await boot({ dataDir });
    const destination = await readyAccount();
    const sent = await stripe.transfers.create({ amount: 500, currency: 'usd', destination }, { idempotencyKey: 'payout-item:9:1' });
    const survivor = await startStripeEmulator({ webhookSecret: WHSEC, rate: 0, initialBalance: { usd: 1_000_000 }, dataDir });
    try {
      const again = await sdk({ port: survivor.port }).transfers.create({ amount: 500, currency: 'usd', destination }, { idempotencyKey: 'payout-item:9:1' });
      expect(again.id).toBe(sent.id);
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      const transfers = (await (await fetch(`${survivor.url}/_emulator/transfers`)).json()) as { data: { id: string }[] };
      expect(transfers.data.map((t) => t.id)).toEqual([sent.id]);
    } finally {
      await survivor.close();
    }
  });

  it('a last line cut short by a crash is dropped, and the journal goes on after it', async () => {
    await boot({ dataDir });
    const destination = await readyAccount();
    await emulator.close();
    appendFileSync(join(dataDir, readdirSync(dataDir)[0]!), '[{"kind":"transfer","transfer":{"id":"tr_torn"');
    await restart();
    const t = await stripe.transfers.create({ amount: 100, currency: 'usd', destination });
    await restart();
    expect((await stripe.transfers.list({ destination })).data.map((x) => x.id)).toEqual([t.id]);
  });

  it('past its size limit the journal is rewritten as a snapshot, and a restart still has everything', async () => {
    await boot({ dataDir, compactAtBytes: 4_000 });
    const destination = await readyAccount();
    const sent = [];
    for (let i = 0; i < 12; i++) sent.push((await stripe.transfers.create({ amount: 10 + i, currency: 'usd', destination }, { idempotencyKey: `k-${i}` })).id);
    await restart();
    expect(readdirSync(dataDir)).toEqual([expect.stringMatching(/^journal\.([2-9]|\d\d+)\.ndjson$/)]);
    expect((await stripe.transfers.list({ destination, limit: 100 })).data.map((t) => t.id)).toEqual([...sent].reverse());
    const replayed = await stripe.transfers.create({ amount: 10, currency: 'usd', destination }, { idempotencyKey: 'k-0' });
    expect(replayed.id).toBe(sent[0]);
  });

  it('a reset is kept too', async () => {
    await boot({ dataDir });
    const account = await readyAccount();
    await control('/_emulator/reset', {});
    await restart();
    expect((await caught(stripe.accounts.retrieve(account))).statusCode).toBe(404);
  });
});
