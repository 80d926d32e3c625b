import pg from 'pg';
import { expect } from 'vitest';
import { adminUrl, withDatabase } from '../../server/src/test/databases.js';
import { confirmFromOutbox } from './applicants.js';
import type { System } from './system.js';

/** A browser's user agent: a click from Node's default one is logged as a bot's and never counts. */
const SHOPPER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The owner's GraphQL client for a scenario that arranges its program through the API. */
export async function ownerClient(system: System) {
  const signIn = await system.graphql<{ signIn: { token: string } }>(
    `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
    system.admin,
  );
  expect(signIn.errors).toBeUndefined();
  const owner = { authorization: `Bearer ${signIn.data!.signIn.token}` };
  return async <T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = owner): Promise<T> => {
    const res = await system.graphql<T>(query, variables, headers);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
}
export type Gql = Awaited<ReturnType<typeof ownerClient>>;

/** A campaign paying a flat commission per order; answers its id. */
export async function flatCampaign(gql: Gql, name: string, slug: string, currency: string, commissionMinor: number): Promise<string> {
  const d = await gql<{ createCampaign: { id: string } }>(`mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
    input: { name, slug, destinationUrl: 'https://shop.example/', currency, commission: { type: 'FLAT', amountMinor: commissionMinor } },
  });
  return d.createCampaign.id;
}

/** The affiliate applies to the campaign, confirms from the emailed link and is approved; answers the share URL. */
export async function join(system: System, gql: Gql, slug: string, who: { name: string; email: string; password: string }): Promise<string> {
  const applied = await gql<{ submitApplication: { id: string } }>(
    `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
    { input: { campaignSlug: slug, ...who, answers: [] } },
    {},
  );
  await confirmFromOutbox(system, who.email, who.password);
  const reviewed = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } | null }[] } }>(
    `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
    { input: { ids: [applied.submitApplication.id], decision: 'APPROVE' } },
  );
  return reviewed.reviewApplications.results[0]!.enrollment!.shareUrl;
}

export interface Landing {
  clickId: string;
  visitorId: string;
}

/** A shopper follows the share link now: the landing's click and visitor ids. */
export async function followLink(shareUrl: string): Promise<Landing> {
  const res = await fetch(shareUrl, { redirect: 'manual', headers: { 'user-agent': SHOPPER_UA } });
  expect(res.status).toBe(302);
  const landing = new URL(res.headers.get('location')!).searchParams;
  return { clickId: landing.get('sorae_click')!, visitorId: landing.get('sorae_vid')! };
}

/**
 * A click row at a time in the past (the redirect logs clicks only at the present moment), for an
 * order to win with: history to chart. Written behind the click log's back, it is not in the
 * analytics rollups, so it never counts as a click there; the order it wins does count.
 */
export async function pastClick(system: System, shareUrl: string, at: Date): Promise<Landing> {
  const code = new URL(shareUrl).pathname.split('/').pop()!;
  const db = new pg.Client({ connectionString: withDatabase(adminUrl(), system.databaseName) });
  await db.connect();
  try {
    const visitorId = `e2e-visitor-${at.getTime()}`;
    const { rows } = await db.query<{ id: string }>(
      `insert into click (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, user_agent, ip_hash, visitor_id, is_bot)
       select gen_random_uuid(), merchant_id, id, affiliate_id, campaign_id, 'AFFILIATE', $2, $3, repeat('0', 64), $4, false
         from enrollment where share_code = $1
       returning id`,
      [code, at, SHOPPER_UA, visitorId],
    );
    expect(rows).toHaveLength(1);
    return { clickId: rows[0]!.id, visitorId };
  } finally {
    await db.end();
  }
}

/** The store records an order for the landing; it must win as the affiliate's. */
export async function recordOrder(gql: Gql, landing: Landing, order: { id: string; amountMinor: number; currency: string; occurredAt: Date }): Promise<void> {
  const d = await gql<{ recordOrder: { conversion: { channel: string } } }>(
    `mutation ($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { channel } } }`,
    { input: { ...order, occurredAt: order.occurredAt.toISOString(), clickId: landing.clickId, visitorId: landing.visitorId } },
  );
  expect(d.recordOrder.conversion.channel).toBe('AFFILIATE');
}
