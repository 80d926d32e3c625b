const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const isCurrency = (code: string) => CURRENCIES.has(code);

/**
 * The most one order, refund or commission rule may carry: inputs are GraphQL `Int` (32-bit).
 * Sums of them (stats, payout items and batches) pass it and are `SafeInt` in the API.
 */
export const MAX_AMOUNT_MINOR = 2_147_483_647;

/**
 * A PostgreSQL sum of minor units (numeric or bigint, which the driver returns as text) as a
 * JS number; beyond 2^53 a number would silently round, so that is an error instead.
 */
export function minorFromDb(value: string | number | null | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`A sum of ${value} minor units is beyond 2^53 and cannot be represented exactly`);
  return n;
}

/** Basis points of an amount, rounded half-up to the minor unit. */
export function applyBps(amountMinor: number, bps: number): number {
  return Math.floor((amountMinor * bps + 5_000) / 10_000);
}
