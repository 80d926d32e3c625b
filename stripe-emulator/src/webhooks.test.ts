import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher, type StripeEvent } from './webhooks.js';

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
