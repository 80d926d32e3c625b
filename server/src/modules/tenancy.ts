import { Filter } from '@mikro-orm/core';

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
