import { helper } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createParameterDecorator } from 'type-graphql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AffiliateCaller, Caller, MerchantCaller, SignedInCaller } from '../modules/auth/index.js';
import { lockedToTenant } from '../modules/tenancy.js';
import { Loaders } from './loaders.js';
import type { Services } from '../services.js';

/** Who a part of the response is read as, with the unit of work and loaders locked to that tenant. */
export interface Scope {
  caller: Caller;
  /** Tenant fixed to the caller's merchant: `setFilterParams` throws. */
  em: EntityManager;
  loaders: Loaders;
}

export interface Context extends Scope {
  services: Services;
  config: Config;
  log: Logger;
  ip: string;
  /** The request's cookies (sign-ins read their device cookie). */
  cookies: ReadonlyMap<string, string>;
  /** The request's clock; tests pass a fixed one. */
  now: () => Date;
  setCookie(cookie: string): void;
  /**
   * A unit of work outside the caller's tenant, for the operations that establish who is calling
   * (sign-in, applying): they read unscoped and set their own tenant on it.
   */
  fork(): EntityManager;
  /**
   * The scope in which the selection under an operation's result is read, as the identity the
   * operation just proved. The operation loads its result through it; fields of entities loaded
   * there resolve as that identity, while the request's own scope (and every later operation
   * of the request) stays the caller's.
   */
  enter(caller: SignedInCaller): Scope;
}

function scopeFor(ormEm: EntityManager, caller: Caller): Scope {
  const em = lockedToTenant(ormEm, caller.kind === 'anonymous' ? null : caller.merchantId);
  return { caller, em, loaders: new Loaders(em) };
}

// Apollo shallow-copies the context object, so the entered scopes travel inside it.
const ENTERED = Symbol('entered scopes');
type WithScopes = Context & { [ENTERED]: Map<EntityManager, Context> };

/** A request's context: the caller's scope, and the scopes its sign-ins entered, keyed by their unit of work. */
export function requestContext(ormEm: EntityManager, caller: Caller, rest: Omit<Context, keyof Scope | 'fork' | 'enter'>): Context {
  const entered = new Map<EntityManager, Context>();
  const ctx: WithScopes = {
    ...rest,
    ...scopeFor(ormEm, caller),
    [ENTERED]: entered,
    fork: () => ormEm.fork({ clear: true }),
    enter(signedIn) {
      const scope = scopeFor(ormEm, signedIn);
      entered.set(scope.em, { ...ctx, ...scope });
      return scope;
    },
  };
  return ctx;
}

/**
 * The context a field of `root` resolves in: the entered scope whose unit of work loaded the
 * root, else the request's. Anything a scope can load belongs to its tenant, so a sign-in's
 * result never reads through the caller's scope, and the caller's rows never through a sign-in's.
 */
export function contextFor(ctx: Context, root: unknown): Context {
  const entered = (ctx as WithScopes)[ENTERED];
  if (!entered?.size || typeof root !== 'object' || root === null || !('__helper' in root)) return ctx;
  const em = helper(root).__em as EntityManager | undefined;
  return (em && entered.get(em)) ?? ctx;
}

/** `@Ctx()` for resolvers: the request's context, or an entered scope's for the fields of what it loaded. */
export function Ctx() {
  return createParameterDecorator<Context>(({ root, context }) => contextFor(context, root));
}

export function merchantCaller(ctx: Context): MerchantCaller {
  const c = ctx.caller;
  if (c.kind !== 'operator' && c.kind !== 'apiKey') throw new Error('resolver reached without an operator caller');
  return c;
}

export function affiliateCaller(ctx: Context): AffiliateCaller {
  const c = ctx.caller;
  if (c.kind !== 'affiliate') throw new Error('resolver reached without an affiliate caller');
  return c;
}
