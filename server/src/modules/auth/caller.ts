import type { ApiKeyScope, OperatorRole } from '../../graphql/roles.js';

/** Who is calling: resolved from the bearer token or session cookie by `AuthService.resolveCaller`. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'operator'; merchantId: string; operatorId: string; role: OperatorRole; sessionId: string }
  | { kind: 'apiKey'; merchantId: string; apiKeyId: string; scopes: readonly ApiKeyScope[] }
  | { kind: 'affiliate'; merchantId: string; affiliateId: string; sessionId: string };

export type MerchantCaller = Extract<Caller, { kind: 'operator' | 'apiKey' }>;
export type OperatorCaller = Extract<Caller, { kind: 'operator' }>;
export type AffiliateCaller = Extract<Caller, { kind: 'affiliate' }>;
/** An identity a sign-in (or an application) has just proven within a request. */
export type SignedInCaller = Extract<Caller, { kind: 'operator' | 'affiliate' }>;
