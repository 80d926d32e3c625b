import { describe, expect, it } from 'vitest';
import { ApiKeyScope, OperatorRole, type Caller } from '../auth/index.js';
import { Channel } from '../tracking/index.js';
import type { ExplainedTouch } from './attribution.engine.js';
import { ordersPolicy } from './policy.js';

const AT = '2026-11-03T10:00:00.000Z';
const touch = (over: Partial<ExplainedTouch>): ExplainedTouch => ({
  channel: Channel.AFFILIATE,
  clickId: 'click-1',
  referralCode: null,
  occurredAt: AT,
  affiliateId: 'aff-1',
  campaignId: 'camp-1',
  enrollmentId: 'enr-1',
  matchedBy: ['clickId'],
  kept: true,
  reason: 'WON',
  ...over,
});
const operator: Caller = { kind: 'operator', merchantId: 'm', operatorId: 'o', role: OperatorRole.REVIEWER, sessionId: 's' };
const key: Caller = { kind: 'apiKey', merchantId: 'm', apiKeyId: 'k', scopes: [ApiKeyScope.READ] };
const affiliate: Caller = { kind: 'affiliate', merchantId: 'm', affiliateId: 'aff-1', sessionId: 's' };

describe('ordersPolicy: what a caller sees of an attribution touch', () => {
  it('operators and keys see every touch whole, referral codes included', () => {
    const t = touch({ channel: Channel.REFERRAL, clickId: null, affiliateId: null, referralCode: 'RCODE1234', matchedBy: ['referralCode'] });
    for (const caller of [operator, key]) {
      expect(ordersPolicy.touchFor(caller, t)).toEqual({ ...t, enrollmentId: undefined, promotionCode: null, occurredAt: new Date(AT) });
      expect(ordersPolicy.seesReferralCodes(caller)).toBe(true);
    }
  });

  it("an affiliate sees its own touch without a referral code, and never a conversion's code", () => {
    expect(ordersPolicy.touchFor(affiliate, touch({ referralCode: 'RCODE1234' }))).toMatchObject({
      clickId: 'click-1',
      occurredAt: new Date(AT),
      referralCode: null,
    });
    expect(ordersPolicy.seesReferralCodes(affiliate)).toBe(false);
  });

  it("an affiliate learns only that a rival's touch existed", () => {
    expect(ordersPolicy.touchFor(affiliate, touch({ affiliateId: 'aff-2', kept: false, reason: 'EARLIER_THAN_WINNER' }))).toEqual({
      clickId: null,
      channel: Channel.AFFILIATE,
      occurredAt: null,
      affiliateId: null,
      campaignId: null,
      referralCode: null,
      promotionCode: null,
      matchedBy: [],
      kept: false,
      reason: 'ANOTHER_TOUCH',
    });
  });
});
