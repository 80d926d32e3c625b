import { registerEnumType } from 'type-graphql';

// The auth module's roles and scopes live below the modules: every policy's access entries (graphql/access.ts) name them.

/** What an operator may do besides reading; OWNER passes every access entry. */
export enum OperatorRole {
  OWNER = 'OWNER',
  REVIEWER = 'REVIEWER',
  FINANCE = 'FINANCE',
}
registerEnumType(OperatorRole, { name: 'OperatorRole' });

/** What an integration's key may do, chosen at creation; each module's policy names the scopes it accepts. */
export enum ApiKeyScope {
  /** Record orders and refunds. */
  ORDERS = 'ORDERS',
  /** Read commissions, clawbacks, payouts and affiliates (never applicants' answers). */
  READ = 'READ',
  /** Finalize commissions and create, execute, retry and discard payout batches. */
  PAYOUTS = 'PAYOUTS',
}
registerEnumType(ApiKeyScope, { name: 'ApiKeyScope' });
