import type { CsvExport } from '../../http/exports.js';
import { affiliatesPolicy } from '../affiliates/index.js';
import type { AffiliateDirectory } from './affiliate-directory.js';
import type { ApplicationsService } from './applications.service.js';
import { applicationsPolicy } from './policy.js';

/** `GET /exports/applications.csv?campaignId=&status=&search=`: applicants' personal data, so operators signed in only. */
export function applicationsCsv(service: ApplicationsService): CsvExport<ReturnType<ApplicationsService['parseFilter']>> {
  return {
    name: 'applications',
    access: applicationsPolicy.read,
    params: ['campaignId', 'status', 'search'],
    filter: (values) => service.parseFilter(values),
    header: ['application_id', 'submitted_at', 'status', 'campaign_id', 'campaign_name', 'name', 'email', 'reviewed_at', 'rejection_reason', 'answers'],
    async *rows(em, merchantId, filter) {
      for await (const rows of service.exportBatches(em, merchantId, filter)) {
        yield rows.map((a) => [
          a.id,
          a.submitted_at,
          a.status,
          a.campaign_id,
          a.campaign_name,
          a.name,
          a.email,
          a.reviewed_at,
          a.rejection_reason,
          // One cell whatever the campaign's questions: { key: answer }.
          JSON.stringify(Object.fromEntries(a.answers.map((x) => [x.key, x.value]))),
        ]);
      }
    },
  };
}

/** `GET /exports/affiliates.csv?search=&campaignId=&status=`: the affiliates list (no money: a REVIEWER may have it). */
export function affiliatesCsv(directory: AffiliateDirectory): CsvExport<ReturnType<AffiliateDirectory['parseFilter']>> {
  return {
    name: 'affiliates',
    access: affiliatesPolicy.list,
    params: ['search', 'campaignId', 'status'],
    filter: (values) => directory.parseFilter(values),
    header: ['affiliate_id', 'name', 'email', 'joined_at', 'campaigns'],
    async *rows(em, merchantId, filter) {
      for await (const rows of directory.exportBatches(em, merchantId, filter)) yield rows.map((a) => [a.id, a.name, a.email, a.created_at, a.campaigns]);
    },
  };
}
