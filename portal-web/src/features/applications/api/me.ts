/**
 * The affiliate's own view, planned in API.md (`me`). The server does not have `me` yet, and
 * codegen fails on an unknown field, so this stays plain text for now (no graphql() call and
 * no GraphQL magic comment, so codegen does not pick it up).
 *
 * Where `me` plugs in, once the server has it:
 *   1. replace this string with
 *        export const MyApplicationsDocument = graphql(`query MyApplications { me { ... } }`);
 *   2. in routes/MyApplicationsRoute.tsx, `useQuery(MyApplicationsDocument)` and render
 *      `data.me.affiliate` instead of the sign-in answer, and `data.me.applications` in the
 *      shared DataTable (columns: campaign, status, rejection reason when present);
 *   3. let RequireAffiliate ask `me` (UNAUTHENTICATED → sign-in) instead of sessionStorage.
 */
export const PLANNED_MY_APPLICATIONS_QUERY = `
  query MyApplications {
    me {
      affiliate {
        id
        email
        name
      }
      applications {
        id
        status
        campaign {
          name
        }
        rejectionReason
      }
    }
  }
`;
