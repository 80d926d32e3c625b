import type { ReactNode } from 'react';
import type { Attribution, AttributionTouch, CommissionStatus } from '../gql/schema';
import { formatDateTime } from '../lib/format';
import { Badge } from './feedback';

const STATUS: Record<CommissionStatus, { tone: 'info' | 'success' | 'danger' | 'neutral'; label: string }> = {
  PENDING: { tone: 'info', label: 'Pending' },
  FINALIZED: { tone: 'success', label: 'Finalized' },
  REVERSED: { tone: 'danger', label: 'Reversed' },
  PAID: { tone: 'neutral', label: 'Paid' },
};

export function CommissionStatusBadge({ status }: { status: CommissionStatus }) {
  const s = STATUS[status];
  return (
    <span data-testid="commission-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

/** What both apps read of a GraphQL `AttributionTouch` (affiliates see another's touch with no time, ids or matches: ANOTHER_TOUCH). */
export type TouchView = Pick<AttributionTouch, 'channel' | 'kept' | 'reason' | 'matchedBy'> &
  Partial<Pick<AttributionTouch, 'clickId' | 'occurredAt' | 'affiliateId' | 'campaignId' | 'referralCode' | 'promotionCode'>>;

/** What both apps read of a GraphQL `Attribution`. */
export type AttributionView = Pick<Attribution, 'rule' | 'orderAheadOfClock'> & {
  winner?: TouchView | null;
  touches: readonly TouchView[];
};

const REASONS: Record<string, string> = {
  WON: 'Won: the latest touch that passed every rule',
  EARLIER_THAN_WINNER: 'Kept, but a later touch won',
  AFTER_ORDER: 'Dropped: it happened after the order',
  BOT: 'Dropped: the click came from a known bot or crawler',
  UNKNOWN_ENROLLMENT: 'Dropped: the share link no longer exists',
  ENROLLMENT_SUSPENDED: "Dropped: the affiliate's enrollment is suspended",
  CAMPAIGN_ARCHIVED: 'Dropped: the campaign is archived',
  OUTSIDE_WINDOW: "Dropped: older than the campaign's attribution window",
  SELF_REFERRAL: 'Dropped: the customer used their own referral code',
  UNKNOWN_REFERRAL_CODE: 'Dropped: the referral code is not known',
  ANOTHER_TOUCH: 'Another touch was considered (its details are not shown)',
  FIRST_PAYMENT_NOT_ATTRIBUTED: "Dropped: the subscription's first payment earned no affiliate",
  DURATION_OVER: "Dropped: the campaign's recurring commission period is over",
};

const RULES: Record<string, string> = {
  LAST_TOUCH:
    'Last touch: of the touches that pass every rule, the latest wins. At the same instant a promotion code, then a referral code, beats a click, then the later-logged click wins.',
  SUBSCRIPTION:
    "Subscription: a later payment earns the affiliate its subscription's first payment was attributed to, while the campaign's commission period lasts.",
};

const MATCHED_BY: Record<string, string> = {
  clickId: "the order's click id",
  visitorId: "the shopper's visitor id",
  referralCode: 'the referral code on the order',
  promotionCode: 'the promotion code used at checkout',
  subscription: "the subscription's first payment",
};

/**
 * A subscription's commission in words: "Month 3 of 12", or "Month 3" when its payments earn
 * for as long as it is paid; null for a one-off order.
 */
export function recurringLabel(c: { subscriptionId?: string | null; sequence: number; durationMonths?: number | null }): string | null {
  if (!c.subscriptionId) return null;
  return c.durationMonths ? `Month ${c.sequence} of ${c.durationMonths}` : `Month ${c.sequence}`;
}

export function describeReason(reason: string): string {
  return REASONS[reason] ?? reason;
}

export function describeRule(rule: string): string {
  return RULES[rule] ?? rule;
}

/** A commission's order id, and beside it the payment's month when it is a subscription's ("Month 3 of 12"). */
export function CommissionOrder({
  commission: c,
  monthTestId,
}: {
  commission: { subscriptionId?: string | null; sequence: number; durationMonths?: number | null; conversion: { orderId: string } };
  monthTestId: string;
}) {
  const month = recurringLabel(c);
  return (
    <>
      <code>{c.conversion.orderId}</code>
      {month ? (
        <>
          {' '}
          <span className="muted" data-testid={monthTestId} title="A subscription's payment, counted from its first">
            {month}
          </span>
        </>
      ) : null}
    </>
  );
}

function describeTouch(t: TouchView, name?: (t: TouchView) => ReactNode): ReactNode {
  if (t.channel === 'REFERRAL')
    return (
      <>
        Referral code
        {t.referralCode ? (
          <>
            {' '}
            <code>{t.referralCode}</code>
          </>
        ) : null}
      </>
    );
  const who = name?.(t);
  if (t.promotionCode)
    return (
      <>
        Promotion code <code>{t.promotionCode}</code>
      </>
    );
  if (t.matchedBy.includes('subscription')) return <>The subscription&apos;s first payment{who ? <> through {who}</> : null}</>;
  return (
    <>
      {/* The id only helps support: people read whose link and when (beside it). */}
      <span title={t.clickId ? `Click id ${t.clickId}` : undefined} data-testid="touch-click">
        A click
      </span>
      {who ? <> on {who}</> : null}
    </>
  );
}

/**
 * Why an order went where it went, in plain words: the rule, every touch considered (kept or
 * dropped, and why; how it was found), and the winner. `name` says whose link a click was on
 * ("Ava's link" for operators; "your link" for the affiliate's own).
 */
export function AttributionExplanation({ attribution, name }: { attribution: AttributionView; name?: (t: TouchView) => ReactNode }) {
  const { winner, touches, rule, orderAheadOfClock } = attribution;
  return (
    <div className="attribution" data-testid="attribution">
      <p data-testid="attribution-winner">
        {winner ? (
          <>
            <strong>Attributed to:</strong> {describeTouch(winner, name)}
            {winner.occurredAt ? <>, {formatDateTime(winner.occurredAt)}</> : null}.
          </>
        ) : (
          <>
            <strong>Not attributed:</strong> no touch passed every rule.
          </>
        )}
      </p>
      <p className="muted" data-testid="attribution-rule" data-rule={rule}>
        <strong>Rule:</strong> {describeRule(rule)}
      </p>
      {orderAheadOfClock ? <p className="muted">The order's time was ahead of the server's clock when it arrived.</p> : null}
      {touches.length > 0 ? (
        <ol className="touches" aria-label="Touches considered, latest first">
          {touches.map((t, i) => (
            <li
              key={`${t.clickId ?? t.referralCode ?? 'touch'}-${i}`}
              className={`touch ${t.reason === 'WON' ? 'is-winner' : t.kept ? 'is-kept' : 'is-dropped'}`}
              data-testid="attribution-touch"
              data-reason={t.reason}
            >
              <span className="touch__what">
                {describeTouch(t, name)}
                {t.occurredAt ? <span className="muted"> · {formatDateTime(t.occurredAt)}</span> : null}
              </span>
              <span className="touch__why">{describeReason(t.reason)}</span>
              {t.matchedBy.length > 0 ? <span className="touch__how muted">Found by {t.matchedBy.map((m) => MATCHED_BY[m] ?? m).join(' and ')}.</span> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No touches were found for this order.</p>
      )}
    </div>
  );
}
