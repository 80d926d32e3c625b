import { mailedLink } from './outbox.js';
import type { System } from './system.js';

/**
 * An operator joins the merchant as a teammate does: the owner invites the address with a role
 * and the invited person accepts the mailed link with a name and password. Returns their session token.
 */
export async function joinTeam(
  system: System,
  person: { email: string; name: string; password: string; role: 'OWNER' | 'REVIEWER' | 'FINANCE' },
): Promise<string> {
  const signIn = await system.graphql<{ signIn: { token: string } }>(`mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`, {
    e: system.admin.email,
    p: system.admin.password,
  });
  if (!signIn.data) throw new Error(`owner sign-in: ${JSON.stringify(signIn.errors)}`);
  const invited = await system.graphql(
    `mutation ($e: String!, $r: OperatorRole!) { inviteOperator(email: $e, role: $r) { id } }`,
    { e: person.email, r: person.role },
    { authorization: `Bearer ${signIn.data.signIn.token}` },
  );
  if (invited.errors) throw new Error(`inviteOperator: ${JSON.stringify(invited.errors)}`);
  const token = new URL(await mailedLink(system, person.email, 'operatorInvitation', '/admin/accept-invitation#')).hash.slice(1);
  const accepted = await system.graphql<{ acceptInvitation: { token: string } }>(
    `mutation ($t: String!, $n: String!, $p: String!) { acceptInvitation(token: $t, name: $n, password: $p) { token } }`,
    { t: token, n: person.name, p: person.password },
  );
  if (!accepted.data) throw new Error(`acceptInvitation: ${JSON.stringify(accepted.errors)}`);
  return accepted.data.acceptInvitation.token;
}
