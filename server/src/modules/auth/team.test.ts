import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../../graphql/roles.js';
import { sha256 } from './secrets.js';

const INVITE = `mutation($e:String!,$r:OperatorRole!){ inviteOperator(email:$e, role:$r){ id email role pending invitationExpiresAt } }`;
const ACCEPT = `mutation($t:String!,$n:String!,$p:String!){ acceptInvitation(token:$t, name:$n, password:$p){ token user { email name role pending } } }`;
const OPERATORS = `{ operators { id email name role pending invitationExpiresAt } }`;
const SET_ROLE = `mutation($id:ID!,$r:OperatorRole!){ setOperatorRole(id:$id, role:$r){ id role } }`;
const REMOVE = `mutation($id:ID!){ removeOperator(id:$id) }`;
const ME = '{ currentUser { email role } }';
const code = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code ?? 'OK';

describe('team', () => {
  let app: TestApp;
  let now = new Date('2026-11-01T12:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({}, () => now);
  });
  afterAll(() => app?.close());

  const db = () => app.orm.em.fork();
  async function invitationToken(email: string): Promise<string> {
    const [row] = await db().execute<{ text: string }[]>(
      `select text from mail_message where to_address = ? and kind = 'operatorInvitation' order by id desc limit 1`,
      [email],
    );
    const token = row?.text.match(/\/accept-invitation#(\S+)/)?.[1];
    if (!token) throw new Error(`no invitation was mailed to ${email}`);
    return token;
  }
  const operatorsNamed = async (email: string) =>
    (await db().execute<{ n: number }[]>(`select count(*)::int as n from operator where email = ?`, [email]))[0]!.n;
  /** Resolves once `n` connections to the test's database wait on a lock. */
  async function waitingOnLocks(n: number): Promise<void> {
    const waiting = async () =>
      (
        await db().execute<{ n: number }[]>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)
      )[0]!.n;
    for (const deadline = Date.now() + 10_000; (await waiting()) < n; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > deadline) throw new Error(`${n} connections did not begin waiting on a lock within 10 s`);
    }
  }
  const idOf = async (email: string) => (await db().execute<{ id: string }[]>(`select id from operator where email = ?`, [email]))[0]!.id;

  it('an owner invites by email; the link, stored hashed, signs the new operator in once with the role given', async () => {
    const owner = await app.newMerchant();
    const email = `${uniq('rey')}@example.test`;
    const invited = await app.gql(INVITE, { e: email, r: 'REVIEWER' }, owner.token);
    expect(invited.data!.inviteOperator).toMatchObject({ email, role: 'REVIEWER', pending: true, invitationExpiresAt: '2026-11-08T12:00:00.000Z' });
    const token = await invitationToken(email);
    const [row] = await db().execute<{ invitation_token_hash: string; password_hash: string | null }[]>(
      `select invitation_token_hash, password_hash from operator where email = ?`,
      [email],
    );
    expect(row).toEqual({ invitation_token_hash: sha256(token), password_hash: null });
    // Invited is not signed up: no password signs in yet.
    expect(code(await app.gql(`mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token } }`, { e: email, p: 'any password at all' }))).toBe(
      'UNAUTHENTICATED',
    );

    const listed = (await app.gql(OPERATORS, {}, owner.token)).data!.operators;
    expect(listed.map((o: any) => [o.email, o.role, o.pending])).toEqual([
      [owner.email, 'OWNER', false],
      [email, 'REVIEWER', true],
    ]);

    const accepted = await app.gql(ACCEPT, { t: token, n: 'Rey Reviewer', p: 'rey reviews carefully' });
    expect(accepted.data!.acceptInvitation.user).toEqual({ email, name: 'Rey Reviewer', role: 'REVIEWER', pending: false });
    expect((await app.gql(ME, {}, accepted.data!.acceptInvitation.token)).data!.currentUser).toEqual({ email, role: 'REVIEWER' });
    expect(code(await app.gql(ACCEPT, { t: token, n: 'Someone else', p: 'someone else entirely' }))).toBe('BAD_USER_INPUT');
    expect((await app.gql(OPERATORS, {}, owner.token)).data!.operators[1]).toMatchObject({ name: 'Rey Reviewer', pending: false, invitationExpiresAt: null });
  });

  it('an invitation expires after seven days; resending gives a new link and the old one stops working; revoking withdraws it', async () => {
    const owner = await app.newMerchant();
    const email = `${uniq('fin')}@example.test`;
    const id = (await app.gql(INVITE, { e: email, r: 'FINANCE' }, owner.token)).data!.inviteOperator.id;
    const first = await invitationToken(email);
    now = new Date(now.getTime() + 7 * 24 * 3600_000 + 60_000);
    const expired = await app.gql(ACCEPT, { t: first, n: 'Fin', p: 'finance passphrase' });
    expect(code(expired)).toBe('BAD_USER_INPUT');
    expect(expired.errors![0]!.message).toMatch(/expired or was already used/);

    expect(code(await app.gql(`mutation($id:ID!){ resendInvitation(id:$id){ id } }`, { id }, owner.token))).toBe('OK');
    const second = await invitationToken(email);
    expect(second).not.toBe(first);
    expect(code(await app.gql(ACCEPT, { t: first, n: 'Fin', p: 'finance passphrase' }))).toBe('BAD_USER_INPUT');

    expect((await app.gql(`mutation($id:ID!){ revokeInvitation(id:$id) }`, { id }, owner.token)).data).toEqual({ revokeInvitation: true });
    expect(code(await app.gql(ACCEPT, { t: second, n: 'Fin', p: 'finance passphrase' }))).toBe('BAD_USER_INPUT');
    expect(await operatorsNamed(email)).toBe(0);
  });

  it('refuses a non-owner, an invalid address, an unknown role, an address already on a team, and a weak password, writing nothing', async () => {
    const owner = await app.newMerchant();
    const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
    const email = `${uniq('x')}@example.test`;
    expect(code(await app.gql(INVITE, { e: email, r: 'REVIEWER' }, reviewer.token))).toBe('FORBIDDEN');
    expect(code(await app.gql(OPERATORS, {}, reviewer.token))).toBe('FORBIDDEN');
    const key = (await app.gql(`mutation { createApiKey(name: "k") { key } }`, {}, owner.token)).data!.createApiKey.key as string;
    expect(code(await app.gql(INVITE, { e: email, r: 'REVIEWER' }, key))).toBe('FORBIDDEN');
    const unknownRole = await app.gql(INVITE, { e: email, r: 'JANITOR' }, owner.token);
    expect(unknownRole.errors![0]!.message).toMatch(/JANITOR/);
    expect(await operatorsNamed(email)).toBe(0);

    const invalid = await app.gql(INVITE, { e: 'not an address', r: 'REVIEWER' }, owner.token);
    expect(code(invalid)).toBe('BAD_USER_INPUT');
    expect(invalid.errors![0]!.extensions!.fieldErrors).toHaveProperty('email');
    expect(code(await app.gql(INVITE, { e: reviewer.email, r: 'FINANCE' }, owner.token))).toBe('CONFLICT');
    const elsewhere = await app.newMerchant();
    expect(code(await app.gql(INVITE, { e: reviewer.email, r: 'FINANCE' }, elsewhere.token))).toBe('CONFLICT');

    await app.gql(INVITE, { e: email, r: 'REVIEWER' }, owner.token);
    expect(code(await app.gql(INVITE, { e: email, r: 'REVIEWER' }, owner.token))).toBe('CONFLICT');
    const weak = await app.gql(ACCEPT, { t: await invitationToken(email), n: 'X', p: 'password' });
    expect(code(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors![0]!.extensions!.fieldErrors).toHaveProperty('password');
    const noName = await app.gql(ACCEPT, { t: await invitationToken(email), n: '  ', p: 'a good passphrase' });
    expect(noName.errors![0]!.extensions!.fieldErrors).toHaveProperty('name');
    expect((await app.gql(OPERATORS, {}, owner.token)).data!.operators.find((o: any) => o.email === email).pending).toBe(true);
  });

  it('keeps the last owner: neither demoted nor removed, and an unknown role is refused', async () => {
    const owner = await app.newMerchant();
    const ownerId = await idOf(owner.email);
    const demote = await app.gql(SET_ROLE, { id: ownerId, r: 'REVIEWER' }, owner.token);
    expect(code(demote)).toBe('CONFLICT');
    expect(demote.errors![0]!.message).toMatch(/at least one owner/);
    expect(code(await app.gql(REMOVE, { id: ownerId }, owner.token))).toBe('CONFLICT');
    expect(code(await app.gql(SET_ROLE, { id: ownerId, r: 'JANITOR' }, owner.token))).not.toBe('OK');
    expect((await app.gql(ME, {}, owner.token)).data!.currentUser.role).toBe('OWNER');
    // A pending owner invitation is no owner yet.
    await app.gql(INVITE, { e: `${uniq('o2')}@example.test`, r: 'OWNER' }, owner.token);
    expect(code(await app.gql(SET_ROLE, { id: ownerId, r: 'FINANCE' }, owner.token))).toBe('CONFLICT');
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const owner = await app.newMerchant();
    const second = await app.newOperator(owner.merchantId, OperatorRole.OWNER);
    const [a, b] = [await idOf(owner.email), await idOf(second.email)];
    // Hold every operator row of the merchant, so both demotions have read the owners before either writes.
    const holder = db();
    await holder.begin();
    await holder.execute(`select id from operator where merchant_id = ? for update`, [owner.merchantId]);
    const both = Promise.all([app.gql(SET_ROLE, { id: b, r: 'REVIEWER' }, owner.token), app.gql(SET_ROLE, { id: a, r: 'REVIEWER' }, second.token)]);
    await waitingOnLocks(2);
    await holder.commit();
    const outcomes = (await both).map(code);
    expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
    const owners = await db().execute<{ n: number }[]>(`select count(*)::int as n from operator where merchant_id = ? and role = 'OWNER'`, [owner.merchantId]);
    expect(owners[0]!.n).toBe(1);
  });

  it('removing an operator ends their sessions; a demoted owner loses owner actions at once', async () => {
    const owner = await app.newMerchant();
    const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
    const second = await app.newOperator(owner.merchantId, OperatorRole.OWNER);
    expect((await app.gql(REMOVE, { id: await idOf(reviewer.email) }, owner.token)).data).toEqual({ removeOperator: true });
    expect(code(await app.gql(ME, {}, reviewer.token))).toBe('UNAUTHENTICATED');
    expect(await operatorsNamed(reviewer.email)).toBe(0);

    expect(code(await app.gql(SET_ROLE, { id: await idOf(second.email), r: 'FINANCE' }, owner.token))).toBe('OK');
    expect(code(await app.gql(OPERATORS, {}, second.token))).toBe('FORBIDDEN');
    const other = await app.newMerchant();
    expect(code(await app.gql(REMOVE, { id: await idOf(other.email) }, owner.token))).toBe('NOT_FOUND');
  });
});
