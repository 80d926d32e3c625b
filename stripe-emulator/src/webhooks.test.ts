import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload, WebhookDispatcher, type StripeEvent } from './webhooks.js';

const event = (i: number): StripeEvent => ({
  id: `evt_${i}`,
  object: 'event',
  api_version: '2025-01-27.acacia',
  created: 0,
  data: { object: {} },
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type: 'invoice.paid',
});

describe('WebhookDispatcher', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closing.splice(0)) await c();
  });

  it('paces a burst: at most maxInFlight deliveries at once, every event delivered once', async () => {
    let open = 0;
    let most = 0;
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      open++;
      most = Math.max(most, open);
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () =>
        setTimeout(() => {
          received.push((JSON.parse(body) as StripeEvent).id);
          open--;
          res.writeHead(200).end();
        }, 5),
      );
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    closing.push(() => new Promise((r) => receiver.close(() => r())));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const dispatcher = new WebhookDispatcher({ url, secret: 'whsec_test', now: Date.now, maxInFlight: 3 });
    closing.push(() => dispatcher.close());

    dispatcher.pause();
    for (let i = 0; i < 20; i++) dispatcher.send(event(i));
    expect(dispatcher.resume()).toBe(20);
    await dispatcher.idle();

    expect(most).toBe(3);
    expect(received.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `evt_${i}`).sort());
    expect(dispatcher.deliveries.every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
  });
});

describe('WebhookDispatcher on the wire', () => {
  it("posts Stripe's format (the signed pretty JSON, its headers) over kept-alive connections; an answer later than timeoutMs is retried", async () => {
    const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let connections = 0;
    let stall = true;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (stall)
          stall = false; // the first attempt is never answered
        else res.writeHead(200).end('{}');
      });
    });
    receiver.on('connection', () => connections++);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const dispatcher = new WebhookDispatcher({ url, secret: 'whsec_wire', now: Date.now, maxInFlight: 2, timeoutMs: 200, retryDelaysMs: [10] });
    try {
      dispatcher.send(event(0));
      await dispatcher.idle();
      for (let i = 1; i <= 6; i++) dispatcher.send(event(i));
      await dispatcher.idle();
    } finally {
      await dispatcher.close();
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }

    expect(dispatcher.deliveries.filter((d) => d.eventId === 'evt_0').map((d) => [d.attempt, d.status, d.error])).toEqual([
      [1, null, 'no answer within 200 ms'],
      [2, 200, undefined],
    ]);
    expect(dispatcher.deliveries.filter((d) => d.eventId !== 'evt_0').every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
    // The timed-out connection, its retry's, and one more for the pair of six sent together: each later delivery reused one.
    expect(connections).toBeLessThanOrEqual(3);
    const last = seen.at(-1)!;
    expect(last.body).toBe(JSON.stringify(JSON.parse(last.body), null, 2));
    expect(last.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(last.body)),
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    });
    const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(String(last.headers['stripe-signature']))![1]);
    expect(last.headers['stripe-signature']).toBe(signPayload(last.body, 'whsec_wire', t));
  });
});
