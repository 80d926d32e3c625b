import type { System } from './system.js';

/**
 * The link of the latest `kind` message mailed to `to`, read from the owner's outbox as the
 * recipient reads their inbox (the system runs without SMTP_URL). `path` is where the link
 * points, e.g. `/portal/confirm#`.
 */
export async function mailedLink(system: System, to: string, kind: string, path: string): Promise<string> {
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
  const mail = outbox.data?.outbox.edges.map((e) => e.node).find((m) => m.to === to && m.kind === kind);
  const link = mail?.text.split(/\s+/).find((word) => word.includes(path));
  if (!link) throw new Error(`no ${kind} link was mailed to ${to}: ${JSON.stringify(outbox.errors ?? outbox.data)}`);
  return link;
}
