import type { EntityManager } from '@mikro-orm/postgresql';
import type { Merchant } from '../modules/auth/merchant.entity.js';
import { TENANT } from '../modules/tenancy.js';
import type { Services } from '../services.js';

/** A living system for a first look: `npm start` on an empty embedded database runs this. */
export async function seedDemo(em: EntityManager, services: Services, merchant: Merchant, _now: Date): Promise<void> {
  em.setFilterParams(TENANT, { merchantId: merchant.id });
  await services.campaigns.create(em, merchant.id, {
    name: 'Creator Program',
    slug: 'creators',
    destinationUrl: 'https://shop.example.com/?ref=sorae',
    currency: 'USD',
    commission: { type: 'PERCENTAGE', rateBps: 1000 },
    attributionWindowDays: 30,
    holdDays: 30,
    minPayoutMinor: 5000,
    payoutDayOfMonth: 1,
    intakeFields: [
      { key: 'social_profile', label: 'Social profile', type: 'URL', required: true, helpText: 'Where your audience follows you' },
      { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true, min: 0, max: 1_000_000_000 },
      {
        key: 'content_category', label: 'Content category', type: 'SELECT', required: true,
        options: ['Fashion', 'Beauty', 'Fitness', 'Tech', 'Food', 'Travel', 'Other'],
      },
      { key: 'pitch', label: 'How would you promote us?', type: 'TEXTAREA', required: false, max: 1000 },
    ],
  });
}
