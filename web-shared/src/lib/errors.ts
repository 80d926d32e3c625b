import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/** What the UI needs from any failed operation: a sentence, a code, and per-field messages. */
export interface Problem {
  message: string;
  code?: string;
  /** Paths like `slug`, `commission.rateBps`, `intakeFields.1.key` → message. */
  fieldErrors: Record<string, string>;
}

export function describeError(error: unknown): Problem {
  if (CombinedGraphQLErrors.is(error)) {
    const fieldErrors: Record<string, string> = {};
    let code: string | undefined;
    for (const e of error.errors) {
      const ext = e.extensions ?? {};
      if (!code && typeof ext.code === 'string') code = ext.code;
      const fe = ext.fieldErrors;
      if (fe && typeof fe === 'object') {
        for (const [k, v] of Object.entries(fe as Record<string, unknown>)) fieldErrors[k] = String(v);
      }
    }
    const first = error.errors[0]?.message ?? 'The request failed';
    const message = Object.keys(fieldErrors).length > 0 ? 'Please correct the highlighted fields.' : first;
    return { message, code, fieldErrors };
  }
  if (ServerError.is(error)) {
    return { message: `The server answered ${error.statusCode}. Please try again.`, code: 'SERVER_ERROR', fieldErrors: {} };
  }
  if (error instanceof TypeError) {
    return { message: 'Could not reach the server. Check your connection and try again.', code: 'NETWORK', fieldErrors: {} };
  }
  return { message: error instanceof Error ? error.message : 'Something went wrong', fieldErrors: {} };
}

export function errorCode(error: unknown): string | undefined {
  return describeError(error).code;
}
