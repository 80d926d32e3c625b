import { createHmac } from 'node:crypto';
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
  private readonly abort = new AbortController();
  private closed = false;
  private readonly retryDelaysMs: number[];

  constructor(private readonly opts: WebhookOptions) {
    this.url = opts.url;
    this.retryDelaysMs = opts.retryDelaysMs ?? [250, 1000, 4000];
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
    if (this.inFlight.size < (this.opts.maxInFlight ?? 64)) start();
    else this.queued.push(start);
  }

  private async post(event: StripeEvent, attemptNo: number, target?: WebhookTarget): Promise<void> {
    const url = target ? target.url : this.url;
    if (!url || this.closed) return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(this.opts.now() / 1000);
    const record: DeliveryRecord = { eventId: event.id, attempt: attemptNo + 1, status: null, at: this.opts.now() };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(payload, target?.secret ?? this.opts.secret, timestamp),
        },
        body: payload,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)]),
      });
      await res.arrayBuffer().catch(() => undefined); // drain, so the socket is released
      record.status = res.status;
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
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
