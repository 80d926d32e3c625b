import { describe, expect, it } from 'vitest';
import { explainPayoutFailure } from './payout-failures';

describe('a failed payout in plain words', () => {
  it('sends the affiliate to reconnect Stripe when their account cannot take the transfer', () => {
    const advice = explainPayoutFailure('account_invalid');
    expect(advice.inStripe).toBe(true);
    expect(advice.reason).toMatch(/closed, disconnected or no longer valid/);
    expect(advice.next).toMatch(/connect your Stripe account again/);
    expect(explainPayoutFailure('transfers_not_allowed').next).toMatch(/continue onboarding/);
  });

  it('tells the affiliate there is nothing to fix on their side when the program lacked funds', () => {
    const advice = explainPayoutFailure('balance_insufficient');
    expect(advice.inStripe).toBe(false);
    expect(advice.reason).toMatch(/Nothing is wrong with your account/);
  });

  it("names a code it does not know in words, without Stripe's message (which is for operators)", () => {
    const advice = explainPayoutFailure('something_new');
    expect(advice).toEqual({
      reason: 'Stripe refused the payout (something new).',
      next: expect.stringMatching(/Contact the program/),
      inStripe: false,
    });
    expect(explainPayoutFailure(null).reason).toBe('Stripe refused the payout.');
  });
});
