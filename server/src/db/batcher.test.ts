import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A writer whose batches finish when the test says so. */
function controlled() {
  const batches: { items: number[]; finish: () => void }[] = [];
  const run = (items: number[]) =>
    new Promise<PromiseSettledResult<string>[]>((resolve) => {
      batches.push({
        items,
        finish: () => resolve(items.map((i) => (i < 0 ? { status: 'rejected', reason: new Error(`bad ${i}`) } : { status: 'fulfilled', value: `ok ${i}` }))),
      });
    });
  return { batches, run };
}

describe('Batcher (group commit)', () => {
  it('writes a lone submission after the current turn (no timer), and groups what arrives while a batch is running', async () => {
    const { batches, run } = controlled();
    const b = new Batcher(run, { maxBatch: 100, concurrency: 1 });
    const first = b.submit(1);
    expect(batches).toEqual([]);
    await tick();
    expect(batches.map((x) => x.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((i) => b.submit(i));
    expect(b.waiting).toBe(3);
    batches[0]!.finish();
    expect(await first).toBe('ok 1');
    await tick();
    expect(batches.map((x) => x.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['ok 2', 'ok 3', 'ok 4']);
  });

  it('items submitted in the same turn share a batch when a slot is free', async () => {
    const { batches, run } = controlled();
    const b = new Batcher(run, { maxBatch: 3, concurrency: 2 });
    const all = [...b.submitAll([1, 2]), b.submit(3), b.submit(4)];
    await tick();
    expect(batches.map((x) => x.items)).toEqual([[1, 2, 3], [4]]);
    for (const x of batches) x.finish();
    expect(await Promise.all(all)).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4']);
  });

  it('caps batches at maxBatch and runs up to `concurrency` of them at once', async () => {
    const { batches, run } = controlled();
    const b = new Batcher(run, { maxBatch: 2, concurrency: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((i) => b.submit(i));
    await tick();
    expect(batches.map((x) => x.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    batches[0]!.finish();
    await tick();
    expect(batches.map((x) => x.items)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    batches[1]!.finish();
    batches[2]!.finish();
    expect(await Promise.all(all)).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5', 'ok 6']);
  });

  it('settles each item on its own: one refused item does not fail its neighbours', async () => {
    const { batches, run } = controlled();
    const b = new Batcher(run, { maxBatch: 10, concurrency: 1 });
    const items = [b.submit(1), b.submit(-2), b.submit(3)];
    await tick();
    expect(batches.map((x) => x.items)).toEqual([[1, -2, 3]]);
    batches[0]!.finish();
    const settled = await Promise.allSettled(items);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('a failed batch rejects its items and the next batch still runs', async () => {
    let calls = 0;
    const b = new Batcher<number, number>(
      async (items) => {
        if (calls++ === 0) throw new Error('connection lost');
        return items.map((value) => ({ status: 'fulfilled', value }));
      },
      { maxBatch: 10, concurrency: 1 },
    );
    await expect(b.submit(1)).rejects.toThrow('connection lost');
    await expect(b.submit(2)).resolves.toBe(2);
  });
});
