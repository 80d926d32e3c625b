/**
 * The attribution engine: a pure function (no I/O, no clock of its own) from an order and its
 * candidate touches to the winning touch and a stored explanation.
 *
 * Rules, in the order a touch is checked (the first that applies is the reason it is dropped):
 * - AFTER_ORDER: a click later than the order's `occurredAt` (a click at the same instant counts).
 * - BOT: a click from a known crawler.
 * - UNKNOWN_ENROLLMENT / ENROLLMENT_SUSPENDED: the click's enrollment is gone or suspended now.
 * - CAMPAIGN_ARCHIVED: the campaign was archived. A PAUSED campaign still credits clicks made
 *   while it was live (pausing stops new clicks; it does not take earned orders away).
 * - OUTSIDE_WINDOW: older than the campaign's `attributionWindowDays`; the edge is inclusive,
 *   so a click exactly N × 24 h before the order counts and one a millisecond older does not.
 * - SELF_REFERRAL: a referral code used by the customer who owns it.
 * An affiliate's promotion code used at checkout is an AFFILIATE touch at the order's time (no
 * window: the shopper typed it with the order), dropped only when its enrollment is suspended or
 * its campaign archived. Of the touches kept, the latest wins (LAST_TOUCH). Ties on time: codes
 * (dated at the order time, as they are entered at checkout, the last thing the shopper does)
 * beat a click at the same instant, a promotion code before a referral code; between clicks,
 * the larger click id (UUIDv7: the later-logged) wins.
 */
import { Channel, type CandidateClickRow } from '../tracking/index.js';

export type MatchedBy = 'clickId' | 'visitorId' | 'referralCode' | 'promotionCode' | 'subscription';

export type TouchReason =
  | 'WON'
  | 'EARLIER_THAN_WINNER'
  | 'AFTER_ORDER'
  | 'BOT'
  | 'UNKNOWN_ENROLLMENT'
  | 'ENROLLMENT_SUSPENDED'
  | 'CAMPAIGN_ARCHIVED'
  | 'OUTSIDE_WINDOW'
  | 'SELF_REFERRAL'
  | 'UNKNOWN_REFERRAL_CODE'
  // A subscription's later payment (recurring.ts): its first payment earned nobody, or the campaign's duration is over.
  | 'FIRST_PAYMENT_NOT_ATTRIBUTED'
  | 'DURATION_OVER';

export const RULE = 'LAST_TOUCH';

/** A click as tracking's port answers it, and how the order named it. */
export interface CandidateClick extends Omit<CandidateClickRow, 'i' | 'visitorId'> {
  matchedBy: MatchedBy[];
}

/** The enrollment whose promotion code the order used (matched ignoring case). */
export interface CandidatePromotion {
  code: string;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
}

export interface CandidateCampaign {
  attributionWindowDays: number;
  /** ACTIVE, PAUSED or ARCHIVED. */
  status: string;
}

export interface AttributionInput {
  order: { occurredAt: Date; customerId?: string | null; referralCode?: string | null };
  clicks: CandidateClick[];
  /** The enrollment of the order's coupon code, when it is an affiliate's promotion code. */
  promotion?: CandidatePromotion | null;
  /** The order's referral code as found (null when the order names an unknown code). */
  referral: { id: string; code: string; customerId: string } | null;
  campaigns: ReadonlyMap<string, CandidateCampaign>;
  /** Enrollment id → status (ACTIVE or SUSPENDED); missing means the enrollment is gone. */
  enrollments: ReadonlyMap<string, string>;
  now: Date;
}

/** One touch as stored in the explanation (ISO dates: this is jsonb). */
export interface ExplainedTouch {
  channel: Channel.AFFILIATE | Channel.REFERRAL;
  clickId: string | null;
  referralCode: string | null;
  /** Promotion-code touches: the code (older explanations lack it). */
  promotionCode?: string | null;
  occurredAt: string;
  affiliateId: string | null;
  campaignId: string | null;
  enrollmentId: string | null;
  matchedBy: MatchedBy[];
  kept: boolean;
  reason: TouchReason;
}

export interface AttributionExplanation {
  /** SUBSCRIPTION: a later payment of a subscription, credited through its first payment (recurring.ts). */
  rule: typeof RULE | 'SUBSCRIPTION';
  orderOccurredAt: string;
  evaluatedAt: string;
  /** The order's time was ahead of the server clock when it was attributed. */
  orderAheadOfClock: boolean;
  winner: ExplainedTouch | null;
  /** Every touch considered, latest first. */
  touches: ExplainedTouch[];
}

export type AttributionWinner =
  | { channel: Channel.AFFILIATE; click: CandidateClick }
  | { channel: Channel.AFFILIATE; promotion: CandidatePromotion }
  | { channel: Channel.REFERRAL; referral: { id: string; code: string; customerId: string } }
  | { channel: Channel.NONE };

export interface AttributionResult {
  winner: AttributionWinner;
  explanation: AttributionExplanation;
}

const DAY_MS = 86_400_000;

/** Whether an enrollment may still be credited: it exists and is active, and its campaign is not archived. */
function enrollmentVerdict(touch: { enrollmentId: string; campaignId: string }, input: AttributionInput): TouchReason | null {
  const enrollment = input.enrollments.get(touch.enrollmentId);
  if (!enrollment) return 'UNKNOWN_ENROLLMENT';
  if (enrollment !== 'ACTIVE') return 'ENROLLMENT_SUSPENDED';
  const campaign = input.campaigns.get(touch.campaignId);
  if (!campaign) return 'UNKNOWN_ENROLLMENT';
  if (campaign.status === 'ARCHIVED') return 'CAMPAIGN_ARCHIVED';
  return null;
}

function clickVerdict(click: CandidateClick, input: AttributionInput): TouchReason | null {
  const orderAt = input.order.occurredAt.getTime();
  const at = click.occurredAt.getTime();
  if (at > orderAt) return 'AFTER_ORDER';
  if (click.isBot) return 'BOT';
  const dropped = enrollmentVerdict(click, input);
  if (dropped) return dropped;
  if (orderAt - at > input.campaigns.get(click.campaignId)!.attributionWindowDays * DAY_MS) return 'OUTSIDE_WINDOW';
  return null;
}

interface Ranked {
  touch: ExplainedTouch;
  at: number;
  channelRank: number;
  tieKey: string;
  winner: AttributionWinner;
}

/** Later wins; at the same instant a promotion code, then a referral code, beats a click, then the larger click id. */
function beats(a: Ranked, b: Ranked): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.channelRank !== b.channelRank) return a.channelRank > b.channelRank;
  return a.tieKey > b.tieKey;
}

export function attribute(input: AttributionInput): AttributionResult {
  const orderAt = input.order.occurredAt;
  const ranked: Ranked[] = [];

  const seen = new Map<string, CandidateClick>();
  for (const c of input.clicks) {
    const prior = seen.get(c.clickId);
    seen.set(c.clickId, prior ? { ...prior, matchedBy: [...new Set([...prior.matchedBy, ...c.matchedBy])] } : c);
  }
  for (const click of seen.values()) {
    const dropped = clickVerdict(click, input);
    ranked.push({
      at: click.occurredAt.getTime(),
      channelRank: 0,
      tieKey: click.clickId.toLowerCase(),
      winner: { channel: Channel.AFFILIATE, click },
      touch: {
        channel: Channel.AFFILIATE,
        clickId: click.clickId,
        referralCode: null,
        occurredAt: click.occurredAt.toISOString(),
        affiliateId: click.affiliateId,
        campaignId: click.campaignId,
        enrollmentId: click.enrollmentId,
        matchedBy: click.matchedBy,
        kept: dropped === null,
        reason: dropped ?? 'EARLIER_THAN_WINNER',
      },
    });
  }

  const promotion = input.promotion;
  if (promotion) {
    const dropped = enrollmentVerdict(promotion, input);
    ranked.push({
      at: orderAt.getTime(),
      channelRank: 2,
      tieKey: '',
      winner: { channel: Channel.AFFILIATE, promotion },
      touch: {
        channel: Channel.AFFILIATE,
        clickId: null,
        referralCode: null,
        promotionCode: promotion.code,
        occurredAt: orderAt.toISOString(),
        affiliateId: promotion.affiliateId,
        campaignId: promotion.campaignId,
        enrollmentId: promotion.enrollmentId,
        matchedBy: ['promotionCode'],
        kept: dropped === null,
        reason: dropped ?? 'EARLIER_THAN_WINNER',
      },
    });
  }

  const code = input.order.referralCode;
  if (code) {
    const referral = input.referral;
    const dropped: TouchReason | null = !referral
      ? 'UNKNOWN_REFERRAL_CODE'
      : input.order.customerId != null && input.order.customerId === referral.customerId
        ? 'SELF_REFERRAL'
        : null;
    ranked.push({
      at: orderAt.getTime(),
      channelRank: 1,
      tieKey: '',
      winner: referral ? { channel: Channel.REFERRAL, referral } : { channel: Channel.NONE },
      touch: {
        channel: Channel.REFERRAL,
        clickId: null,
        referralCode: referral?.code ?? code,
        occurredAt: orderAt.toISOString(),
        affiliateId: null,
        campaignId: null,
        enrollmentId: null,
        matchedBy: ['referralCode'],
        kept: dropped === null,
        reason: dropped ?? 'EARLIER_THAN_WINNER',
      },
    });
  }

  let best: Ranked | null = null;
  for (const r of ranked) if (r.touch.kept && (!best || beats(r, best))) best = r;
  if (best) best.touch.reason = 'WON';

  // Latest first, in the same order the rule ranks them.
  const touches = [...ranked].sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : 0)).map((r) => r.touch);
  return {
    winner: best?.winner ?? { channel: Channel.NONE },
    explanation: {
      rule: RULE,
      orderOccurredAt: orderAt.toISOString(),
      evaluatedAt: input.now.toISOString(),
      orderAheadOfClock: orderAt.getTime() > input.now.getTime(),
      winner: best ? { ...best.touch } : null,
      touches,
    },
  };
}
