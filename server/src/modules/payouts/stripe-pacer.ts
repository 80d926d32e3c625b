import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Spaces Stripe calls `1000 / rate` ms apart across every runner of every server process: each
 * call takes the next slot from one row in PostgreSQL (`payout_pace`), so any number of
 * processes together keep the configured rate. The slot is the row's time, never a local clock.
 */
export class StripePacer {
  constructor(
    private readonly orm: MikroORM,
    private readonly intervalMs: number,
  ) {}

  /** Takes the next slot: its time (epoch ms) and how long until it comes. */
  async reserve(): Promise<{ slotMs: number; waitMs: number }> {
    const [row] = await this.orm.em.fork().execute<{ slot_ms: string; wait_ms: string }[]>(
      `update payout_pace set next_at = greatest(next_at, clock_timestamp()) + ? * interval '1 millisecond' where id = 1
       returning extract(epoch from next_at) * 1000 - ? as slot_ms,
                 extract(epoch from (next_at - clock_timestamp())) * 1000 - ? as wait_ms`,
      [this.intervalMs, this.intervalMs, this.intervalMs],
    );
    if (!row) throw new Error('payout_pace has no row: run the migrations');
    return { slotMs: Number(row.slot_ms), waitMs: Number(row.wait_ms) };
  }

  /** Waits for the next slot (rejects when `signal` aborts). */
  async take(signal: AbortSignal): Promise<void> {
    const { waitMs } = await this.reserve();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
  }
}
