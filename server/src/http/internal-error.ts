import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';

/** The request an internal error belongs to: named in its log line and in the masked answer. */
const requests = new AsyncLocalStorage<string>();

export function withRequestId<T>(fn: () => T): T {
  return requests.run(randomUUID(), fn);
}

/** Database error fields PostgreSQL reports, on pg's errors and on MikroORM's (which copies them). */
interface DatabaseErrorFields {
  code?: unknown;
  severity?: unknown;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

/** The SQLSTATE of an error PostgreSQL raised (through MikroORM or straight from pg), or null. */
export function sqlState(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const { code, severity } = err as DatabaseErrorFields;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string' ? code : null;
}

/**
 * What the log keeps of an internal error: enough to find it (type, SQLSTATE, constraint, table,
 * routine, stack frames), no values. A database error's message holds the SQL with its values
 * inlined (MikroORM) or the offending value (PostgreSQL: `invalid input syntax … "<value>"`), so
 * it is left out, and so is the first line of its stack, which repeats it.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  const code = sqlState(err);
  if (!code) return { type: err.name, message: err.message, frames };
  const { constraint, table, column, routine } = err as DatabaseErrorFields;
  return { type: err.name, code, constraint, table, column, routine, frames };
}

/** Logs an internal error once, without values, and answers the request id the client is shown. */
export function logInternalError(log: Logger, err: unknown, where: Record<string, unknown>): string {
  const requestId = requests.getStore() ?? randomUUID();
  log.error({ requestId, ...where, error: loggableError(err) }, 'internal error');
  return requestId;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
