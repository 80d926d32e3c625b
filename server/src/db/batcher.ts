/**
 * Group commit: submissions that arrive while a batch is being written wait and go together in
 * the next one. An idle system writes each at once (no timer: a free slot starts after the
 * current event-loop turn, so requests read from the network in the same turn share a batch); a
 * busy one pays one round trip and one statement per batch instead of per submission.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }[] = [];
  private running = 0;
  private starting = false;

  /**
   * @param run writes a batch and settles each item in order; a rejection fails the whole batch.
   * @param options.maxBatch items per batch; options.concurrency batches written at once.
   */
  constructor(
    private readonly run: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly options: { maxBatch: number; concurrency: number },
  ) {}

  /** Items waiting for a batch to start. */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    return this.submitAll([item])[0]!;
  }

  /** Items that arrive together: queued before a batch starts, so they share one when a slot is free. */
  submitAll(items: readonly I[]): Promise<O>[] {
    const settled = items.map((item) => new Promise<O>((resolve, reject) => this.queue.push({ item, resolve, reject })));
    if (!this.starting && this.running < this.options.concurrency) {
      this.starting = true;
      setImmediate(() => {
        this.starting = false;
        this.pump();
      });
    }
    return settled;
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      this.run(batch.map((b) => b.item))
        .then(
          (results) => batch.forEach((b, i) => settle(b, results[i])),
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}

function settle<O>(waiter: { resolve: (value: O) => void; reject: (reason: unknown) => void }, result: PromiseSettledResult<O> | undefined): void {
  if (!result) waiter.reject(new Error('batch returned no result for this item'));
  else if (result.status === 'fulfilled') waiter.resolve(result.value);
  else waiter.reject(result.reason);
}
