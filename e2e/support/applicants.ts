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
