import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetBatches } from '../../db/pagination.js';
import type { CsvExport } from '../../http/exports.js';
import { minorFromDb } from '../../money.js';
import { commissionsFilter, type CommissionsService, type ParsedCommissionFilter } from './commissions.service.js';
import { commissionsPolicy } from './policy.js';

interface Row {
  id: string;
  created_at: Date;
  status: string;
  affiliate_id: string;
  affiliate_name: string;
  affiliate_email: string;
  campaign_id: string;
  campaign_name: string;
  order_id: string;
  order_at: Date;
  currency: string;
  original_amount_minor: string;
  amount_minor: string;
  finalized_at: Date | null;
  paid_at: Date | null;
}

/** The commissions page's rows with their affiliate, campaign and order, a keyset batch at a time. */
function batches(service: CommissionsService, em: EntityManager, merchantId: string, filter: ParsedCommissionFilter) {
  return keysetBatches(async (after, limit) => {
    const qb = service
      .filtered(em, merchantId, filter)
      .join('c.affiliate', 'a')
      .join('c.campaign', 'k')
      .join('c.conversion', 'v')
      .select([
        'c.id',
        'c.created_at',
        'c.status',
        'c.affiliate_id',
        raw('a.name as affiliate_name'),
        raw('a.email as affiliate_email'),
        'c.campaign_id',
        raw('k.name as campaign_name'),
        raw('v.order_external_id as order_id'),
        raw('v.occurred_at as order_at'),
        'c.currency',
        'c.original_amount_minor',
        'c.amount_minor',
        'c.finalized_at',
        'c.paid_at',
      ])
      .orderBy({ id: 'desc' })
      .limit(limit);
    if (after) qb.andWhere({ id: { $lt: after } });
    return qb.execute<Row[]>('all', false);
  });
}

/** `GET /exports/commissions.csv?status=&campaignId=&affiliateId=`: money, so FINANCE and OWNER and reading keys. */
export function commissionsCsv(service: CommissionsService): CsvExport<ParsedCommissionFilter> {
  return {
    name: 'commissions',
    access: commissionsPolicy.read,
    params: ['status', 'campaignId', 'affiliateId'],
    filter: commissionsFilter,
    header: [
      'commission_id',
      'created_at',
      'status',
      'affiliate_id',
      'affiliate_name',
      'affiliate_email',
      'campaign_id',
      'campaign_name',
      'order_id',
      'order_at',
      'currency',
      'original_amount_minor',
      'amount_minor',
      'finalized_at',
      'paid_at',
    ],
    async *rows(em, merchantId, filter) {
      for await (const rows of batches(service, em, merchantId, filter)) {
        yield rows.map((r) => [
          r.id,
          r.created_at,
          r.status,
          r.affiliate_id,
          r.affiliate_name,
          r.affiliate_email,
          r.campaign_id,
          r.campaign_name,
          r.order_id,
          r.order_at,
          r.currency,
          minorFromDb(r.original_amount_minor),
          minorFromDb(r.amount_minor),
          r.finalized_at,
          r.paid_at,
        ]);
      }
    },
  };
}
