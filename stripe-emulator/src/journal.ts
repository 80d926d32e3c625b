import { mkdirSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from './log.js';
import type { Entry } from './idempotency.js';
import type { SalesKey, SalesObject } from './sales.js';
import type { Account, LinkState, Transfer } from './store.js';
import type { StripeEvent } from './webhooks.js';

/** One change to the emulator's state, as its new value: replaying a change twice is harmless. */
export type Change =
  | { kind: 'account'; account: Account }
  | { kind: 'deauthorized'; id: string }
  | { kind: 'link'; link: LinkState }
  | { kind: 'transfer'; transfer: Transfer; idempotencyKey: string | null }
  | { kind: 'balance'; currency: string; amount: number }
  | { kind: 'idempotency'; id: string; entry: Entry }
  | { kind: 'forget'; ids: string[] }
  | { kind: 'event'; event: StripeEvent; scope?: string }
  | { kind: 'sales_key'; key: string; entry: SalesKey }
  | { kind: 'sales_object'; scope: string; object: SalesObject }
  | { kind: 'sales_deleted'; id: string }
  | { kind: 'reset' };

/** Rewrite the journal as a snapshot once this much was appended since the last one (or more than the snapshot's own size). */
const COMPACT_AT_BYTES = 16 * 1024 * 1024;
const FILE = /^journal\.(\d+)\.ndjson$/;
const fileName = (generation: number) => `journal.${generation}.ndjson`;

/**
 * The emulator's state on disk, so a restarted demo still knows the accounts it onboarded and
 * the idempotency keys it answered. An append-only journal: each line holds the changes of one
 * synchronous step (a request's transfer, balance and idempotency key together), and no answer
 * leaves the emulator before `durable()` says its line is written (to the kernel: a process
 * crash loses none of it). Lines that wait meanwhile share one write.
 *
 * When the journal has grown past its last snapshot, the whole state is written as generation
 * n+1 (a temporary file, synced, then renamed) and generation n is removed; on open only the
 * newest generation is read. Changes are new values, so those appended after the snapshot was
 * taken but before it was written apply again on top of it without harm.
 */
export class EmulatorJournal {
  private step: string[] = [];
  private lines: string[] = [];
  /** Steps ended so far, and how many of them were written (or failed to be). */
  private sealed = 0;
  private settled = 0;
  private waiters: { upTo: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private writer: Promise<void> = Promise.resolve();
  private appendedBytes = 0;
  private snapshotBytes: number;

  private constructor(
    private readonly dir: string,
    private generation: number,
    private file: FileHandle,
    private readonly snapshot: () => Change[],
    private readonly compactAtBytes: number,
    existingBytes: number,
    private readonly log?: Logger,
  ) {
    this.snapshotBytes = existingBytes;
  }

  /**
   * Reads the newest generation in `dir` (created if missing) and opens it for appending.
   * A last line cut short by a crash is dropped: its step was never answered.
   */
  static async open(
    dir: string,
    snapshot: () => Change[],
    opts: { compactAtBytes?: number; log?: Logger } = {},
  ): Promise<{ journal: EmulatorJournal; changes: Change[] }> {
    mkdirSync(dir, { recursive: true });
    const generations = readdirSync(dir)
      .map((f) => FILE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => b - a);
    const generation = generations[0] ?? 1;
    // Older generations are covered by the newest one's snapshot; a .tmp is a snapshot never finished.
    for (const f of readdirSync(dir)) if (f.endsWith('.tmp') || (FILE.test(f) && f !== fileName(generation))) rmSync(join(dir, f), { force: true });
    const path = join(dir, fileName(generation));
    const changes: Change[] = [];
    let bytes = 0;
    try {
      const text = readFileSync(path, 'utf8');
      const complete = text.lastIndexOf('\n') + 1;
      if (complete < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
      const lines = text.slice(0, complete).split('\n');
      lines.pop();
      lines.forEach((line, i) => {
        try {
          changes.push(...(JSON.parse(line) as Change[]));
        } catch {
          throw new Error(`Stripe emulator: ${path} line ${i + 1} is not a journal entry; move the directory away to start the emulator empty`);
        }
      });
      bytes = Buffer.byteLength(text.slice(0, complete));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const file = await open(path, 'a');
    const journal = new EmulatorJournal(dir, generation, file, snapshot, opts.compactAtBytes ?? COMPACT_AT_BYTES, bytes, opts.log);
    return { journal, changes };
  }

  /** Notes a change of the current step; `durable()` ends the step. */
  record(change: Change): void {
    this.step.push(JSON.stringify(change));
  }

  /** Resolves once every change recorded so far is on disk (rejects if it cannot be written). */
  durable(): Promise<void> {
    if (this.step.length) {
      this.lines.push(`[${this.step.join(',')}]\n`);
      this.step = [];
      this.sealed++;
    }
    if (this.settled === this.sealed) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ upTo: this.sealed, resolve, reject }));
    if (!this.flushing) {
      this.flushing = true;
      this.writer = this.writeAll();
    }
    return done;
  }

  async close(): Promise<void> {
    await this.durable().catch(() => undefined);
    await this.writer;
    await this.file.close();
  }

  /** Writes the waiting lines, all at once, until none are left (steps ended meanwhile join the next write). */
  private async writeAll(): Promise<void> {
    try {
      while (this.lines.length) {
        const text = this.lines.join('');
        const upTo = this.sealed;
        this.lines = [];
        try {
          // Written, not synced: a crashed process loses nothing the kernel holds, and an emulator
          // need not survive a power cut. A sync per step made calls wait on a busy disk (the
          // payout fuzz's 300 ms Stripe timeouts ran out).
          await this.file.write(text);
        } catch (err) {
          this.settle(upTo, err);
          continue;
        }
        this.appendedBytes += Buffer.byteLength(text);
        this.settle(upTo, null);
        if (this.appendedBytes >= Math.max(this.compactAtBytes, this.snapshotBytes)) {
          // The journal stays valid without it: try again after the next write.
          await this.compact().catch((err: unknown) => this.log?.error({ err }, 'stripe emulator: could not compact its journal'));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private settle(upTo: number, err: unknown): void {
    this.settled = upTo;
    const done = this.waiters.filter((w) => w.upTo <= upTo);
    this.waiters = this.waiters.filter((w) => w.upTo > upTo);
    for (const w of done) err ? w.reject(err) : w.resolve();
  }

  /** Writes the whole state as the next generation and drops the current one. */
  private async compact(): Promise<void> {
    const text = this.snapshot()
      .map((c) => `[${JSON.stringify(c)}]\n`)
      .join('');
    const next = this.generation + 1;
    const tmp = join(this.dir, `${fileName(next)}.tmp`);
    const out = await open(tmp, 'w');
    try {
      await out.write(text);
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(tmp, join(this.dir, fileName(next)));
    const dir = await open(this.dir, 'r');
    await dir.sync().finally(() => dir.close());
    const previous = this.file;
    this.file = await open(join(this.dir, fileName(next)), 'a');
    await previous.close();
    await rm(join(this.dir, fileName(this.generation)), { force: true });
    this.generation = next;
    this.snapshotBytes = Buffer.byteLength(text);
    this.appendedBytes = 0;
  }
}
