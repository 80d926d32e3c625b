import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { OperatorRole } from '../modules/auth/operator.entity.js';
import type { Loaders } from './loaders.js';
import type { Services } from '../services.js';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'operator'; merchantId: string; operatorId: string; role: OperatorRole; sessionId: string }
  | { kind: 'apiKey'; merchantId: string; apiKeyId: string }
  | { kind: 'affiliate'; merchantId: string; affiliateId: string; sessionId: string };

export type MerchantCaller = Extract<Caller, { kind: 'operator' | 'apiKey' }>;
export type AffiliateCaller = Extract<Caller, { kind: 'affiliate' }>;

export interface Context {
  /** This request's unit of work, tenant filter set to the caller's merchant. */
  em: EntityManager;
  caller: Caller;
  loaders: Loaders;
  services: Services;
  config: Config;
  log: Logger;
  ip: string;
  /** The request's clock; tests pass a fixed one. */
  now: () => Date;
  setCookie(cookie: string): void;
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
