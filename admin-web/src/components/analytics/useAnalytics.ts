import { useQuery } from '@apollo/client/react';
import { intervalFor, previousRange, type RangeChoice, toInstants } from '@sorae/web-shared';
import { useSeesMoney } from '../../lib/session';
import { AnalyticsDocument } from './api';

export interface AnalyticsFilter {
  campaignId?: string | null;
  affiliateId?: string | null;
  currency?: string | null;
}

/** The figures of a range and of the period before it, at the interval that fits the range. */
export function useAnalytics({ range }: RangeChoice, filter: AnalyticsFilter, top = 0) {
  const money = useSeesMoney();
  const interval = intervalFor(range);
  const scope = {
    interval,
    campaignId: filter.campaignId || null,
    affiliateId: filter.affiliateId || null,
    currency: filter.currency || null,
  };
  const query = useQuery(AnalyticsDocument, {
    variables: {
      current: { ...toInstants(range), ...scope },
      previous: { ...toInstants(previousRange(range)), ...scope },
      money,
      top,
    },
    fetchPolicy: 'cache-and-network',
  });
  return { ...query, analytics: query.data ?? query.previousData, interval, money };
}
