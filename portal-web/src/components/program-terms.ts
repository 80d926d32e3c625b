import { graphql } from '../gql';

/** What a program offers, as its public page states it (anyone may read it). */
export const ProgramTermsFragment = graphql(`
  fragment ProgramTerms on PublicCampaign {
    description
    merchantName
    logoUrl
    currency
    commission {
      type
      rateBps
      amountMinor
    }
    attributionWindowDays
    holdDays
    payoutDayOfMonth
    minPayoutMinor
  }
`);

/** A program's terms by its slug: the dashboard shows them for each program the affiliate is in. */
export const ProgramTermsDocument = graphql(`
  query ProgramTermsBySlug($slug: String!) {
    publicCampaign(slug: $slug) {
      slug
      ...ProgramTerms
    }
  }
`);
