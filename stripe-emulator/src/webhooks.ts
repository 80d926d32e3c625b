import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from './log.js';

/** Stripe's event object, as POSTed to webhook endpoints. */
export interface StripeEvent {
  id: string;
  object: 'event';
  account?: string;
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>">`, exactly what `stripe.webhooks.constructEvent` checks. */
export function signPayload(payload: string, secret: string, timestampSec: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSec},v1=${v1}`;
}

export interface DeliveryRecord {
  eventId: string;
  attempt: number;
  status: number | null; // null: no HTTP answer
  error?: string;
  at: number;
}

export interface WebhookOptions {
  url?: string;
  secret: string;
  now: () => number;
  log?: Logger;
  /** Waits before each retry of a failed delivery; its length is the number of retries. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /**
   * Deliveries in flight at once (default 64); the rest wait their turn, as Stripe paces an
   * endpoint instead of opening a connection per pending event.
   */
  maxInFlight?: number;
}

export type FlushOrder = 'fifo' | 'reverse' | 'shuffle';

/** Where an event goes: a sales account's webhook endpoint and its secret (default: the platform's URL and secret). */
export interface WebhookTarget {
  url: string;
  secret: string;
}
type Held = { event: StripeEvent; target?: WebhookTarget };

/**
 * Delivers events in the background, each independently (Stripe guarantees no order), with
 * a few retries on a non-2xx answer or a network error. `pause()` holds new deliveries so a
 * test can release them reversed or shuffled; `redeliver()` sends duplicates.
 */
export class WebhookDispatcher {
  url: string | undefined;
  readonly deliveries: DeliveryRecord[] = [];
  private paused = false;
  private held: Held[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private queued: (() => void)[] = [];
  /** Requests awaiting their answer, destroyed by `close()`. */
  private readonly requests = new Set<ClientRequest>();
  private closed = false;
  private readonly retryDelaysMs: number[];
  private readonly maxInFlight: number;
  /**
   * Kept-alive connections, at most one per delivery in flight. node:http rather than fetch:
   * undici cost several times the CPU per delivery, and the emulator shares the machine with
   * the server it measures.
   */
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(private readonly opts: WebhookOptions) {
    this.url = opts.url;
    this.retryDelaysMs = opts.retryDelaysMs ?? [250, 1000, 4000];
    this.maxInFlight = opts.maxInFlight ?? 64;
    const agent = { keepAlive: true, maxSockets: this.maxInFlight };
    this.agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
  }

  send(event: StripeEvent, target?: WebhookTarget): void {
    if (this.closed) return;
    if (this.paused) this.held.push({ event, target });
    else this.attempt(event, 0, target);
  }

  pause(): void {
    this.paused = true;
  }

  /** Releases held events in the given order and resumes normal delivery. */
  resume(order: FlushOrder = 'fifo'): number {
    this.paused = false;
    const held = this.held;
    this.held = [];
    if (order === 'reverse') held.reverse();
    if (order === 'shuffle') {
      for (let i = held.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [held[i], held[j]] = [held[j]!, held[i]!];
      }
    }
    for (const h of held) this.attempt(h.event, 0, h.target);
    return held.length;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves when nothing is being delivered, waiting its turn or waiting for a retry (tests use it). */
  async idle(): Promise<void> {
    while (this.inFlight.size || this.queued.length || this.timers.size) {
      if (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  private attempt(event: StripeEvent, attemptNo: number, target?: WebhookTarget): void {
    const start = () => {
      const p = this.post(event, attemptNo, target).finally(() => {
        this.inFlight.delete(p);
        this.queued.shift()?.();
      });
      this.inFlight.add(p);
    };
    if (this.inFlight.size < this.maxInFlight) start();
    else this.queued.push(start);
  }

  private async post(event: StripeEvent, attemptNo: number, target?: WebhookTarget): Promise<void> {
    const url = target ? target.url : this.url;
    if (!url || this.closed) return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(this.opts.now() / 1000);
    const record: DeliveryRecord = { eventId: event.id, attempt: attemptNo + 1, status: null, at: this.opts.now() };
    try {
      record.status = await this.postOnce(url, payload, signPayload(payload, target?.secret ?? this.opts.secret, timestamp));
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    this.deliveries.push(record);
    const ok = record.status !== null && record.status >= 200 && record.status < 300;
    if (ok || this.closed) return;
    const delay = this.retryDelaysMs[attemptNo];
    this.opts.log?.warn(
      { event: event.id, type: event.type, status: record.status, error: record.error, retryIn: delay },
      'stripe emulator: webhook delivery failed',
    );
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(event, attemptNo + 1, target);
    }, delay);
    this.timers.add(timer);
  }

  /** One POST; its status once the answer is read through (the socket then serves the next delivery). */
  private postOnce(url: string, payload: string, signature: string): Promise<number> {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const body = Buffer.from(payload, 'utf8');
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    return new Promise<number>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: https ? this.agents.https : this.agents.http,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signature,
        },
      });
      this.requests.add(req);
      // The whole exchange, answer included, within timeoutMs (as the signal bounded fetch).
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.requests.delete(req);
      };
      req.on('error', (err) => {
        done();
        reject(err);
      });
      req.on('response', (res) => {
        res.on('error', () => undefined); // a reset after the status is still an answer
        res.on('close', () => {
          done();
          resolve(res.statusCode!);
        });
        res.resume(); // drained, so the socket is released
      });
      req.end(body);
    });
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held = [];
    this.queued = [];
    this.paused = false;
    this.deliveries.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queued = [];
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const req of this.requests) req.destroy(new Error('the emulator is closing'));
    await Promise.allSettled([...this.inFlight]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
