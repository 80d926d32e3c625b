import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { keysetBatches, paginateQuery, type PageRequest } from '../../db/pagination.js';
import { containsPattern } from '../../db/search.js';
import { parseInput } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import { EnrollmentStatus } from './enrollment.entity.js';

export interface AffiliateFilter {
  /** Part of the name or the email, any case. */
  search?: string | null;
  /** Enrolled in this campaign (with `status`: that enrollment's status). */
  campaignId?: string | null;
  /** An enrollment in this status (in `campaignId` when given). */
  status?: EnrollmentStatus | null;
}

export const affiliateFilterSchema = z.object({
  search: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
  campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
  status: z.enum(EnrollmentStatus).nullish(),
});

/**
 * One WHERE clause (affiliate alias `a`) for the list and its export. An affiliate is someone
 * with an enrollment: applicants still waiting, or turned down, belong to the applications
 * queue. The search uses the trigram indexes on email and name.
 */
function filterSql(merchantId: string, f: z.output<typeof affiliateFilterSchema>): [string, unknown[]] {
  const enrolled = ['e.merchant_id = a.merchant_id', 'e.affiliate_id = a.id'];
  const params: unknown[] = [merchantId];
  if (f.campaignId) enrolled.push('e.campaign_id = ?') && params.push(f.campaignId);
  if (f.status) enrolled.push('e.status = ?') && params.push(f.status);
  let where = `a.merchant_id = ? and exists (select 1 from enrollment e where ${enrolled.join(' and ')})`;
  if (f.search) {
    where += ' and (a.email ilike ? or a.name ilike ?)';
    params.push(containsPattern(f.search), containsPattern(f.search));
  }
  return [where, params];
}

export interface AffiliateExportRow {
  id: string;
  name: string;
  email: string;
  created_at: Date;
  campaigns: string;
}

/** The operators' affiliate list: enrolled affiliates, searched and filtered, newest first. */
export class AffiliateDirectory {
  list(em: EntityManager, merchantId: string, filter: AffiliateFilter | null | undefined, page: PageRequest) {
    const [where, params] = filterSql(merchantId, parseInput(affiliateFilterSchema, filter ?? {}));
    return paginateQuery(() => em.createQueryBuilder(Affiliate, 'a').where(where, params), page);
  }

  /** Checks a filter before anything is sent (a bad one is a 400, not a broken download). */
  parseFilter(filter: AffiliateFilter | Record<string, string>) {
    return parseInput(affiliateFilterSchema, filter);
  }

  /** The same list for an export, batch by batch, each affiliate with its campaigns and their status. */
  exportBatches(em: EntityManager, merchantId: string, filter: z.output<typeof affiliateFilterSchema>) {
    const [where, params] = filterSql(merchantId, filter);
    return keysetBatches((after, limit) =>
      em.execute<AffiliateExportRow[]>(
        `select a.id, a.name, a.email, a.created_at,
                (select string_agg(c.name || ' (' || e.status || ')', '; ' order by e.id)
                   from enrollment e join campaign c on c.id = e.campaign_id
                  where e.merchant_id = a.merchant_id and e.affiliate_id = a.id) as campaigns
           from affiliate a
          where ${where}${after ? ' and a.id < ?' : ''}
          order by a.id desc limit ?`,
        [...params, ...(after ? [after] : []), limit],
      ),
    );
  }
}
