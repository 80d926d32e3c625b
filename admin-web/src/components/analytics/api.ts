import { graphql } from '../../gql';

/**
 * A period's figures and the same-length period before it (for the change on each card).
 * Money fields are asked for only when the operator sees money: a REVIEWER gets counts only.
 */
export const AnalyticsDocument = graphql(`
  query Analytics($current: AnalyticsInput!, $previous: AnalyticsInput!, $money: Boolean!, $top: Int!) {
    current: analytics(input: $current) {
      currency
      totals {
        clicks
        uniqueClicks
        conversions
        revenueMinor @include(if: $money)
        commissionMinor @include(if: $money)
      }
      series {
        start
        clicks
        conversions
        revenueMinor @include(if: $money)
        commissionMinor @include(if: $money)
      }
      topAffiliates(first: $top) {
        affiliate {
          id
          name
          email
        }
        clicks
        conversions
        revenueMinor @include(if: $money)
        commissionMinor @include(if: $money)
      }
    }
    previous: analytics(input: $previous) {
      currency
      totals {
        clicks
        conversions
        revenueMinor @include(if: $money)
        commissionMinor @include(if: $money)
      }
    }
  }
`);
