import { describe, expect, it } from 'vitest';
import {
  PayoutBatchStatus as B, PayoutItemStatus as I, PayoutTransitionError, batchSourcesOf, canTransitionBatch, canTransitionItem,
  finishedStatus, idempotencyKey, itemSourcesOf, periodEnd, previousPeriod, transitionBatch, transitionItem,
} from './payout-rules.js';

describe('payout state machines', () => {
  it('batches: DRAFT → EXECUTING → COMPLETED | COMPLETED_WITH_FAILURES, and back to EXECUTING only to retry failures', () => {
    const legal = [
      [B.DRAFT, B.EXECUTING], [B.EXECUTING, B.COMPLETED], [B.EXECUTING, B.COMPLETED_WITH_FAILURES], [B.COMPLETED_WITH_FAILURES, B.EXECUTING],
    ];
    for (const from of Object.values(B)) {
      for (const to of Object.values(B)) {
        expect(canTransitionBatch(from, to), `${from} → ${to}`).toBe(legal.some(([f, t]) => f === from && t === to));
      }
    }
    expect(batchSourcesOf(B.EXECUTING).sort()).toEqual([B.COMPLETED_WITH_FAILURES, B.DRAFT].sort());
  });

  it('a COMPLETED batch cannot be executed again, with a CONFLICT that says why', () => {
    const err = (() => {
      try {
        transitionBatch({ status: B.COMPLETED }, B.EXECUTING);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PayoutTransitionError);
    expect((err as PayoutTransitionError).code).toBe('CONFLICT');
    expect((err as Error).message).toMatch(/nothing is left to send/);
    expect(transitionBatch({ status: B.DRAFT }, B.EXECUTING).status).toBe(B.EXECUTING);
  });

  it('items: PENDING → POSTED | FAILED, FAILED → PENDING (retry); POSTED is final', () => {
    const legal = [[I.PENDING, I.POSTED], [I.PENDING, I.FAILED], [I.FAILED, I.PENDING]];
    for (const from of Object.values(I)) {
      for (const to of Object.values(I)) {
        expect(canTransitionItem(from, to), `${from} → ${to}`).toBe(legal.some(([f, t]) => f === from && t === to));
      }
    }
    expect(() => transitionItem({ status: I.POSTED }, I.PENDING)).toThrow(PayoutTransitionError);
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
