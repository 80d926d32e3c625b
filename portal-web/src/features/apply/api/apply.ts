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

/** Public: applies, creates (or proves) the portal account and signs the applicant in (cookie). */
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
