import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { badInput, forbidden, notFound, parseInput, unauthenticated } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { AffiliateCaller, Caller, MerchantCaller, OperatorCaller } from './caller.js';
import { UNSCOPED } from '../tenancy.js';
import type { SecretsBox } from '../../secrets-box.js';
import { Affiliate } from '../affiliates/index.js';
import { ApiKey, DEFAULT_API_KEY_SCOPES } from './api-key.entity.js';
import { DeviceCookies } from './device-cookies.js';
import { Merchant } from './merchant.entity.js';
import { ApiKeyScope, OperatorRole } from '../../graphql/roles.js';
import { Operator } from './operator.entity.js';
import { newPasswordSchema } from './password-policy.js';
import { SignInThrottle, type ThrottleKey } from './signin-throttle.js';
import { decoyHash, hashPassword, newToken, sha256, verifyPassword } from './secrets.js';
import { Session, SessionKind } from './session.entity.js';

const SESSION_PREFIX = 'ses_';
/** A session's last use is written when it is at least this old. */
const SESSION_TOUCH_MS = 60_000;
const API_KEY_PREFIX = 'sk_sorae_';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(320));
const LAST_USE_RESOLUTION_MS = 60_000;

const WRONG_CREDENTIALS = 'Wrong email or password';

export interface CreateApiKeyInput {
  name: string;
  scopes?: ApiKeyScope[] | null;
  expiresAt?: Date | null;
}

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
  /** The browser's device cookie for this kind of sign-in, if it sent one. */
  device?: string;
}

export class AuthService {
  private readonly throttle: SignInThrottle;
  private readonly devices: DeviceCookies;

  constructor(
    private readonly config: Config,
    secrets: SecretsBox,
  ) {
    this.throttle = new SignInThrottle(config.signInLimits);
    this.devices = new DeviceCookies(secrets.hmacKeys('signin-device-cookie'));
  }

  /**
   * Counts one attempt at an account action that is not a password check (asking for a reset,
   * using a reset or invitation link) under its own keys, per address and, when given, per email,
   * with sign-in's free attempts and delays: RATE_LIMITED while one waits.
   */
  limitAction(em: EntityManager, action: string, ip: string, email: string | null, now: Date): Promise<void> {
    return this.throttle.reserve(em, this.throttle.actionKeys(action, ip, email), now);
  }

  /** The device id when the browser's device cookie was issued to a sign-in of this kind to this email, else null. */
  trustedDevice(kind: 'operator' | 'affiliate', cookie: string | undefined, email: string): string | null {
    return this.devices.trusted(kind, cookie, email);
  }

  /** Counts one attempt under other keys (e.g. applications per address), with their own memory. */
  limit(em: EntityManager, keys: ThrottleKey[], now: Date, memoryMs: number): Promise<void> {
    return this.throttle.reserve(em, keys, now, memoryMs);
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.config.passwordHashCost);
  }

  /**
   * Who is calling, from a bearer token or session cookie value; anonymous when unknown, expired
   * or idle for longer than SESSION_IDLE_MINUTES.
   */
  async resolveCaller(em: EntityManager, token: string | undefined, now: Date): Promise<Caller> {
    if (token?.startsWith(SESSION_PREFIX)) {
      // One statement, unscoped: the session is what tells us the merchant.
      const [row] = await em.getConnection().execute<
        {
          id: string;
          kind: SessionKind;
          merchant_id: string;
          operator_id: string | null;
          affiliate_id: string | null;
          role: OperatorRole | null;
          last_seen_at: Date;
        }[]
      >(
        `select s.id, s.kind, s.merchant_id, s.operator_id, s.affiliate_id, o.role, s.last_seen_at
           from session s left join operator o on o.id = s.operator_id
          where s.token_hash = ? and s.expires_at > ? and s.last_seen_at > ?`,
        [sha256(token), now, new Date(now.getTime() - this.config.sessionIdleMs)],
      );
      // The idle clock slides with use, written at most once a minute per session to keep requests read-only.
      if (row && now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION_TOUCH_MS) {
        await em.getConnection().execute(`update session set last_seen_at = ? where id = ? and last_seen_at < ?`, [now, row.id, now]);
      }
      if (row?.kind === SessionKind.OPERATOR && row.operator_id && row.role) {
        return { kind: 'operator', merchantId: row.merchant_id, operatorId: row.operator_id, role: row.role, sessionId: row.id };
      }
      if (row?.kind === SessionKind.AFFILIATE && row.affiliate_id) {
        return { kind: 'affiliate', merchantId: row.merchant_id, affiliateId: row.affiliate_id, sessionId: row.id };
      }
      return { kind: 'anonymous' };
    }
    if (token?.startsWith(API_KEY_PREFIX)) {
      const [key] = await em.getConnection().execute<{ id: string; merchant_id: string; scopes: ApiKeyScope[]; last_used_at: Date | null }[]>(
        `select id, merchant_id, scopes, last_used_at from api_key
          where key_hash = ? and revoked_at is null and (expires_at is null or expires_at > ?)`,
        [sha256(token), now],
      );
      if (key) {
        // To the minute: an integration sending a thousand orders a second writes its key's row once a minute.
        if (!key.last_used_at || now.getTime() - new Date(key.last_used_at).getTime() >= LAST_USE_RESOLUTION_MS) {
          await em.getConnection().execute(`update api_key set last_used_at = ? where id = ?`, [now, key.id], 'run');
        }
        return { kind: 'apiKey', merchantId: key.merchant_id, apiKeyId: key.id, scopes: key.scopes };
      }
    }
    return { kind: 'anonymous' };
  }

  /**
   * Runs one password check under the sign-in limits of its email and client address (shared
   * by sign-in and applying): refused at once while either waits, counted before the check,
   * forgotten for the email when `check` proves the password. A known device of the account
   * (`device`: a trusted device cookie's id) is counted under its own key instead of the email.
   */
  async limitedCheck<T>(
    em: EntityManager,
    email: string,
    ip: string,
    now: Date,
    check: () => Promise<T | null>,
    device: string | null = null,
  ): Promise<T | null> {
    await this.throttle.reserve(em, this.throttle.passwordKeys(email, ip, device), now);
    const result = await check();
    if (result !== null) await this.throttle.succeed(em, email, ip, device);
    return result;
  }

  private parseCredentials(input: SignInInput) {
    return parseInput(z.object({ email: emailSchema, password: z.string().min(1, 'is required').max(200) }), input);
  }

  /** Same answer, and about the same time, whether the email is unknown or the password wrong. */
  private async check(password: string, account: { passwordHash?: string | null } | null): Promise<boolean> {
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash(this.config.passwordHashCost)));
    return ok && account?.passwordHash != null;
  }

  /** Returns the session token and a new device cookie value for this browser (`device`). */
  async signIn(em: EntityManager, input: SignInInput, now: Date) {
    const { email, password } = this.parseCredentials(input);
    const device = this.devices.trusted('operator', input.device, email);
    const find = async () => {
      const found = await em.findOne(Operator, { email }, { populate: ['merchant'], ...UNSCOPED });
      return (await this.check(password, found)) ? found : null;
    };
    const operator = await this.limitedCheck(em, email, input.ip, now, find, device);
    if (!operator) throw unauthenticated(WRONG_CREDENTIALS);
    return { ...(await this.openOperatorSession(em, operator, now)), user: operator, device: this.devices.issue('operator', email) };
  }

  /** Opens a session for an operator who has just proven who they are (signing in, accepting an invitation). */
  async openOperatorSession(em: EntityManager, operator: Operator, now: Date): Promise<{ token: string; caller: OperatorCaller }> {
    const merchantId = operator.merchant.id;
    const { token, sessionId } = await this.openSession(em, SessionKind.OPERATOR, merchantId, { operator }, now);
    return { token, caller: { kind: 'operator', merchantId, operatorId: operator.id, role: operator.role, sessionId } };
  }

  /**
   * An affiliate has one account per merchant; sign-in without a merchant picks the account
   * with that email whose password matches. Returns a new device cookie value as `signIn` does.
   */
  async affiliateSignIn(em: EntityManager, input: SignInInput & { merchantId?: string }, now: Date) {
    const { email, password } = this.parseCredentials(input);
    if (input.merchantId && !isUuid(input.merchantId)) throw badInput('merchantId is not a merchant id', { merchantId: 'is not a merchant id' });
    const device = this.devices.trusted('affiliate', input.device, email);
    const find = async () => {
      const accounts = await em.find(Affiliate, input.merchantId ? { email, merchant: input.merchantId } : { email }, {
        orderBy: { createdAt: 'asc' },
        limit: 10,
        ...UNSCOPED,
      });
      let found: Affiliate | null = null;
      for (const account of accounts) if (!found && (await this.check(password, account))) found = account;
      if (accounts.length === 0) await this.check(password, null);
      return found;
    };
    const match = await this.limitedCheck(em, email, input.ip, now, find, device);
    if (!match) throw unauthenticated(WRONG_CREDENTIALS);
    return { ...(await this.openAffiliateSession(em, match, now)), affiliate: match, device: this.devices.issue('affiliate', email) };
  }

  /** Opens a session for an affiliate who has just proven who they are (e.g. by applying). */
  async openAffiliateSession(em: EntityManager, affiliate: Affiliate, now: Date): Promise<{ token: string; caller: AffiliateCaller }> {
    const merchantId = affiliate.merchant.id;
    const { token, sessionId } = await this.openSession(em, SessionKind.AFFILIATE, merchantId, { affiliate }, now);
    return { token, caller: { kind: 'affiliate', merchantId, affiliateId: affiliate.id, sessionId } };
  }

  private async openSession(
    em: EntityManager,
    kind: SessionKind,
    merchantId: string,
    who: { operator?: Operator; affiliate?: Affiliate },
    now: Date,
  ): Promise<{ token: string; sessionId: string }> {
    const token = newToken(SESSION_PREFIX);
    const session = em.create(Session, {
      tokenHash: sha256(token),
      kind,
      merchant: em.getReference(Merchant, merchantId),
      operator: who.operator,
      affiliate: who.affiliate,
      expiresAt: new Date(now.getTime() + this.config.sessionTtlMs),
      lastSeenAt: now,
    });
    await em.flush();
    return { token, sessionId: session.id };
  }

  async signOut(em: EntityManager, caller: Caller): Promise<boolean> {
    if (caller.kind !== 'operator' && caller.kind !== 'affiliate') return false;
    await em.nativeDelete(Session, { id: caller.sessionId }, UNSCOPED);
    return true;
  }

  /** Ends every session of the caller's account (operator or affiliate), on every device, this one included. */
  async signOutEverywhere(em: EntityManager, caller: Caller): Promise<boolean> {
    if (caller.kind === 'operator') await this.endSessions(em, { operatorId: caller.operatorId });
    else if (caller.kind === 'affiliate') await this.endSessions(em, { affiliateId: caller.affiliateId });
    else throw unauthenticated('Sign in first: API keys have no sessions');
    return true;
  }

  /** Ends every session of one account, but `keep` (the caller's own, when a password change keeps it). */
  async endSessions(em: EntityManager, account: { operatorId: string } | { affiliateId: string }, keep?: string): Promise<void> {
    const who = 'operatorId' in account ? { operator: account.operatorId } : { affiliate: account.affiliateId };
    await em.nativeDelete(Session, keep ? { ...who, id: { $ne: keep } } : who, UNSCOPED);
  }

  async createApiKey(em: EntityManager, caller: MerchantCaller, input: CreateApiKeyInput, now: Date) {
    if (caller.kind !== 'operator') throw forbidden('API keys are created by a signed-in owner');
    const parsed = parseInput(
      z.object({
        name: z.string().trim().min(1, 'is required').max(100),
        scopes: z.array(z.enum(ApiKeyScope)).min(1, 'needs at least one scope').nullish(),
        expiresAt: z
          .date()
          .refine((d) => d > now, 'must be in the future')
          .nullish(),
      }),
      input,
    );
    const key = newToken(API_KEY_PREFIX);
    const apiKey = em.create(ApiKey, {
      merchant: em.getReference(Merchant, caller.merchantId),
      name: parsed.name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: sha256(key),
      scopes: parsed.scopes ? [...new Set(parsed.scopes)] : [...DEFAULT_API_KEY_SCOPES],
      expiresAt: parsed.expiresAt ?? undefined,
      createdBy: em.getReference(Operator, caller.operatorId),
    });
    await em.flush();
    return { key, apiKey };
  }

  async revokeApiKey(em: EntityManager, id: string, now: Date): Promise<ApiKey> {
    const key = isUuid(id) ? await em.findOne(ApiKey, { id }) : null;
    if (!key) throw notFound('API key');
    key.revokedAt ??= now;
    await em.flush();
    return key;
  }

  listApiKeys(em: EntityManager): Promise<ApiKey[]> {
    return em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
  }

  /** The owners' addresses of some merchants (a port: notices about the merchant's own settings go to them), one statement. */
  async ownerEmails(em: EntityManager, merchantIds: readonly string[]): Promise<{ merchantId: string; email: string }[]> {
    if (!merchantIds.length) return [];
    const owners = await em.find(Operator, { merchant: { $in: [...merchantIds] }, role: OperatorRole.OWNER }, { ...UNSCOPED, orderBy: { id: 'asc' } });
    return owners.map((o) => ({ merchantId: o.merchant.id, email: o.email }));
  }

  /**
   * First start on an empty database: the merchant and its owner from ADMIN_EMAIL and
   * ADMIN_PASSWORD. Returns the merchant created, or null when one already existed.
   */
  async bootstrap(em: EntityManager): Promise<Merchant | null> {
    if ((await em.count(Merchant, {}, UNSCOPED)) > 0) return null;
    const { email, password, merchantName } = this.config.admin;
    if (!password) throw new Error('The database is empty: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first owner');
    return this.createMerchant(em, { merchantName, email, password, name: 'Owner' }, this.config.admin.demoPassword);
  }

  /** A merchant with its owner: used at first start and by tests that need a second tenant. */
  async createMerchant(em: EntityManager, input: { merchantName: string; email: string; password: string; name: string }, demoPassword = false) {
    const merchant = em.create(Merchant, { name: input.merchantName });
    em.create(Operator, {
      merchant,
      email: parseInput(emailSchema, input.email),
      name: input.name,
      role: OperatorRole.OWNER,
      passwordHash: await this.hashPassword(demoPassword ? input.password : parseInput(newPasswordSchema, input.password)),
    });
    await em.flush();
    return merchant;
  }

  async addOperator(em: EntityManager, merchantId: string, input: { email: string; name: string; password: string; role: OperatorRole }) {
    const operator = em.create(Operator, {
      merchant: em.getReference(Merchant, merchantId),
      email: parseInput(emailSchema, input.email),
      name: input.name,
      role: input.role,
      passwordHash: await this.hashPassword(parseInput(newPasswordSchema, input.password)),
    });
    await em.flush();
    return operator;
  }
}
