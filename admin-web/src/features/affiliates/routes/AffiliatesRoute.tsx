import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { PageHeader, SelectField, TextField, useDebouncedValue } from '@sorae/web-shared';
import type { EnrollmentStatus } from '../../../gql/graphql';
import { ExportCsvLink } from '../../../lib/ExportCsvLink';
import { useUrlParams } from '../../../lib/useUrlParams';
import { AffiliateFilterChoicesDocument } from '../api/affiliates';
import { AffiliatesTable } from '../components/AffiliatesTable';

const STATUSES: { value: EnrollmentStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'SUSPENDED', label: 'Suspended' },
];

/** Filters live in the URL (`?q=&campaign=&status=`), so a search can be shared or bookmarked. */
export function AffiliatesRoute() {
  const [params, setParam] = useUrlParams();
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = useDebouncedValue(searchText.trim(), 300);
  const campaignId = params.get('campaign') ?? '';
  const status = (params.get('status') ?? '') as EnrollmentStatus | '';
  const campaigns = useQuery(AffiliateFilterChoicesDocument).data?.campaigns.edges.map((e) => e.node) ?? [];
  const filter = { search: search || null, campaignId: campaignId || null, status: status || null };

  return (
    <>
      <PageHeader
        title="Affiliates"
        description="Everyone enrolled in your program, with their clicks, conversions, pending commission and payout readiness. Applicants waiting for review are under Applications."
        actions={<ExportCsvLink list="affiliates" filter={filter} />}
      />
      <div className="stack">
        <div className="filters" data-testid="affiliate-filters">
          <SelectField
            label="Campaign"
            value={campaignId}
            onValueChange={(v) => setParam('campaign', v)}
            options={[{ value: '', label: 'All campaigns' }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))]}
            data-testid="filter-campaign"
          />
          <TextField
            label="Search"
            type="search"
            placeholder="Part of a name or an email"
            value={searchText}
            onValueChange={(v) => {
              setSearchText(v);
              setParam('q', v.trim());
            }}
            data-testid="filter-search"
          />
          <SelectField label="Status" value={status} onValueChange={(v) => setParam('status', v)} options={STATUSES} data-testid="filter-status" />
        </div>
        {/* A new filter starts again at page one. */}
        <AffiliatesTable key={JSON.stringify(filter)} filter={filter} />
      </div>
    </>
  );
}
