/**
 * Every message the server sends. A message is one entry here (its subject and body, written
 * once) and one `mail.enqueue(em, { template, … })` where it happens; the layout renders both
 * the HTML and the plain-text part from the same blocks, with the merchant's name, and adds the
 * unsubscribe link to messages that are not transactional.
 */

/** A paragraph, a link (a button in HTML, `label: url` in text) or a quoted passage. */
export type Block = string | { link: string; label: string } | { quote: string };

interface Template<D> {
  /** Transactional messages (about something the recipient did or is owed) carry no unsubscribe. */
  transactional: boolean;
  subject(data: D): string;
  body(data: D): Block[];
}

const template = <D>(t: Template<D>) => t;

export const templates = {
  applicationReceived: template<{ name: string; campaignName: string; confirmUrl: string }>({
    transactional: true,
    subject: (d) => `Confirm your application to ${d.campaignName}`,
    body: (d) => [
      `Hello ${d.name},`,
      `We received your application to ${d.campaignName}. Confirm your email address to send it for review:`,
      { link: d.confirmUrl, label: 'Confirm my application' },
      'The link works once, for 24 hours. If you did not apply, ignore this email: nothing is sent for review.',
    ],
  }),
  applicationApproved: template<{ name: string; campaignName: string; shareUrl: string }>({
    transactional: true,
    subject: (d) => `You're in: ${d.campaignName}`,
    body: (d) => [
      `Hello ${d.name},`,
      `Your application to ${d.campaignName} was approved. Share this link: purchases made through it earn you commission.`,
      { link: d.shareUrl, label: d.shareUrl },
    ],
  }),
  applicationRejected: template<{ name: string; campaignName: string; reason: string | null }>({
    transactional: true,
    subject: (d) => `Your application to ${d.campaignName}`,
    body: (d) => [`Hello ${d.name},`, `Your application to ${d.campaignName} was not accepted.`, ...(d.reason ? [{ quote: d.reason }] : [])],
  }),
  payoutPosted: template<{ name: string; amount: string; portalUrl: string }>({
    transactional: false,
    subject: (d) => `Payout sent: ${d.amount}`,
    body: (d) => [
      `Hello ${d.name},`,
      `We sent you a payout of ${d.amount}. It reaches your bank on your payout account's schedule.`,
      { link: d.portalUrl, label: 'See your payouts' },
    ],
  }),
  payoutAccountNeedsAttention: template<{ name: string; portalUrl: string }>({
    transactional: true,
    subject: () => 'Your payout account needs attention',
    body: (d) => [
      `Hello ${d.name},`,
      'Stripe has paused payouts to your account: it needs more information from you. Payouts resume once it is complete.',
      { link: d.portalUrl, label: 'Update your payout account' },
    ],
  }),
  payoutFailed: template<{ name: string; amount: string; reason: string; portalUrl: string }>({
    transactional: true,
    subject: (d) => `Your payout of ${d.amount} needs attention`,
    body: (d) => [
      `Hello ${d.name},`,
      `Your payout of ${d.amount} could not be sent:`,
      { quote: d.reason },
      'Check your payout account in the portal; the payout is retried once it is fixed.',
      { link: d.portalUrl, label: 'Open the portal' },
    ],
  }),
  passwordReset: template<{ name: string; resetUrl: string }>({
    transactional: true,
    subject: () => 'Reset your password',
    body: (d) => [
      `Hello ${d.name},`,
      'Someone asked to reset the password of your account. Choose a new one here:',
      { link: d.resetUrl, label: 'Choose a new password' },
      'The link works once, for an hour, and signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.',
    ],
  }),
  operatorInvitation: template<{ inviterName: string; role: string; acceptUrl: string; expiresAt: string }>({
    transactional: true,
    subject: () => 'You are invited to run an affiliate program',
    body: (d) => [
      `${d.inviterName} invited you to the admin app as ${d.role.toLowerCase()}. Choose your name and password to join:`,
      { link: d.acceptUrl, label: 'Accept the invitation' },
      `The link works once, until ${d.expiresAt}. If you did not expect it, ignore this email.`,
    ],
  }),
  webhookEndpointDisabled: template<{ url: string; since: string; settingsUrl: string }>({
    transactional: true,
    subject: () => 'A webhook endpoint was disabled',
    body: (d) => [
      `Every delivery to ${d.url} has failed since ${d.since}, so it was disabled and nothing more is sent to it.`,
      'Once it answers again, redeliver a failed delivery from its log: that turns it back on.',
      { link: d.settingsUrl, label: 'Open the webhook settings' },
    ],
  }),
};

export type TemplateName = keyof typeof templates;
export type TemplateData<K extends TemplateName> = Parameters<(typeof templates)[K]['subject']>[0];

/** An amount in minor units as people read it: `formatMoney(12345, 'USD')` is "$123.45". */
export function formatMoney(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface Rendered {
  subject: string;
  html: string;
  text: string;
  transactional: boolean;
}

/** The message in its layout: the merchant's name on top, the unsubscribe link at the foot. */
export function render<K extends TemplateName>(name: K, data: TemplateData<K>, merchantName: string, unsubscribeUrl: string | null): Rendered {
  const t = templates[name] as Template<TemplateData<K>>;
  const subject = t.subject(data);
  const blocks = t.body(data);
  const foot = unsubscribeUrl ? `You get these emails from ${merchantName}'s affiliate program.` : `Sent by ${merchantName}'s affiliate program.`;
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head>',
    '<body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">',
    `<p style="font-weight:600;font-size:18px">${escapeHtml(merchantName)}</p>`,
    ...blocks.map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : 'link' in b
          ? `<p><a href="${escapeHtml(b.link)}" style="display:inline-block;padding:10px 16px;background:#2457d6;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(b.label)}</a></p>`
          : `<blockquote style="border-left:3px solid #cbd2d9;margin:0;padding-left:12px">${escapeHtml(b.quote)}</blockquote>`,
    ),
    `<p style="color:#7b8794;font-size:12px">${escapeHtml(foot)}`,
    unsubscribeUrl ? ` <a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a>` : '',
    '</p></body></html>',
  ].join('');
  const text = [
    merchantName,
    '',
    ...blocks.flatMap((b) => [typeof b === 'string' ? b : 'link' in b ? (b.label === b.link ? b.link : `${b.label}: ${b.link}`) : `> ${b.quote}`, '']),
    '--',
    foot,
    ...(unsubscribeUrl ? [`Unsubscribe: ${unsubscribeUrl}`] : []),
  ].join('\n');
  return { subject, html, text, transactional: t.transactional };
}
