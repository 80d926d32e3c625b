import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Domain errors become `extensions.code` (+ `fieldErrors`); anything unexpected is logged and,
 * in production, masked, so a bug never leaks SQL or stack traces to callers.
 */
export function formatError(log: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: original.code, ...(original.fieldErrors ? { fieldErrors: original.fieldErrors } : {}) },
      };
    }
    // Text PostgreSQL cannot take (a malformed uuid, a NUL byte) is the caller's input, never a 500.
    if (original instanceof DriverException && ['22P02', '22021', '22P05'].includes(String((original as { code?: string }).code))) {
      return { message: 'A value has the wrong format (malformed id or text)', path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return { message: 'That conflicts with an existing record', path: formatted.path, extensions: { code: 'CONFLICT' } };
    }
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || original instanceof DriverException) {
      log.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
      if (production) return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted;
  };
}
