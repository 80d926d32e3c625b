import type { EntityManager } from '@mikro-orm/postgresql';
import { type Merchant, type MerchantCaller, Operator } from '../modules/auth/index.js';
import { ReviewDecision } from '../modules/applications/index.js';
import { TENANT } from '../modules/tenancy.js';
import { seedPayouts } from './demo-payouts.js';
import { seedSubscriptions } from './demo-subscriptions.js';
import { seedTraffic } from './demo-traffic.js';
import type { Services } from '../services.js';

/** Every seeded affiliate signs in to the portal with this password. */
export const DEMO_AFFILIATE = { email: 'maya.chen@creators.example', password: 'sorae-demo-2026' };

const PEOPLE = [
  'Maya Chen',
  'Liam Okafor',
  'Sofia Rossi',
  'Noah Schmidt',
  'Aiko Tanaka',
  'Lucas Martin',
  'Emma Johansson',
  'Mateo García',
  'Olivia Brown',
  'Arjun Patel',
  'Chloé Dubois',
  'Ethan Kim',
  'Zara Ahmed',
  'Leo Novak',
  'Isla MacLeod',
  'Omar Haddad',
  'Hana Suzuki',
  'Jonas Weber',
  'Priya Nair',
  'Diego Alvarez',
  'Nora Lindqvist',
  'Kofi Mensah',
  'Elena Popescu',
  'Sam Taylor',
  'Yuki Mori',
  'Ana Silva',
  'Felix Braun',
  'Grace Lee',
  'Tomás Ruiz',
  'Ivy Nguyen',
];
const CATEGORIES = ['Fashion', 'Beauty', 'Fitness', 'Tech', 'Food', 'Travel', 'Other'];

/** A living system for a first look: `npm start` on an empty embedded database runs this. */
export async function seedDemo(em: EntityManager, services: Services, merchant: Merchant, now: Date): Promise<void> {
  em.setFilterParams(TENANT, { merchantId: merchant.id });
  const campaign = await services.campaigns.create(em, merchant.id, {
    name: 'Creator Program',
    slug: 'creators',
    description: 'Creators who love our gear earn 10% of every order their audience places, paid monthly through Stripe.',
    destinationUrl: 'https://shop.example.com/?ref=sorae',
    currency: 'USD',
    commission: { type: 'PERCENTAGE', rateBps: 1000 },
    attributionWindowDays: 30,
    holdDays: 30,
    minPayoutMinor: 2000,
    payoutDayOfMonth: 1,
    intakeFields: [
      { key: 'social_profile', label: 'Social profile', type: 'URL', required: true, helpText: 'Where your audience follows you' },
      { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, min: 0, max: 1_000_000_000 },
      { key: 'content_category', label: 'Content category', type: 'SELECT', required: true, options: CATEGORIES },
      { key: 'pitch', label: 'How would you promote us?', type: 'TEXTAREA', required: false, max: 1000 },
    ],
  });

  const ids: string[] = [];
  const partners: { email: string; name: string; password: string }[] = [];
  for (const [i, name] of PEOPLE.entries()) {
    const handle = name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z ]/g, '')
      .replace(' ', '.');
    const { application } = await services.applications.apply(em, {
      campaignSlug: campaign.slug,
      email: `${handle}@creators.example`,
      name,
      password: DEMO_AFFILIATE.password,
      answers: [
        { key: 'social_profile', value: `https://social.example/@${handle.replace('.', '')}` },
        { key: 'audience_size', value: String(((i * 7919) % 250) * 1000 + 800) },
        { key: 'content_category', value: CATEGORIES[i % CATEGORIES.length]! },
        { key: 'pitch', value: i % 3 === 0 ? 'Weekly reviews and a discount code in every video.' : '' },
      ],
    });
    ids.push(application.id);
    if (i < 2) partners.push({ email: `${handle}@creators.example`, name, password: DEMO_AFFILIATE.password });
  }
  const owner = await em.findOneOrFail(Operator, { merchant: merchant.id });
  const caller: MerchantCaller = { kind: 'operator', merchantId: merchant.id, operatorId: owner.id, role: owner.role, sessionId: 'seed' };
  await services.applications.review(em, caller, { ids: ids.slice(0, 12), decision: ReviewDecision.APPROVE }, now);
  await services.applications.review(
    em,
    caller,
    { ids: ids.slice(12, 20), decision: ReviewDecision.REJECT, reason: 'Audience outside our markets for now' },
    now,
  );
  await seedTraffic(em, services, merchant.id, campaign, now);
  await seedPayouts(em, services, merchant.id, campaign, now);
  await seedSubscriptions(em, services, caller, partners, now);
}
