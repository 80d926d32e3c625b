import { graphql } from '../../../gql';

export const MyPayoutAccountDocument = graphql(`
  query MyPayoutAccount {
    me {
      affiliate {
        id
      }
      payoutAccount {
        status
        stripeAccountId
        payoutsEnabled
        updatedAt
      }
    }
  }
`);

export const StartStripeOnboardingDocument = graphql(`
  mutation StartStripeOnboarding {
    startStripeOnboarding {
      url
    }
  }
`);
