import { useQuery } from '@apollo/client/react';
import { Badge, CopyField } from '@sorae/web-shared';
import { ProgramTermsDocument } from '../../../components/program-terms';
import { ProgramTerms } from '../../../components/ProgramTerms';
import type { DashboardQuery } from '../../../gql/graphql';

type Enrollment = DashboardQuery['me']['enrollments'][number];

/** One share link per program the affiliate is in, and its promotion code where the program has a coupon, each with a Copy button. */
export function ShareLinks({ enrollments }: { enrollments: readonly Enrollment[] }) {
  if (enrollments.length === 0) {
    return <p className="muted">Your share links appear here once a program approves you.</p>;
  }
  return (
    <ul className="share-links" data-testid="share-links">
      {enrollments.map((e) => (
        <li key={e.id} className="share-links__item" data-testid="share-links-item" data-campaign={e.campaign.name}>
          <div className="share-links__name">
            <span className="table__primary">{e.campaign.name}</span>
            {e.status === 'SUSPENDED' ? <Badge tone="danger">Suspended: the link no longer earns</Badge> : null}
          </div>
          <CopyField value={e.shareUrl} label={`Share link for ${e.campaign.name}`} testId="dashboard-share-link" valueTestId="dashboard-share-url" />
          {e.promotionCode ? (
            <div className="share-links__code">
              <span className="muted">Promotion code: shoppers who enter it at checkout are yours, even without your link</span>
              <CopyField
                value={e.promotionCode}
                label={`Promotion code for ${e.campaign.name}`}
                testId="dashboard-promotion-code"
                valueTestId="dashboard-promotion-code-value"
              />
            </div>
          ) : null}
          <details className="share-links__terms" data-testid="dashboard-terms">
            <summary>Program terms</summary>
            <EnrollmentTerms slug={e.campaign.slug} />
          </details>
        </li>
      ))}
    </ul>
  );
}

/** The terms of a program the affiliate is in, as its public page states them. */
function EnrollmentTerms({ slug }: { slug: string }) {
  const { data, error } = useQuery(ProgramTermsDocument, { variables: { slug } });
  if (error) return <p className="muted">The terms could not be loaded.</p>;
  const terms = data?.publicCampaign;
  if (!terms) return <p className="muted">Loading…</p>;
  return (
    <div className="stack stack--tight">
      {/* Programs of one merchant may be offered under different names ("Offered by" in the campaign form). */}
      <p className="terms-offered-by" data-testid="terms-offered-by">
        {terms.logoUrl ? <img className="terms-offered-by__logo" src={terms.logoUrl} alt="" referrerPolicy="no-referrer" /> : null}
        Offered by <strong>{terms.merchantName}</strong>
      </p>
      {terms.description ? <p>{terms.description}</p> : null}
      <ProgramTerms terms={terms} />
    </div>
  );
}
