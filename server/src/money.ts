const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const isCurrency = (code: string) => CURRENCIES.has(code);

/** GraphQL `Int` is 32-bit, so no single amount in the API may exceed it. */
export const MAX_AMOUNT_MINOR = 2_147_483_647;

/** Basis points of an amount, rounded half-up to the minor unit. */
export function applyBps(amountMinor: number, bps: number): number {
  return Math.floor((amountMinor * bps + 5_000) / 10_000);
}
