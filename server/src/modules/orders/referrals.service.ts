import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { parseInput } from '../../errors.js';
import { CODE_ALPHABET, randomCode } from '../../ids.js';
import { Merchant } from '../auth/index.js';
import { ReferralCode } from './referral-code.entity.js';

/** Customer-refers-customer codes (channel REFERRAL). */
export class ReferralsService {
  /** The customer's code: created on first call, the same one afterwards. */
  async codeFor(em: EntityManager, merchantId: string, customerId: unknown): Promise<ReferralCode> {
    const id = parseInput(z.object({ customerId: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters') }), {
      customerId,
    }).customerId;
    for (let attempt = 1; ; attempt++) {
      const existing = await em.findOne(ReferralCode, { customerId: id });
      if (existing) return existing;
      // Prefixed R, so a referral code never collides with a share code (same alphabet).
      const code = em.create(ReferralCode, { merchant: em.getReference(Merchant, merchantId), code: `R${randomCode(8, CODE_ALPHABET)}`, customerId: id });
      try {
        await em.flush();
        return code;
      } catch (e) {
        // Another request made this customer's code first, or (rarely) the code collided: look again.
        em.clear();
        if (e instanceof UniqueConstraintViolationException && attempt < 5) continue;
        throw e;
      }
    }
  }
}
