import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts SQL statements per request, so tests and benchmarks can bound them. */
export interface QueryCount {
  statements: number;
}

const storage = new AsyncLocalStorage<QueryCount>();

export function countQueries<T>(fn: () => T): { count: QueryCount; result: T } {
  const count = { statements: 0 };
  return { count, result: storage.run(count, fn) };
}

export function recordQuery(): void {
  const count = storage.getStore();
  if (count) count.statements++;
}
