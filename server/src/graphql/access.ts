import { forbidden, unauthenticated } from '../errors.js';
import { ApiKeyScope, OperatorRole } from './roles.js';
import type { Caller } from '../modules/auth/index.js';

/**
 * Who may reach an operation or a field: the one shape every module's `policy.ts` declares and
 * both `@Authorized(...)` and the resolvers' field checks read. Owners signed in may do
 * everything operators may; nobody else passes unless named here.
 */
// `any`, not `unknown`: an entry reading a Payout root must still be an Access (its function's parameter is contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Access<Root = any> {
  /** Named in the FORBIDDEN message. */
  what: string;
  /** Operator roles besides OWNER that pass, ANY operator, or NONE (not even an owner: the portal's own fields). */
  roles: 'ANY' | 'NONE' | readonly OperatorRole[];
  /** API key scopes, any one of which lets a key pass. */
  scopes: readonly ApiKeyScope[];
  /** Affiliates: none (omitted), ANY (what they reach is their own by construction), or the root's owner. */
  affiliates?: 'ANY' | ((root: Root) => string | null | undefined);
}

export const { ORDERS, READ, PAYOUTS } = ApiKeyScope;
export const { FINANCE, REVIEWER } = OperatorRole;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Access's default
export function access<Root = any>(a: Access<Root>): Access<Root> {
  return Object.freeze(a);
}

export function allows(a: Access, caller: Caller, root?: unknown): boolean {
  switch (caller.kind) {
    case 'anonymous':
      return false;
    case 'operator':
      if (a.roles === 'NONE') return false;
      return a.roles === 'ANY' || caller.role === OperatorRole.OWNER || a.roles.includes(caller.role);
    case 'apiKey':
      return a.scopes.some((s) => caller.scopes.includes(s));
    case 'affiliate':
      if (!a.affiliates) return false;
      return a.affiliates === 'ANY' || a.affiliates(root) === caller.affiliateId;
  }
}

/** Throws UNAUTHENTICATED for nobody, FORBIDDEN for a caller the rule leaves out. */
export function demand(a: Access, caller: Caller, root?: unknown): void {
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (!allows(a, caller, root)) throw forbidden(`Not allowed: ${a.what}`);
}
