import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import { OperatorRole } from '../../graphql/roles.js';
import { isUuid } from '../../ids.js';
import type { MailService } from '../mail/index.js';
import { UNSCOPED } from '../tenancy.js';
import type { AuthService } from './auth.service.js';
import { emailSchema } from './auth.service.js';
import type { OperatorCaller } from './caller.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';
import { newPasswordSchema } from './password-policy.js';
import { newToken, sha256 } from './secrets.js';

const INVITATION_PREFIX = 'inv_';
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const LAST_OWNER = 'A merchant keeps at least one owner: make someone else owner first';

/**
 * A merchant's operators: owners invite people by email with a role (an operator row without a
 * password, holding its invitation token's hash until accepted, for seven days), change roles
 * and remove operators (their sessions end with the row). A merchant always keeps one owner who
 * has accepted: role changes and removals lock the merchant's row first, so two owners demoting
 * each other at once cannot both pass the check.
 */
export class Team {
  constructor(
    private readonly config: Config,
    private readonly auth: AuthService,
    private readonly mail: MailService,
  ) {}

  /** Every operator of the caller's merchant, invitations included, oldest first. */
  list(em: EntityManager): Promise<Operator[]> {
    return em.find(Operator, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /**
   * Invites `email` as `role` and mails the link. An address is one operator across merchants:
   * one that is already an operator (or invited, unexpired) is refused; an expired invitation
   * of it, anywhere, gives way.
   */
  async invite(em: EntityManager, caller: OperatorCaller, input: { email: string; role: OperatorRole }, now: Date): Promise<Operator> {
    const { email, role } = parseInput(z.object({ email: emailSchema, role: z.enum(OperatorRole, 'is not a role') }), input);
    try {
      return await em.transactional(async (tx) => {
        await tx.nativeDelete(Operator, { email, passwordHash: null, invitationExpiresAt: { $lte: now } }, UNSCOPED);
        const existing = await tx.findOne(Operator, { email }, UNSCOPED);
        if (existing) throw this.taken(existing, caller);
        const token = newToken(INVITATION_PREFIX);
        const operator = tx.create(Operator, {
          merchant: tx.getReference(Merchant, caller.merchantId),
          email,
          name: '',
          role,
          passwordHash: null,
          invitationTokenHash: sha256(token),
          invitationExpiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        });
        await tx.flush();
        await this.mailInvitation(tx, caller, operator, token, now);
        return operator;
      });
    } catch (e) {
      // The same address invited by someone else a moment ago.
      if (e instanceof UniqueConstraintViolationException) throw conflict('This address was just invited', { email: 'is already an operator or invited' });
      throw e;
    }
  }

  private taken(existing: Operator, caller: OperatorCaller) {
    if (existing.merchant.id !== caller.merchantId) return conflict('This address already belongs to an operator account', { email: 'is already an operator' });
    return existing.pending
      ? conflict('This address is already invited: resend the invitation instead', { email: 'is already invited' })
      : conflict('This address is already on the team', { email: 'is already on the team' });
  }

  /** A new link for a pending invitation, valid seven days from now; the old link stops working. */
  async resend(em: EntityManager, caller: OperatorCaller, id: string, now: Date): Promise<Operator> {
    return em.transactional(async (tx) => {
      const operator = await this.invited(tx, id);
      const token = newToken(INVITATION_PREFIX);
      operator.invitationTokenHash = sha256(token);
      operator.invitationExpiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
      await tx.flush();
      await this.mailInvitation(tx, caller, operator, token, now);
      return operator;
    });
  }

  /** Withdraws a pending invitation: its link stops working. */
  async revoke(em: EntityManager, id: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      await tx.remove(await this.invited(tx, id)).flush();
      return true;
    });
  }

  private async invited(em: EntityManager, id: string): Promise<Operator> {
    const operator = isUuid(id) ? await em.findOne(Operator, { id }) : null;
    if (!operator?.pending) throw notFound('Invitation');
    return operator;
  }

  private async mailInvitation(em: EntityManager, caller: OperatorCaller, operator: Operator, token: string, now: Date): Promise<void> {
    const inviter = await em.findOneOrFail(Operator, { id: caller.operatorId });
    await this.mail.enqueue(
      em,
      {
        merchantId: caller.merchantId,
        to: operator.email,
        template: 'operatorInvitation',
        data: {
          inviterName: inviter.name,
          role: operator.role,
          acceptUrl: `${this.config.publicUrl}/admin/accept-invitation#${token}`,
          expiresAt: operator.invitationExpiresAt!.toUTCString(),
        },
      },
      now,
    );
  }

  /**
   * The invited person chooses a name and password: the invitation is used up and they are
   * signed in. An unknown, used or expired token, a missing name or a weak password write nothing.
   */
  async accept(em: EntityManager, input: { token: string; name: string; password: string; ip: string }, now: Date) {
    const { name, password } = parseInput(z.object({ name: z.string().trim().min(1, 'is required').max(200), password: newPasswordSchema }), {
      name: input.name,
      password: input.password,
    });
    await this.auth.limitAction(em, 'invitation', input.ip, null, now);
    const hash = await this.auth.hashPassword(password);
    return em.transactional(async (tx) => {
      const operator = await tx.findOne(Operator, { invitationTokenHash: sha256(input.token), invitationExpiresAt: { $gt: now } }, UNSCOPED);
      if (!operator)
        throw badInput('This invitation has expired or was already used: ask the owner for a new one', { token: 'has expired or was already used' });
      Object.assign(operator, { name, passwordHash: hash, invitationTokenHash: null, invitationExpiresAt: null });
      await tx.flush();
      return { operator, ...(await this.auth.openOperatorSession(tx, operator, now)) };
    });
  }

  /** Changes an operator's role; the last owner who has accepted keeps OWNER. */
  async setRole(em: EntityManager, caller: OperatorCaller, id: string, role: OperatorRole): Promise<Operator> {
    const parsed = parseInput(z.object({ role: z.enum(OperatorRole, 'is not a role') }), { role }).role;
    return em.transactional(async (tx) => {
      const operator = await this.lockedMember(tx, caller, id);
      if (parsed !== OperatorRole.OWNER) await this.keepAnOwner(tx, operator);
      operator.role = parsed;
      await tx.flush();
      return operator;
    });
  }

  /** Removes an operator (not the last owner); their sessions end with the row. */
  async remove(em: EntityManager, caller: OperatorCaller, id: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const operator = await this.lockedMember(tx, caller, id);
      await this.keepAnOwner(tx, operator);
      await tx.remove(operator).flush();
      return true;
    });
  }

  /** Locks the merchant's row (every change of who is owner takes it first), then loads the operator. */
  private async lockedMember(tx: EntityManager, caller: OperatorCaller, id: string): Promise<Operator> {
    await tx.execute(`select id from merchant where id = ? for update`, [caller.merchantId]);
    const operator = isUuid(id) ? await tx.findOne(Operator, { id }) : null;
    if (!operator) throw notFound('Operator');
    return operator;
  }

  /** Refuses to take away `operator`'s owner role when no other accepted owner would be left. */
  private async keepAnOwner(tx: EntityManager, operator: Operator): Promise<void> {
    if (operator.role !== OperatorRole.OWNER || operator.pending) return;
    const others = await tx.count(Operator, { role: OperatorRole.OWNER, passwordHash: { $ne: null }, id: { $ne: operator.id } });
    if (others === 0) throw conflict(LAST_OWNER, { role: 'the last owner keeps OWNER' });
  }
}
