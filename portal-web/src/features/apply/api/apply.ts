import { graphql } from '../../../gql';

/** The campaign's public form: readable without signing in. */
export const PublicCampaignDocument = graphql(`
  query PublicCampaign($slug: String!) {
    publicCampaign(slug: $slug) {
      name
      slug
      status
      acceptingApplications
      ...ProgramTerms
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
    }
  }
`);

/** Public: applies; the same answer for every email. The applicant confirms from the emailed link. */
export const SubmitApplicationDocument = graphql(`
  mutation SubmitApplication($input: SubmitApplicationInput!) {
    submitApplication(input: $input) {
      id
      status
      submittedAt
      email
      name
      campaign {
        id
        name
      }
    }
  }
`);

/** Public: the emailed link's token; records the application and signs the applicant in (cookie). */
export const ConfirmApplicationDocument = graphql(`
  mutation ConfirmApplication($token: String!, $password: String) {
    confirmApplication(token: $token, password: $password) {
      passwordRequired
      email
      campaignName
      application {
        id
      }
    }
  }
`);
