import { formatBps, formatMoney } from '@sorae/web-shared';
import type { ProgramTermsFragment } from '../gql/graphql';

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

/** A day of the month in words: 1 → "1st", 22 → "22nd". */
function ordinal(n: number): string {
  const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th' } as Record<string, string>;
  return `${n}${suffix[new Intl.PluralRules('en', { type: 'ordinal' }).select(n)] ?? 'th'}`;
}

/** The terms a program offers, in plain words: what is earned, for how long, when it is paid. */
export function ProgramTerms({ terms, testId = 'program-terms' }: { terms: ProgramTermsFragment; testId?: string }) {
  const { commission: c, currency } = terms;
  const earn =
    c.type === 'PERCENTAGE' && c.rateBps != null
      ? `${formatBps(c.rateBps)} of each order you refer`
      : c.amountMinor != null
        ? `${formatMoney(c.amountMinor, currency)} for each order you refer`
        : 'Set per order';
  return (
    <dl className="facts program-terms" data-testid={testId}>
      <dt>Commission</dt>
      <dd data-testid="terms-commission">{earn}</dd>
      <dt>Cookie window</dt>
      <dd data-testid="terms-window">Orders within {days(terms.attributionWindowDays)} of a click on your link count</dd>
      <dt>Hold period</dt>
      <dd data-testid="terms-hold">
        {terms.holdDays === 0 ? 'None: commissions are locked at once' : `${days(terms.holdDays)}, while refunds can still change a commission`}
      </dd>
      <dt>Payouts</dt>
      <dd data-testid="terms-payouts">
        Monthly, on the {ordinal(terms.payoutDayOfMonth)}, through Stripe
        {terms.minPayoutMinor > 0
          ? `, once you have earned at least ${formatMoney(terms.minPayoutMinor, currency)} (smaller balances wait for the next month)`
          : ''}
      </dd>
    </dl>
  );
}
