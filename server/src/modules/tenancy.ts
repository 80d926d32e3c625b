import { Filter, type EntityManager } from '@mikro-orm/core';

/**
 * Every tenant-owned entity carries this filter. It is on by default, so a query that
 * forgets the merchant fails loudly ("no arguments provided for filter") instead of leaking
 * another merchant's rows. The per-request EntityManager sets the caller's merchant; the few
 * deliberately global reads (sign-in, public campaign pages) opt out by name.
 */
export const TENANT = 'tenant';
export const tenantScoped = Filter({
  name: TENANT,
  cond: (args: { merchantId?: string }) => ({ merchant: args.merchantId }),
  default: true,
});

export const UNSCOPED = { filters: { [TENANT]: false } } as const;

/** The merchant row itself: visible only to its own operators, affiliates and keys. */
export const merchantScoped = Filter({
  name: TENANT,
  cond: (args: { merchantId?: string }) => ({ id: args.merchantId }),
  default: true,
});

/**
 * A unit of work whose tenant is set once, here, and never changes: its `setFilterParams`
 * throws. A GraphQL request runs all its operations on one EntityManager, so an operation that
 * switched the tenant (a sign-in, an application) would hand that merchant to every later
 * operation of the request. `merchantId` null (anonymous callers): tenant-scoped reads fail
 * loudly; only `UNSCOPED` ones work. `ormEm` is the ORM's global EntityManager (no tenant).
 */
export function lockedToTenant<E extends EntityManager>(ormEm: E, merchantId: string | null): E {
  const em = ormEm.fork({ clear: true }) as E;
  if (merchantId) em.setFilterParams(TENANT, { merchantId });
  em.setFilterParams = () => {
    throw new Error("this EntityManager's tenant is fixed; run work for another merchant on a fork of its own");
  };
  return em;
}

/** A row of some merchant: ports serving a batch that spans merchants take these, so their SQL names `merchant_id`. */
export interface TenantRef {
  merchantId: string;
  id: string;
}
