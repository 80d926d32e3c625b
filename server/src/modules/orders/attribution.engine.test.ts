import { describe, expect, it } from 'vitest';
import { attribute, type AttributionInput, type CandidateClick } from './attribution.engine.js';
import { Channel } from '../tracking/index.js';

const DAY = 86_400_000;
const ORDER_AT = new Date('2026-03-10T12:00:00.000Z');
const at = (msBeforeOrder: number) => new Date(ORDER_AT.getTime() - msBeforeOrder);

let seq = 0;
/** UUIDv7-like ids that sort in creation order. */
const clickId = () => `0190${(seq++).toString(16).padStart(4, '0')}-0000-7000-8000-000000000000`;

const click = (over: Partial<CandidateClick> = {}): CandidateClick => ({
  clickId: clickId(),
  occurredAt: at(DAY),
  isBot: false,
  enrollmentId: 'enr-a',
  affiliateId: 'aff-a',
  campaignId: 'camp-30',
  matchedBy: ['visitorId'],
  ...over,
});

const input = (over: Partial<AttributionInput> = {}): AttributionInput => ({
  order: { occurredAt: ORDER_AT, customerId: 'cust-buyer', referralCode: null },
  clicks: [],
  referral: null,
  campaigns: new Map([
    ['camp-30', { attributionWindowDays: 30, status: 'ACTIVE' }],
    ['camp-7', { attributionWindowDays: 7, status: 'ACTIVE' }],
    ['camp-paused', { attributionWindowDays: 30, status: 'PAUSED' }],
    ['camp-archived', { attributionWindowDays: 30, status: 'ARCHIVED' }],
  ]),
  enrollments: new Map([
    ['enr-a', 'ACTIVE'],
    ['enr-b', 'ACTIVE'],
    ['enr-suspended', 'SUSPENDED'],
  ]),
  now: new Date('2026-03-10T12:05:00.000Z'),
  ...over,
});

const reasons = (r: ReturnType<typeof attribute>) => Object.fromEntries(r.explanation.touches.map((t) => [t.clickId ?? t.referralCode, t.reason]));

describe('attribution engine (last touch)', () => {
  it('no touches: NONE, with an empty explanation', () => {
    const r = attribute(input());
    expect(r.winner).toEqual({ channel: Channel.NONE });
    expect(r.explanation).toMatchObject({ rule: 'LAST_TOUCH', winner: null, touches: [] });
  });

  it('the latest click wins across affiliates; the others are kept but earlier', () => {
    const older = click({ occurredAt: at(3 * DAY), affiliateId: 'aff-a' });
    const newer = click({ occurredAt: at(2 * DAY), affiliateId: 'aff-b', enrollmentId: 'enr-b' });
    const r = attribute(input({ clicks: [newer, older] }));
    expect(r.winner).toMatchObject({ channel: Channel.AFFILIATE, click: { clickId: newer.clickId } });
    expect(reasons(r)).toEqual({ [newer.clickId]: 'WON', [older.clickId]: 'EARLIER_THAN_WINNER' });
    expect(r.explanation.winner).toMatchObject({ clickId: newer.clickId, affiliateId: 'aff-b', kept: true });
    expect(r.explanation.touches.map((t) => t.clickId)).toEqual([newer.clickId, older.clickId]);
  });

  describe('the attribution window (inclusive at exactly N days)', () => {
    it('a click exactly attributionWindowDays before the order counts', () => {
      const edge = click({ occurredAt: at(30 * DAY) });
      expect(attribute(input({ clicks: [edge] })).winner.channel).toBe(Channel.AFFILIATE);
    });
    it('a click one millisecond older does not', () => {
      const old = click({ occurredAt: at(30 * DAY + 1) });
      const r = attribute(input({ clicks: [old] }));
      expect(r.winner.channel).toBe(Channel.NONE);
      expect(reasons(r)[old.clickId]).toBe('OUTSIDE_WINDOW');
    });
    it('each click is judged by its own campaign window', () => {
      const shortOld = click({ occurredAt: at(8 * DAY), campaignId: 'camp-7' });
      const longOlder = click({ occurredAt: at(20 * DAY), campaignId: 'camp-30', affiliateId: 'aff-b', enrollmentId: 'enr-b' });
      const r = attribute(input({ clicks: [shortOld, longOlder] }));
      expect(r.winner).toMatchObject({ click: { clickId: longOlder.clickId } });
      expect(reasons(r)[shortOld.clickId]).toBe('OUTSIDE_WINDOW');
    });
  });

  it('a click after the order time is dropped; one at the same instant counts', () => {
    const after = click({ occurredAt: at(-1) });
    const same = click({ occurredAt: at(0), affiliateId: 'aff-b', enrollmentId: 'enr-b' });
    const r = attribute(input({ clicks: [after, same] }));
    expect(r.winner).toMatchObject({ click: { clickId: same.clickId } });
    expect(reasons(r)[after.clickId]).toBe('AFTER_ORDER');
  });

  it('bot clicks never win, even when latest', () => {
    const human = click({ occurredAt: at(2 * DAY) });
    const bot = click({ occurredAt: at(DAY), isBot: true, affiliateId: 'aff-b', enrollmentId: 'enr-b' });
    const r = attribute(input({ clicks: [human, bot] }));
    expect(r.winner).toMatchObject({ click: { clickId: human.clickId } });
    expect(reasons(r)[bot.clickId]).toBe('BOT');
  });

  it('suspended (or vanished) enrollments are dropped', () => {
    const suspended = click({ occurredAt: at(DAY), enrollmentId: 'enr-suspended' });
    const gone = click({ occurredAt: at(DAY / 2), enrollmentId: 'enr-deleted' });
    const ok = click({ occurredAt: at(3 * DAY) });
    const r = attribute(input({ clicks: [suspended, gone, ok] }));
    expect(r.winner).toMatchObject({ click: { clickId: ok.clickId } });
    expect(reasons(r)).toMatchObject({ [suspended.clickId]: 'ENROLLMENT_SUSPENDED', [gone.clickId]: 'UNKNOWN_ENROLLMENT' });
  });

  it('archived campaigns are dropped; paused ones still credit clicks made while live', () => {
    const archived = click({ occurredAt: at(DAY), campaignId: 'camp-archived' });
    const paused = click({ occurredAt: at(2 * DAY), campaignId: 'camp-paused' });
    const r = attribute(input({ clicks: [archived, paused] }));
    expect(r.winner).toMatchObject({ click: { clickId: paused.clickId } });
    expect(reasons(r)[archived.clickId]).toBe('CAMPAIGN_ARCHIVED');
  });

  it('ties on time go to the larger click id', () => {
    const t = at(DAY);
    const a = click({ occurredAt: t });
    const b = click({ occurredAt: t, affiliateId: 'aff-b', enrollmentId: 'enr-b' });
    expect(b.clickId > a.clickId).toBe(true);
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      expect(attribute(input({ clicks: order })).winner).toMatchObject({ click: { clickId: b.clickId } });
    }
  });

  it('the same click found by click id and visitor id is one touch', () => {
    const c = click();
    const r = attribute(
      input({
        clicks: [
          { ...c, matchedBy: ['clickId'] },
          { ...c, matchedBy: ['visitorId'] },
        ],
      }),
    );
    expect(r.explanation.touches).toHaveLength(1);
    expect(r.explanation.touches[0]!.matchedBy).toEqual(['clickId', 'visitorId']);
  });

  describe('across channels', () => {
    const referral = { id: 'ref-1', code: 'RCODE1234', customerId: 'cust-referrer' };
    const withCode = (over: Partial<AttributionInput> = {}) =>
      input({ order: { occurredAt: ORDER_AT, customerId: 'cust-buyer', referralCode: 'RCODE1234' }, referral, ...over });

    it('a referral code (dated at the order time) beats an earlier click', () => {
      const c = click({ occurredAt: at(DAY) });
      const r = attribute(withCode({ clicks: [c] }));
      expect(r.winner).toEqual({ channel: Channel.REFERRAL, referral });
      expect(reasons(r)).toEqual({ RCODE1234: 'WON', [c.clickId]: 'EARLIER_THAN_WINNER' });
    });

    it('a referral code beats a click at the very same instant as the order', () => {
      const c = click({ occurredAt: at(0) });
      expect(attribute(withCode({ clicks: [c] })).winner.channel).toBe(Channel.REFERRAL);
    });

    it('a customer using their own code is not a referral: the click wins', () => {
      const c = click({ occurredAt: at(DAY) });
      const r = attribute(withCode({ clicks: [c], order: { occurredAt: ORDER_AT, customerId: 'cust-referrer', referralCode: 'RCODE1234' } }));
      expect(r.winner.channel).toBe(Channel.AFFILIATE);
      expect(reasons(r).RCODE1234).toBe('SELF_REFERRAL');
    });

    it('an unknown code is listed, dropped, and not an error', () => {
      const r = attribute(withCode({ referral: null, order: { occurredAt: ORDER_AT, referralCode: 'NOPE' } }));
      expect(r.winner.channel).toBe(Channel.NONE);
      expect(r.explanation.touches[0]).toMatchObject({ referralCode: 'NOPE', kept: false, reason: 'UNKNOWN_REFERRAL_CODE' });
    });
  });

  describe("an affiliate's promotion code", () => {
    const promotion = { code: 'ANNA2026', enrollmentId: 'enr-b', affiliateId: 'aff-b', campaignId: 'camp-30' };

    it("is a touch at the order's time: it beats another affiliate's older click", () => {
      const c = click({ occurredAt: at(DAY), affiliateId: 'aff-a' });
      const r = attribute(input({ clicks: [c], promotion }));
      expect(r.winner).toEqual({ channel: Channel.AFFILIATE, promotion });
      expect(r.explanation.winner).toMatchObject({ promotionCode: 'ANNA2026', clickId: null, affiliateId: 'aff-b', matchedBy: ['promotionCode'] });
      expect(r.explanation.touches.map((t) => [t.promotionCode ?? t.clickId, t.reason])).toEqual([
        ['ANNA2026', 'WON'],
        [c.clickId, 'EARLIER_THAN_WINNER'],
      ]);
    });

    it('wins with no click at all, and at the same instant beats a click and a referral code', () => {
      expect(attribute(input({ promotion })).winner).toEqual({ channel: Channel.AFFILIATE, promotion });
      const r = attribute(
        input({
          clicks: [click({ occurredAt: at(0) })],
          promotion,
          referral: { id: 'ref-1', code: 'RCODE1234', customerId: 'cust-referrer' },
          order: { occurredAt: ORDER_AT, customerId: 'cust-buyer', referralCode: 'RCODE1234' },
        }),
      );
      expect(r.winner).toEqual({ channel: Channel.AFFILIATE, promotion });
    });

    it("a suspended enrollment's or an archived campaign's code is dropped: the click wins", () => {
      const c = click({ occurredAt: at(DAY) });
      const suspended = attribute(input({ clicks: [c], promotion: { ...promotion, enrollmentId: 'enr-suspended' } }));
      expect(suspended.winner).toMatchObject({ click: { clickId: c.clickId } });
      expect(suspended.explanation.touches.find((t) => t.promotionCode)).toMatchObject({ kept: false, reason: 'ENROLLMENT_SUSPENDED' });
      const archived = attribute(input({ clicks: [c], promotion: { ...promotion, campaignId: 'camp-archived' } }));
      expect(archived.explanation.touches.find((t) => t.promotionCode)!.reason).toBe('CAMPAIGN_ARCHIVED');
    });
  });

  describe('the order time, never the arrival time', () => {
    it('an import of an old order is judged against its own time', () => {
      const orderAt = new Date('2025-01-01T00:00:00Z');
      const c = click({ occurredAt: new Date(orderAt.getTime() - 10 * DAY) });
      const r = attribute(input({ order: { occurredAt: orderAt }, clicks: [c], now: new Date('2026-06-01T00:00:00Z') }));
      expect(r.winner.channel).toBe(Channel.AFFILIATE);
      expect(r.explanation.orderAheadOfClock).toBe(false);
    });

    it('an order dated ahead of the server clock is accepted and flagged; clicks before it count', () => {
      const now = new Date(ORDER_AT.getTime() - 3600_000);
      const c = click({ occurredAt: new Date(now.getTime() - DAY) });
      const r = attribute(input({ clicks: [c], now }));
      expect(r.winner.channel).toBe(Channel.AFFILIATE);
      expect(r.explanation.orderAheadOfClock).toBe(true);
    });
  });

  it('is pure: the same input gives the same output, whatever the candidates order', () => {
    const cs = [click({ occurredAt: at(5 * DAY) }), click({ occurredAt: at(DAY), isBot: true }), click({ occurredAt: at(2 * DAY) })];
    const a = attribute(input({ clicks: cs }));
    const b = attribute(input({ clicks: [...cs].reverse() }));
    expect(b).toEqual(a);
  });
});
