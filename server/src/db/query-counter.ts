import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts SQL statements per request, so tests and benchmarks can bound them. */
export interface QueryCount {
  statements: number;
}

/** The counters the current work is charged to: its request's, or every request a batch serves. */
const storage = new AsyncLocalStorage<readonly QueryCount[]>();

export function countQueries<T>(fn: () => T): { count: QueryCount; result: T } {
  const count = { statements: 0 };
  return { count, result: storage.run([count], fn) };
}

/** The counters of the current request (none outside one), for work done later on its behalf. */
export function currentQueryCounts(): readonly QueryCount[] {
  return storage.getStore() ?? [];
}

/** Runs `fn` charging each of its statements to every one of `counts` (work shared by requests). */
export function chargeQueriesTo<T>(counts: readonly QueryCount[], fn: () => T): T {
  return storage.run(counts, fn);
}

export function recordQuery(): void {
  for (const count of storage.getStore() ?? []) count.statements++;
}
