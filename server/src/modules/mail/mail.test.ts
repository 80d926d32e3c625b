import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.js';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { OperatorRole } from '../auth/index.js';
import { MailMessage, MailStatus } from './mail-message.entity.js';
import type { MailInput } from './mail.service.js';

const CREATE_CAMPAIGN = `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`;
const REVIEW = `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`;
const OUTBOX = `query($first: Int, $after: String) { outbox(first: $first, after: $after) { totalCount edges { node { id kind to subject status attempts lastError html text } } pageInfo { hasNextPage endCursor } } }`;

const until = async <T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> => {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 25))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
};

/** A merchant with a campaign and one applicant, as the public form and the owner make them. */
async function applicant(app: TestApp, opts: { showReason?: boolean } = {}) {
  const owner = await app.newMerchant(uniq('Shop '));
  const { id: campaignId, slug } = (
    await app.gql(
      CREATE_CAMPAIGN,
      {
        input: {
          name: 'Spring Program',
          slug: uniq('spring-'),
          destinationUrl: 'https://shop.example/',
          currency: 'EUR',
          commission: { type: 'FLAT', amountMinor: 100 },
          showRejectionReasonToApplicant: opts.showReason ?? false,
        },
      },
      owner.token,
    )
  ).data!.createCampaign as { id: string; slug: string };
  const email = `${uniq('ann')}@example.test`;
  const sub = await app.gql(SUBMIT, { input: { campaignSlug: slug, email, name: 'Ann Applicant', password: 'applicant-pw', answers: [] } });
  if (!sub.data) throw new Error(JSON.stringify(sub.errors));
  await app.confirmApplication(email);
  return { owner, campaignId, email, applicationId: sub.data.submitApplication.id as string };
}

/** The approval emails an SMTP server received for an address. */
const approvals = (smtp: SmtpSink, email: string) => smtp.received.filter((m) => m.to.includes(email) && m.raw.includes("Subject: You're in"));

const review = (app: TestApp, token: string, id: string, decision: 'APPROVE' | 'REJECT', reason?: string) =>
  app.gql(REVIEW, { input: { ids: [id], decision, reason } }, token);

describe('mail without SMTP_URL: the outbox', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('keeps the approval with its share link, in HTML and text with the merchant name, for the owner only', async () => {
    const { owner, email, applicationId } = await applicant(app);
    const shareUrl = (await review(app, owner.token, applicationId, 'APPROVE')).data!.reviewApplications.results[0].enrollment.shareUrl as string;

    const outbox = (await app.gql(OUTBOX, {}, owner.token)).data!.outbox;
    expect(outbox.edges.map((e: any) => e.node.kind)).toEqual(['applicationApproved', 'applicationReceived']);
    const m = outbox.edges[0].node;
    expect(m).toMatchObject({ kind: 'applicationApproved', to: email, subject: "You're in: Spring Program", status: MailStatus.OUTBOX, attempts: 0 });
    expect(m.html).toContain(`href="${shareUrl}"`);
    expect(m.text).toContain(shareUrl);
    const merchant = (await app.gql(`{ currentUser { merchant { name } } }`, {}, owner.token)).data!.currentUser.merchant.name as string;
    expect(m.html).toContain(merchant);
    expect(m.text.startsWith(merchant)).toBe(true);

    const reviewer = await app.newOperator(owner.merchantId, OperatorRole.REVIEWER);
    expect((await app.gql(OUTBOX, {}, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await app.gql(OUTBOX, {})).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const other = await app.newMerchant();
    expect((await app.gql(OUTBOX, {}, other.token)).data!.outbox.totalCount).toBe(0);
  });

  it('tells a rejected applicant the reason only when the campaign shares it, escaped in HTML', async () => {
    const reason = 'Audience <too small> & off-topic';
    const shared = await applicant(app, { showReason: true });
    await review(app, shared.owner.token, shared.applicationId, 'REJECT', reason);
    const sharedMail = (await app.gql(OUTBOX, {}, shared.owner.token)).data!.outbox.edges[0].node;
    expect(sharedMail.kind).toBe('applicationRejected');
    expect(sharedMail.text).toContain(`> ${reason}`);
    expect(sharedMail.html).toContain('Audience &lt;too small&gt; &amp; off-topic');
    expect(sharedMail.html).not.toContain('<too small>');

    const kept = await applicant(app, { showReason: false });
    await review(app, kept.owner.token, kept.applicationId, 'REJECT', reason);
    const keptMail = (await app.gql(OUTBOX, {}, kept.owner.token)).data!.outbox.edges[0].node;
    expect(keptMail.text).not.toContain('too small');
  });

  it('refuses an invalid address with a clear error and writes nothing, not even the change that caused it', async () => {
    const owner = await app.newMerchant();
    const em = app.orm.em.fork();
    const message = (to: string): MailInput => ({
      merchantId: owner.merchantId,
      to,
      template: 'applicationRejected',
      data: { name: 'X', campaignName: 'C', reason: null },
    });
    await expect(
      em.transactional(async (tx) => {
        await tx.execute(`update merchant set name = 'Renamed' where id = ?`, [owner.merchantId]);
        await app.services.mail.enqueue(tx, [message('good@example.test'), message('not an address')], new Date());
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'Cannot send email to "not an address": not an email address' });
    expect(await app.emFor(owner.merchantId).count(MailMessage, {})).toBe(0);
    const [row] = await em.execute<{ name: string }[]>(`select name from merchant where id = ?`, [owner.merchantId]);
    expect(row!.name).not.toBe('Renamed');
  });

  it('adds an unsubscribe link to notifications, and an unsubscribed recipient gets no more of them (transactional mail still)', async () => {
    const owner = await app.newMerchant();
    const to = `${uniq('pay')}@example.test`;
    const posted: MailInput = {
      merchantId: owner.merchantId,
      to,
      template: 'payoutPosted',
      data: { name: 'P', amount: '€12.00', portalUrl: 'http://x/portal/payouts' },
    };
    await app.services.mail.enqueue(app.orm.em.fork(), posted, new Date());
    const [first] = await app.emFor(owner.merchantId).find(MailMessage, {});
    const printed = first!.text.match(/Unsubscribe: (\S+)/)![1]!;
    expect(first!.html).toContain(`href="${printed}"`);
    expect(printed.startsWith(`${app.config.publicUrl}/mail/unsubscribe/`)).toBe(true);
    const link = printed.replace(app.config.publicUrl, app.url);
    expect((await fetch(link)).status).toBe(200);
    expect(await app.emFor(owner.merchantId).count(MailMessage, {})).toBe(1);
    const res = await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(await res.text()).toContain('You are unsubscribed');

    await app.services.mail.enqueue(
      app.orm.em.fork(),
      [posted, { merchantId: owner.merchantId, to, template: 'applicationRejected', data: { name: 'P', campaignName: 'C', reason: null } }],
      new Date(),
    );
    const kinds = (await app.emFor(owner.merchantId).find(MailMessage, {}, { orderBy: { id: 'asc' } })).map((m) => m.kind);
    expect(kinds).toEqual(['payoutPosted', 'applicationRejected']);
    expect((await fetch(link.replace(/[^/]+$/, 'nope'), { method: 'POST' })).status).toBe(404);
  });
});

describe('mail over SMTP', () => {
  let smtp: SmtpSink;
  let app: TestApp;
  const env = () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'program@shop.example', MAIL_POLL_MS: '20', MAIL_RETRY_BASE_MS: '50', MAIL_RETRY_MAX_MS: '200' });

  beforeAll(async () => {
    smtp = await startSmtpSink({ refuse: (to) => to.startsWith('gone') });
    app = await startTestApp(env());
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.stop();
  });
  afterEach(() => smtp.start().catch(() => undefined));

  it('sends the approval with an HTML and a text part, from the merchant, without the request waiting for it', async () => {
    const { owner, email, applicationId } = await applicant(app);
    const shareUrl = (await review(app, owner.token, applicationId, 'APPROVE')).data!.reviewApplications.results[0].enrollment.shareUrl as string;
    const mail = await until('the approval', () => approvals(smtp, email)[0]);
    expect(mail.from).toBe('program@shop.example');
    expect(mail.raw).toMatch(/^From: "?Shop [^\n]*<program@shop\.example>/m);
    expect(mail.raw).toContain('Content-Type: text/plain');
    expect(mail.raw).toContain('Content-Type: text/html');
    expect(mail.raw).toContain(shareUrl);
    const row = await until('SENT', async () =>
      (await app.emFor(owner.merchantId).find(MailMessage, { status: MailStatus.SENT, kind: 'applicationApproved' })).at(0),
    );
    expect(row).toMatchObject({ attempts: 1, to: email });
    expect(row!.sentAt).toBeInstanceOf(Date);
  });

  it('retries with backoff while the SMTP server is down, then delivers once it is back', async () => {
    const { owner, email, applicationId } = await applicant(app);
    await smtp.stop();
    // The review answers at once: the message is only queued.
    const answered = await review(app, owner.token, applicationId, 'APPROVE');
    expect(answered.errors).toBeUndefined();
    const em = () => app.emFor(owner.merchantId);
    const retried = await until('two failed attempts', async () => {
      const [m] = await em().fork().find(MailMessage, { kind: 'applicationApproved' });
      return m && m.attempts >= 2 ? m : undefined;
    });
    expect(retried.status).toBe(MailStatus.QUEUED);
    expect(retried.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(approvals(smtp, email)).toHaveLength(0);

    await smtp.start();
    await until('delivery after the restart', () => approvals(smtp, email)[0]);
    const sent = await until('SENT', async () => (await em().fork().find(MailMessage, { status: MailStatus.SENT, kind: 'applicationApproved' })).at(0));
    expect(sent!.attempts).toBeGreaterThanOrEqual(3);
    expect(sent!.lastError).toBeNull();
    expect(approvals(smtp, email)).toHaveLength(1);
  });

  it('marks a message the SMTP server refuses for good as FAILED, with its answer, and tries it no more', async () => {
    const owner = await app.newMerchant();
    await app.services.mail.enqueue(
      app.orm.em.fork(),
      {
        merchantId: owner.merchantId,
        to: `gone-${uniq('x')}@example.test`,
        template: 'applicationRejected',
        data: { name: 'G', campaignName: 'C', reason: null },
      },
      new Date(),
    );
    const failed = await until('FAILED', async () => (await app.emFor(owner.merchantId).fork().find(MailMessage, { status: MailStatus.FAILED })).at(0));
    expect(failed!.lastError).toMatch(/^550/);
    await new Promise((r) => setTimeout(r, 200));
    expect((await app.emFor(owner.merchantId).fork().findOneOrFail(MailMessage, { id: failed!.id })).attempts).toBe(1);
  });

  it('sends each message once with two server processes on one database', async () => {
    const second = await startTestApp({ ...env(), DATABASE_URL: app.config.databaseUrl! });
    try {
      const owner = await app.newMerchant();
      const batch = Array.from({ length: 40 }, (_, i): MailInput => ({
        merchantId: owner.merchantId,
        to: `twice-${i}-${uniq('t')}@example.test`,
        template: 'applicationRejected',
        data: { name: `N${i}`, campaignName: 'C', reason: null },
      }));
      await app.services.mail.enqueue(app.orm.em.fork(), batch, new Date());
      await until('all 40 SENT', async () => (await app.emFor(owner.merchantId).fork().count(MailMessage, { status: MailStatus.SENT })) === 40);
      await new Promise((r) => setTimeout(r, 200));
      for (const m of batch) expect(smtp.received.filter((r) => r.to.includes(m.to))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
