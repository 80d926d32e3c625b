import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommissionsService, CurrencyTotals } from '../commissions/index.js';
import type { OrdersService } from '../orders/index.js';
import type { TrafficService } from '../tracking/index.js';

/**
 * An affiliate's traffic and commission sums. Money is never added across currencies: the
 * flat money fields are `byCurrency[0]` (the currency of the campaign they joined first), and
 * zero with a null currency when they have no enrollment and no commission.
 */
export interface AffiliateTotals extends Omit<CurrencyTotals, 'currency'> {
  clicks: number;
  conversions: number;
  currency: string | null;
  byCurrency: CurrencyTotals[];
}

/** Each affiliate's traffic and earnings (the list of affiliates is applications' `AffiliateDirectory`). */
export class AffiliatesService {
  constructor(
    private readonly traffic: TrafficService,
    private readonly orders: OrdersService,
    private readonly commissions: CommissionsService,
  ) {}

  /**
   * Clicks, AFFILIATE conversions and commission totals per currency for a set of affiliates:
   * three set-based aggregates at once (one per module that owns the rows), whatever the number
   * of affiliates. REFERRAL is never counted.
   */
  async totals(em: EntityManager, merchantId: string, affiliateIds: readonly string[]): Promise<AffiliateTotals[]> {
    const [clicks, conversions, money] = await Promise.all([
      this.traffic.clickCounts(em, merchantId, affiliateIds),
      this.orders.affiliateConversionCounts(em, merchantId, affiliateIds),
      this.commissions.earnings(em, merchantId, affiliateIds),
    ]);
    return affiliateIds.map((id) => {
      const byCurrency = money.get(id) ?? [];
      const primary = byCurrency[0];
      return {
        clicks: clicks.get(id) ?? 0,
        conversions: conversions.get(id) ?? 0,
        currency: primary?.currency ?? null,
        pendingMinor: primary?.pendingMinor ?? 0,
        finalizedMinor: primary?.finalizedMinor ?? 0,
        paidMinor: primary?.paidMinor ?? 0,
        byCurrency,
      };
    });
  }
}
