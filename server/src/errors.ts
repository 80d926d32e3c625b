import type { z } from 'zod';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'UNAVAILABLE';

/** A rule a caller broke. The GraphQL layer maps it to `extensions.code`; REST to a 4xx. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
    /** UNAVAILABLE and RATE_LIMITED: nothing was done; the same request may succeed after this many seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429, UNAVAILABLE: 503 }[this.code];
  }
}

export const badInput = (message: string, fieldErrors?: Record<string, string>) => new DomainError('BAD_USER_INPUT', message, fieldErrors);
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string, fieldErrors?: Record<string, string>) => new DomainError('CONFLICT', message, fieldErrors);
export const forbidden = (message = 'You are not allowed to do this') => new DomainError('FORBIDDEN', message);
/** A temporary refusal that wrote nothing: retry after `retryAfterSeconds`. */
export const unavailable = (message: string, retryAfterSeconds: number) => new DomainError('UNAVAILABLE', message, undefined, retryAfterSeconds);
export const unauthenticated = (message = 'Sign in first') => new DomainError('UNAUTHENTICATED', message);

/** Parses with zod and turns every issue into a per-field message. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    fieldErrors[path] ??= issue.message;
  }
  throw badInput(
    `Invalid input: ${Object.entries(fieldErrors)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
    fieldErrors,
  );
}
