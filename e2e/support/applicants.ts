import { mailedLink } from './outbox.js';
import type { System } from './system.js';

/**
 * What an applicant does with the emailed link, through the owner's outbox (the system runs
 * without SMTP_URL): finds the latest confirmation mailed to `email` and confirms with its token,
 * which records the application (under the id submitApplication answered) and signs them in.
 */
export async function confirmFromOutbox(system: System, email: string, password?: string): Promise<{ token: string | null }> {
  const token = await confirmationLink(system, email).then((link) => new URL(link).hash.slice(1));
  const r = await system.graphql<{ confirmApplication: { token: string | null } }>(
    `mutation ($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { token } }`,
    { t: token, p: password },
  );
  if (!r.data) throw new Error(`confirmApplication: ${JSON.stringify(r.errors)}`);
  return r.data.confirmApplication;
}

/** The confirmation link in the latest applicationReceived message to `email`, read by the owner. */
export const confirmationLink = (system: System, email: string): Promise<string> => mailedLink(system, email, 'applicationReceived', '/portal/confirm#');

/** The bootstrap owner's Authorization header, signed in through GraphQL. */
export async function ownerHeaders(system: System): Promise<Record<string, string>> {
  const r = await system.graphql<{ signIn: { token: string } }>(
    `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
    system.admin,
  );
  if (!r.data) throw new Error(`signIn: ${JSON.stringify(r.errors)}`);
  return { authorization: `Bearer ${r.data.signIn.token}` };
}

/** A new campaign and an applicant who applies, confirms from the outbox and is approved: answers the share link. */
export async function campaignWithAffiliate(
  system: System,
  owner: Record<string, string>,
  campaign: Record<string, unknown> & { slug: string },
  applicant: { name: string; email: string; password: string },
): Promise<string> {
  const gql = async <T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = owner) => {
    const r = await system.graphql<T>(query, variables, headers);
    if (!r.data || r.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(r.errors)}`);
    return r.data;
  };
  await gql(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, { input: campaign });
  const applied = await gql<{ submitApplication: { id: string } }>(
    `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
    { input: { campaignSlug: campaign.slug, ...applicant, answers: [] } },
    {},
  );
  await confirmFromOutbox(system, applicant.email);
  const reviewed = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } | null }[] } }>(
    `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
    { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
  );
  return reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;
}
