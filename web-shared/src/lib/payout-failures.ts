/**
 * A failed payout in plain words for the affiliate it was meant for: what went wrong (from
 * Stripe's error code on the transfer) and what to do about it. `inStripe` says whether the
 * fix is theirs, in their Stripe account (the portal then offers its get-paid flow), or the
 * program's, where the affiliate only waits.
 */
export interface PayoutFailureAdvice {
  reason: string;
  next: string;
  inStripe: boolean;
}

const ACCOUNT_CANNOT_RECEIVE: PayoutFailureAdvice = {
  reason: 'Your Stripe account cannot receive transfers yet: Stripe still needs details from you before it accepts money.',
  next: 'Open Get paid and continue onboarding with Stripe. Once Stripe enables payouts, the program sends this payout again.',
  inStripe: true,
};

const ADVICE: Record<string, PayoutFailureAdvice> = {
  account_invalid: {
    reason: 'Stripe could not send the money to your connected account: the account is closed, disconnected or no longer valid.',
    next: 'Open Get paid and connect your Stripe account again. The program then sends this payout again; nothing is lost meanwhile.',
    inStripe: true,
  },
  transfers_not_allowed: ACCOUNT_CANNOT_RECEIVE,
  insufficient_capabilities_for_transfer: ACCOUNT_CANNOT_RECEIVE,
  account_country_invalid_address: {
    reason: 'Stripe could not pay your account because the country or address on it does not match where transfers can be sent.',
    next: 'Open Get paid, continue onboarding and correct your address with Stripe. The program then sends this payout again.',
    inStripe: true,
  },
  balance_insufficient: {
    reason: "The program's Stripe balance was too low to send your payout when it ran. Nothing is wrong with your account.",
    next: 'Nothing to do on your side: the program sends it again once its balance is topped up. Contact the program if it stays failed.',
    inStripe: false,
  },
  amount_too_small: {
    reason: 'The payout was below the smallest amount Stripe transfers.',
    next: 'Nothing to do: it is carried into a later payout together with what you earn next.',
    inStripe: false,
  },
};

/**
 * The advice for a Stripe failure code; an unknown code is named with the program's help.
 * Stripe's own message is not for affiliates (it can name the platform's key and accounts), so
 * the server answers it to operators only.
 */
export function explainPayoutFailure(code: string | null | undefined): PayoutFailureAdvice {
  const known = code ? ADVICE[code] : undefined;
  if (known) return known;
  return {
    reason: code ? `Stripe refused the payout (${code.replaceAll('_', ' ')}).` : 'Stripe refused the payout.',
    next: 'The program has been told and will send it again once the problem is solved. Contact the program if it stays failed.',
    inStripe: false,
  };
}
