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
export async function confirmationLink(system: System, email: string): Promise<string> {
  const signIn = await system.graphql<{ signIn: { token: string } }>(`mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`, {
    e: system.admin.email,
    p: system.admin.password,
  });
  if (!signIn.data) throw new Error(`owner sign-in: ${JSON.stringify(signIn.errors)}`);
  const outbox = await system.graphql<{ outbox: { edges: { node: { to: string; kind: string; text: string } }[] } }>(
    `{ outbox(first: 100) { edges { node { to kind text } } } }`,
    {},
    { authorization: `Bearer ${signIn.data.signIn.token}` },
  );
  const mail = outbox.data?.outbox.edges.map((e) => e.node).find((m) => m.to === email && m.kind === 'applicationReceived');
  const link = mail?.text.match(/(\S+\/portal\/confirm#\S+)/)?.[1];
  if (!link) throw new Error(`no confirmation link was mailed to ${email}: ${JSON.stringify(outbox.errors ?? outbox.data)}`);
  return link;
}
