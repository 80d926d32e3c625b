import type { Caller } from '../auth/index.js';

/** Who sees what of the traffic: a click's visitor id is the shopper's cookie. */
export const trackingPolicy = {
  /** Affiliates see a stable pseudonym of each visitor, never the id itself; operators and keys see the id. */
  pseudonymizesVisitors: (caller: Caller) => caller.kind === 'affiliate',
};
