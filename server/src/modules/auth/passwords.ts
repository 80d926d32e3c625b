import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { badInput, parseInput, unauthenticated } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import type { MailInput, MailService } from '../mail/index.js';
import { UNSCOPED } from '../tenancy.js';
import type { AuthService } from './auth.service.js';
import { emailSchema } from './auth.service.js';
import type { AffiliateCaller, OperatorCaller } from './caller.js';
import { Operator } from './operator.entity.js';
import { newPasswordSchema } from './password-policy.js';
import { newToken, sha256, verifyPassword } from './secrets.js';

/** Which app's account a reset is for: operators sign in to the admin app, affiliates to the portal. */
export enum AccountApp {
  ADMIN = 'ADMIN',
  PORTAL = 'PORTAL',
}

const RESET_PREFIX = 'pwr_';
export const RESET_TTL_MS = 60 * 60_000;
/** An affiliate has one account per merchant: a reset request mails a link for each, up to this many. */
const MAX_ACCOUNTS_PER_EMAIL = 10;
const LINK_UNUSABLE = 'This link has expired or was already used: ask for a new one';

/**
 * Forgotten and changed passwords, for operators and affiliates. A reset link carries a random
 * token whose SHA-256 alone is stored; it works once, for an hour, and ends every session of
 * the account. Asking for one answers the same, with the same statements, whether or not the
 * address has an account.
 */
export class Passwords {
  constructor(
    private readonly config: Config,
    private readonly auth: AuthService,
    private readonly mail: MailService,
  ) {}

  /**
   * Mails a reset link to every account of `app` with this email (none when there is none) and
   * returns true either way: the answer, and the statements run, do not depend on it.
   */
  async requestReset(em: EntityManager, input: { email: string; app: AccountApp; ip: string }, now: Date): Promise<true> {
    const email = parseInput(z.object({ email: emailSchema }), { email: input.email }).email;
    await this.auth.limitAction(em, 'reset-request', input.ip, email, now);
    await em.transactional(async (tx) => {
      const accounts =
        input.app === AccountApp.ADMIN
          ? await tx.execute<{ id: string; merchant_id: string; name: string }[]>(
              `select id, merchant_id, name from operator where email = ? and password_hash is not null`,
              [email],
            )
          : await tx.execute<{ id: string; merchant_id: string; name: string }[]>(
              `select id, merchant_id, name from affiliate where email = ? order by created_at limit ${MAX_ACCOUNTS_PER_EMAIL}`,
              [email],
            );
      const tokens = accounts.map(() => newToken(RESET_PREFIX));
      const admin = input.app === AccountApp.ADMIN;
      await tx.execute(
        `insert into password_reset (id, token_hash, merchant_id, operator_id, affiliate_id, expires_at, created_at)
         select r.id, r.token_hash, r.merchant_id, r.operator_id, r.affiliate_id, ?, ?
           from unnest(?::uuid[], ?::text[], ?::uuid[], ?::uuid[], ?::uuid[]) as r(id, token_hash, merchant_id, operator_id, affiliate_id)`,
        [
          new Date(now.getTime() + RESET_TTL_MS),
          now,
          pgArray(accounts.map(() => uuidv7())),
          pgTextArray(tokens.map(sha256)),
          pgArray(accounts.map((a) => a.merchant_id)),
          pgTextArray(accounts.map((a) => (admin ? a.id : null))),
          pgTextArray(accounts.map((a) => (admin ? null : a.id))),
        ],
        'run',
      );
      const path = admin ? 'admin' : 'portal';
      const messages = accounts.map((a, i): MailInput => ({
        merchantId: a.merchant_id,
        to: email,
        template: 'passwordReset',
        data: { name: a.name || email, resetUrl: `${this.config.publicUrl}/${path}/reset-password#${tokens[i]}` },
      }));
      await this.mail.enqueue(tx, messages, now, { sameStatements: true });
    });
    return true;
  }

  /**
   * Sets a new password from a reset link's token: the link is used up, with every other
   * unused link of the account, and every session of the account ends. Returns which app the
   * account signs in to. A weak password, an unknown, used or expired token write nothing.
   */
  async reset(em: EntityManager, input: { token: string; password: string; ip: string }, now: Date): Promise<AccountApp> {
    const { password } = parseInput(z.object({ password: newPasswordSchema }), { password: input.password });
    await this.auth.limitAction(em, 'reset', input.ip, null, now);
    const hash = await this.auth.hashPassword(password);
    return em.transactional(async (tx) => {
      const [used] = await tx.execute<{ operator_id: string | null; affiliate_id: string | null }[]>(
        `update password_reset set used_at = ? where token_hash = ? and used_at is null and expires_at > ? returning operator_id, affiliate_id`,
        [now, sha256(input.token), now],
      );
      if (!used) throw badInput(LINK_UNUSABLE, { token: 'has expired or was already used' });
      if (used.operator_id) {
        await tx.nativeUpdate(Operator, { id: used.operator_id }, { passwordHash: hash }, UNSCOPED);
        await tx.execute(`update password_reset set used_at = ? where operator_id = ? and used_at is null`, [now, used.operator_id], 'run');
        await this.auth.endSessions(tx, { operatorId: used.operator_id });
        return AccountApp.ADMIN;
      }
      const affiliateId = used.affiliate_id!;
      await tx.nativeUpdate(Affiliate, { id: affiliateId }, { passwordHash: hash }, UNSCOPED);
      await tx.execute(`update password_reset set used_at = ? where affiliate_id = ? and used_at is null`, [now, affiliateId], 'run');
      await this.auth.endSessions(tx, { affiliateId });
      return AccountApp.PORTAL;
    });
  }

  /**
   * A signed-in operator or affiliate sets a new password, proving the current one under the
   * sign-in limits; the account's other sessions end, this one stays.
   */
  async change(
    em: EntityManager,
    caller: OperatorCaller | AffiliateCaller,
    input: { current: string; password: string; ip: string; device?: string },
    now: Date,
  ): Promise<true> {
    const { current, password } = parseInput(z.object({ current: z.string().min(1, 'is required').max(200), password: newPasswordSchema }), {
      current: input.current,
      password: input.password,
    });
    const account =
      caller.kind === 'operator' ? await em.findOne(Operator, { id: caller.operatorId }) : await em.findOne(Affiliate, { id: caller.affiliateId });
    if (!account?.passwordHash) throw unauthenticated();
    const stored = account.passwordHash;
    const device = this.auth.trustedDevice(caller.kind, input.device, account.email);
    const proven = await this.auth.limitedCheck(em, account.email, input.ip, now, async () => ((await verifyPassword(current, stored)) ? true : null), device);
    if (!proven) throw badInput('The current password is wrong', { current: 'is wrong' });
    if (current === password) throw badInput('The new password is the current one', { password: 'must differ from the current one' });
    const hash = await this.auth.hashPassword(password);
    await em.transactional(async (tx) => {
      if (caller.kind === 'operator') {
        await tx.nativeUpdate(Operator, { id: caller.operatorId }, { passwordHash: hash });
        await this.auth.endSessions(tx, { operatorId: caller.operatorId }, caller.sessionId);
      } else {
        await tx.nativeUpdate(Affiliate, { id: caller.affiliateId }, { passwordHash: hash });
        await this.auth.endSessions(tx, { affiliateId: caller.affiliateId }, caller.sessionId);
      }
    });
    return true;
  }
}
