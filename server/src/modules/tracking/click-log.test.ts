import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../logger.js';
import { uuidv7 } from '../../ids.js';
import { ClickLog, type ClickRecord } from './click-log.js';

const log = createLogger('silent');
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function click(n = 0): ClickRecord {
  return {
    id: uuidv7(),
    merchantId: uuidv7(),
    enrollmentId: uuidv7(),
    affiliateId: uuidv7(),
    campaignId: uuidv7(),
    occurredAt: new Date(),
    referer: null,
    utmSource: `s${n}`,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    userAgent: 'ua',
    ipHash: 'h',
    visitorId: 'v',
    isBot: false,
    newVisitor: false,
  };
}

/** A writer that records each batch, and fails while `down` is set. */
function fakeDb() {
  const db = { batches: [] as ClickRecord[][], down: false, attempts: 0, attemptedAt: [] as number[] };
  const write = async (batch: ClickRecord[]) => {
    db.attempts++;
    db.attemptedAt.push(performance.now());
    await tick();
    if (db.down) throw new Error('connection refused');
    db.batches.push(batch);
  };
  return { db, write, rows: () => db.batches.flat() };
}

describe('the click log', () => {
  it('writes a partial buffer after flushMs, in one batch', async () => {
    const { db, write, rows } = fakeDb();
    const clicks = new ClickLog(write, { flushMs: 30, batchSize: 100, log });
    const recordedAt = performance.now();
    for (let i = 0; i < 10; i++) expect(clicks.record(click(i))).toBeUndefined();
    await vi.waitFor(() => expect(db.batches.map((b) => b.length)).toEqual([10]));
    // Not before flushMs (timers may fire up to a millisecond early by this clock).
    expect(db.attemptedAt[0]! - recordedAt).toBeGreaterThanOrEqual(29);
    expect(rows().map((c) => c.utmSource)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    await clicks.close();
  });

  it('writes at once when the buffer reaches batchSize, one INSERT per batch', async () => {
    const { db, write } = fakeDb();
    const clicks = new ClickLog(write, { flushMs: 60_000, batchSize: 50, log });
    for (let i = 0; i < 120; i++) await clicks.record(click(i));
    await vi.waitFor(() => expect(db.batches.map((b) => b.length)).toEqual([50, 50]));
    await clicks.close();
    expect(db.batches.map((b) => b.length)).toEqual([50, 50, 20]);
  });

  it('makes callers wait when the buffer is full and the database is failing, and loses nothing', async () => {
    const { db, write, rows } = fakeDb();
    db.down = true;
    const clicks = new ClickLog(write, { flushMs: 5, batchSize: 4, log, retryMs: 5, maxRetryMs: 20 });
    let admitted = 0;
    const all = Array.from({ length: 20 }, (_, i) => Promise.resolve(clicks.record(click(i))).then(() => admitted++));
    await vi.waitFor(() => expect(db.attempts).toBeGreaterThan(2));
    // At most one batch being tried and a full buffer: the rest wait.
    expect(admitted).toBeLessThanOrEqual(8);
    expect(clicks.pending).toBe(admitted);
    expect(clicks.waiting).toBe(20 - admitted);
    expect(clicks.consecutiveFailures).toBeGreaterThan(0);
    db.down = false;
    await Promise.all(all);
    await clicks.close();
    expect(rows()).toHaveLength(20);
    expect(new Set(rows().map((c) => c.id)).size).toBe(20);
    expect(clicks.consecutiveFailures).toBe(0);
  });

  it('keeps retrying a failed batch with its rows first', async () => {
    const { db, write, rows } = fakeDb();
    db.down = true;
    const clicks = new ClickLog(write, { flushMs: 5, batchSize: 100, log, retryMs: 5, maxRetryMs: 10 });
    clicks.record(click(1));
    clicks.record(click(2));
    await vi.waitFor(() => expect(clicks.consecutiveFailures).toBeGreaterThan(0));
    clicks.record(click(3));
    db.down = false;
    await vi.waitFor(() => expect(rows().map((c) => c.utmSource)).toEqual(['s1', 's2', 's3']));
    await clicks.close();
  });

  it('sync() writes what was recorded before it at once, including behind a flush under way, and waits out a failing database', async () => {
    const { db, write, rows } = fakeDb();
    const clicks = new ClickLog(write, { flushMs: 60_000, batchSize: 100, log, retryMs: 5, maxRetryMs: 10 });
    await clicks.sync(); // nothing pending: resolves at once
    clicks.record(click(1));
    const first = clicks.flush(); // under way with click 1 only
    clicks.record(click(2));
    await clicks.sync();
    expect(rows().map((c) => c.utmSource)).toEqual(['s1', 's2']);
    await first;

    db.down = true;
    clicks.record(click(3));
    let synced = false;
    const waiting = clicks.sync().then(() => (synced = true));
    await vi.waitFor(() => expect(db.attempts).toBeGreaterThan(3));
    expect(synced).toBe(false);
    db.down = false;
    await waiting;
    expect(rows().map((c) => c.utmSource)).toEqual(['s1', 's2', 's3']);
    await clicks.close();
  });

  it('close() writes everything, even what arrives while a flush runs', async () => {
    const { write, rows } = fakeDb();
    const clicks = new ClickLog(write, { flushMs: 60_000, batchSize: 3, log });
    for (let i = 0; i < 7; i++) void clicks.record(click(i));
    const closing = clicks.close();
    await closing;
    expect(rows()).toHaveLength(7);
    expect(clicks.pending).toBe(0);
  });

  it('close() gives up loudly after its timeout when the database never comes back', async () => {
    const { db, write } = fakeDb();
    db.down = true;
    const clicks = new ClickLog(write, { flushMs: 5, batchSize: 10, log, retryMs: 5, maxRetryMs: 5, closeTimeoutMs: 50 });
    clicks.record(click());
    await expect(clicks.close()).rejects.toThrow(/1 unwritten clicks/);
  });
});
