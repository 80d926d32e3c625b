import { describe, expect, it } from 'vitest';
import { PayoutAccountStatus as A } from './payout-account.entity.js';
import {
  PayoutBatchStatus as B,
  PayoutItemStatus as I,
  PayoutTransitionError,
  assertBatchCan,
  accountSourcesOf,
  canBatch,
  canTransitionAccount,
  canTransitionBatch,
  canTransitionItem,
  finishedStatus,
  idempotencyKey,
  itemSourcesOf,
  periodEnd,
  previousPeriod,
  transitionBatch,
  type BatchAction,
} from './payout-rules.js';

describe('payout state machines', () => {
  it('batches: DRAFT → EXECUTING → COMPLETED | COMPLETED_WITH_FAILURES, and back to EXECUTING only to retry failures', () => {
    const legal = [
      [B.DRAFT, B.EXECUTING],
      [B.EXECUTING, B.COMPLETED],
      [B.EXECUTING, B.COMPLETED_WITH_FAILURES],
      [B.COMPLETED_WITH_FAILURES, B.EXECUTING],
    ];
    for (const from of Object.values(B)) {
      for (const to of Object.values(B)) {
        expect(canTransitionBatch(from, to), `${from} → ${to}`).toBe(legal.some(([f, t]) => f === from && t === to));
      }
    }
  });

  it('payout accounts: connected statuses follow Stripe and may be disconnected; a disconnected one comes back only as PENDING (onboarding)', () => {
    const connected = [A.PENDING, A.ENABLED, A.RESTRICTED];
    for (const from of Object.values(A)) {
      for (const to of Object.values(A)) {
        const legal = from === A.NOT_CONNECTED ? to === A.PENDING : from !== to && (connected.includes(to) || to === A.NOT_CONNECTED);
        expect(canTransitionAccount(from, to), `${from} → ${to}`).toBe(legal);
      }
    }
    // What an update leaving the account ENABLED may start from: the table's sources, and ENABLED itself (a refresh).
    expect(accountSourcesOf(A.ENABLED).sort()).toEqual([A.ENABLED, A.PENDING, A.RESTRICTED].sort());
    expect(accountSourcesOf(A.NOT_CONNECTED).sort()).toEqual(Object.values(A).sort());
  });

  it('each action starts from its own states: execute a DRAFT, retry a batch with failures, discard a DRAFT', () => {
    const legal: [BatchAction, B][] = [
      ['execute', B.DRAFT],
      ['retryFailed', B.COMPLETED_WITH_FAILURES],
      ['finish', B.EXECUTING],
      ['discard', B.DRAFT],
    ];
    for (const action of ['execute', 'retryFailed', 'finish', 'discard'] as const) {
      for (const from of Object.values(B)) {
        expect(canBatch(action, from), `${action} from ${from}`).toBe(legal.some(([a, f]) => a === action && f === from));
      }
    }
    expect(transitionBatch({ status: B.DRAFT }, 'execute').status).toBe(B.EXECUTING);
    expect(transitionBatch({ status: B.COMPLETED_WITH_FAILURES }, 'retryFailed').status).toBe(B.EXECUTING);
  });

  it('a refused action is a CONFLICT that says why', () => {
    const refusal = (status: B, action: BatchAction) => {
      try {
        assertBatchCan({ status }, action);
      } catch (e) {
        expect(e).toBeInstanceOf(PayoutTransitionError);
        expect((e as PayoutTransitionError).code).toBe('CONFLICT');
        return (e as Error).message;
      }
      throw new Error(`${action} from ${status} was allowed`);
    };
    expect(refusal(B.COMPLETED, 'execute')).toMatch(/COMPLETED payout batch cannot be executed: every item was posted; nothing is left to send/);
    expect(refusal(B.COMPLETED_WITH_FAILURES, 'execute')).toMatch(/use retryFailedPayoutItems/);
    expect(refusal(B.EXECUTING, 'discard')).toMatch(/^An EXECUTING payout batch cannot be discarded: its transfers are being sent/);
    expect(refusal(B.DRAFT, 'retryFailed')).toMatch(/only a batch that completed with failures/);
  });

  it('items: PENDING → POSTED | FAILED, FAILED → PENDING (retry); POSTED is final', () => {
    const legal = [
      [I.PENDING, I.POSTED],
      [I.PENDING, I.FAILED],
      [I.FAILED, I.PENDING],
    ];
    for (const from of Object.values(I)) {
      for (const to of Object.values(I)) {
        expect(canTransitionItem(from, to), `${from} → ${to}`).toBe(legal.some(([f, t]) => f === from && t === to));
      }
    }
    expect(itemSourcesOf(I.PENDING)).toEqual([I.FAILED]);
    expect(itemSourcesOf(I.POSTED)).toEqual([I.PENDING]);
  });

  it('finished batches, keys and periods', () => {
    expect(finishedStatus(0)).toBe(B.COMPLETED);
    expect(finishedStatus(2)).toBe(B.COMPLETED_WITH_FAILURES);
    expect(idempotencyKey('0192', 3)).toBe('payout-item:0192:3');
    expect(previousPeriod(new Date('2026-01-01T00:00:00Z'))).toBe('2025-12');
    expect(previousPeriod(new Date('2026-11-23T12:00:00Z'))).toBe('2026-10');
    expect(periodEnd('2025-12').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
