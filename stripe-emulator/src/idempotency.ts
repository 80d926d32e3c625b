import type { StripeHttpError } from './errors.js';
import type { Change } from './journal.js';

/** A saved answer to replay: status, JSON body and the headers that belong to it. */
export interface SavedResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface Entry {
  endpoint: string;
  fingerprint: string;
  createdAt: number;
  response: SavedResponse | null; // null while the first request is still executing
}

export type Begin =
  { kind: 'new' } | { kind: 'replay'; response: SavedResponse } | { kind: 'in_flight' } | { kind: 'mismatch'; endpoint: string; sameEndpoint: boolean };

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency layer: the first request for a key reserves it; its result (success or
 * an error from execution) is saved for 24 h and replayed. Keys are scoped per API key, like
 * Stripe scopes them per account. Saved answers and forgotten keys are passed to `record` (the
 * journal); a key still executing is not, so after a crash its request can run again.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly record: (change: Change) => void = () => {},
  ) {}

  restore(c: Change): void {
    if (c.kind === 'idempotency') this.entries.set(c.id, c.entry);
    else if (c.kind === 'forget') for (const id of c.ids) this.entries.delete(id);
  }

  /** The saved answers as changes, for a journal snapshot. */
  snapshot(): Change[] {
    return [...this.entries].flatMap(([id, entry]): Change[] => (entry.response ? [{ kind: 'idempotency', id, entry }] : []));
  }

  begin(scope: string, key: string, endpoint: string, fingerprint: string): Begin {
    const id = `${scope}\u0000${key}`;
    const t = this.now();
    const found = this.entries.get(id);
    if (found && t - found.createdAt >= IDEMPOTENCY_TTL_MS) this.entries.delete(id);
    const entry = this.entries.get(id);
    if (!entry) {
      this.entries.set(id, { endpoint, fingerprint, createdAt: t, response: null });
      return { kind: 'new' };
    }
    if (entry.endpoint !== endpoint || entry.fingerprint !== fingerprint)
      return { kind: 'mismatch', endpoint: entry.endpoint, sameEndpoint: entry.endpoint === endpoint };
    if (!entry.response) return { kind: 'in_flight' };
    return { kind: 'replay', response: entry.response };
  }

  /** Saves the result of an executed request. */
  complete(scope: string, key: string, response: SavedResponse): void {
    const id = `${scope}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.response = response;
    this.record({ kind: 'idempotency', id, entry });
  }

  /** Frees the key: the request never began executing (validation error), so nothing is saved. */
  release(scope: string, key: string): void {
    const id = `${scope}\u0000${key}`;
    if (this.entries.get(id)?.response === null) this.entries.delete(id);
  }

  /** Drops expired entries, so a long-running emulator does not grow without bound. */
  prune(): void {
    const t = this.now();
    for (const [id, e] of this.entries) if (e.response && t - e.createdAt >= IDEMPOTENCY_TTL_MS) this.entries.delete(id);
  }

  /**
   * Forgets the saved answers of keys starting with `prefix`, as 24 h passing would; a request
   * still executing keeps its key. Returns how many were forgotten.
   */
  expire(prefix: string): number {
    const ids: string[] = [];
    for (const [id, e] of this.entries) {
      if (e.response && id.slice(id.indexOf('\u0000') + 1).startsWith(prefix)) {
        this.entries.delete(id);
        ids.push(id);
      }
    }
    if (ids.length) this.record({ kind: 'forget', ids });
    return ids.length;
  }

  clear(): void {
    this.entries.clear();
  }
}

export function errorResponse(err: StripeHttpError, requestId: string): SavedResponse {
  return { status: err.status, body: err.body(), headers: { ...err.headers, 'request-id': requestId } };
}
