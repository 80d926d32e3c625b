import { GraphQLError, type ASTVisitor, type GraphQLFormattedError, type ValidationContext } from 'graphql';
import { badInput, DomainError } from '../errors.js';
import { INTERNAL_ERROR_MESSAGE, logInternalError, sqlState } from '../http/internal-error.js';
import type { Logger } from '../logger.js';

/** The error behind Apollo's wrappers (a resolver's, a validation rule's, a failed context's). */
function originalOf(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

/**
 * Domain errors become `extensions.code` (+ `fieldErrors`); anything unexpected is logged once,
 * without values, and masked in every mode (the demo and development too), so a bug never shows
 * callers SQL, stack traces or database text: they get the request id the log line carries.
 */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: original.code,
          ...(original.fieldErrors ? { fieldErrors: original.fieldErrors } : {}),
          ...(original.retryAfterSeconds ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
        },
      };
    }
    const state = sqlState(original);
    // Text PostgreSQL cannot take (a malformed uuid, a NUL byte) is the caller's input, never a 500.
    if (state === '22P02' || state === '22021' || state === '22P05') {
      return { message: 'A value has the wrong format (malformed id or text)', path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (state === '23505') {
      return { message: 'That conflicts with an existing record', path: formatted.path, extensions: { code: 'CONFLICT' } };
    }
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' || state) {
      const requestId = logInternalError(log, original, { path: formatted.path });
      return { message: INTERNAL_ERROR_MESSAGE, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } };
    }
    return formatted;
  };
}

/**
 * A validation rule: a NUL character in a string literal of the document (`"a\u0000b"`) is
 * refused before execution (PostgreSQL text cannot hold it). Variables are checked with the
 * request body, before parsing.
 */
export function refuseNulInStrings(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (!node.value.includes('\u0000')) return;
      const refused = badInput('Text must not contain NUL characters');
      context.reportError(new GraphQLError(refused.message, { nodes: node, originalError: refused }));
    },
  };
}
