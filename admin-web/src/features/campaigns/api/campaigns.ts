import { graphql } from '../../../gql';

/** Everything the editor shows and edits. */
export const CampaignDetailsFragment = graphql(`
  fragment CampaignDetails on Campaign {
    id
    name
    slug
    status
    destinationUrl
    applicationUrl
    currency
    commission {
      type
      rateBps
      amountMinor
      duration
      durationMonths
    }
    stripeCouponId
    attributionWindowDays
    holdDays
    minPayoutMinor
    payoutDayOfMonth
    showRejectionReasonToApplicant
    autoExecutePayouts
    description
    brandName
    logoUrl
    intakeFields {
      key
      label
      type
      required
      options
      min
      max
      helpText
    }
    createdAt
    updatedAt
  }
`);

export const CampaignDocument = graphql(`
  query Campaign($id: ID!) {
    campaign(id: $id) {
      ...CampaignDetails
    }
  }
`);

export const CreateCampaignDocument = graphql(`
  mutation CreateCampaign($input: CampaignInput!) {
    createCampaign(input: $input) {
      ...CampaignDetails
    }
  }
`);

export const UpdateCampaignDocument = graphql(`
  mutation UpdateCampaign($id: ID!, $input: CampaignUpdateInput!) {
    updateCampaign(id: $id, input: $input) {
      ...CampaignDetails
    }
  }
`);
