import { useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { Brand, EmptyState, ErrorState, Spinner, useDocumentTitle } from '@sorae/web-shared';
import { ProgramTerms } from '../../../components/ProgramTerms';
import { PublicCampaignDocument } from '../api/apply';
import { ApplicationForm, type SubmittedApplication } from '../components/ApplicationForm';
import { CheckEmail } from '../components/CheckEmail';

/** `/apply/:campaignSlug`: the public application page. No sign-in needed. */
export function ApplyRoute() {
  const { campaignSlug = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(PublicCampaignDocument, { variables: { slug: campaignSlug } });
  const [submitted, setSubmitted] = useState<SubmittedApplication | null>(null);
  const campaign = data?.publicCampaign;
  useDocumentTitle(campaign ? `Apply: ${campaign.name}` : 'Apply');

  if (loading && !data) {
    return (
      <PublicPage>
        <Spinner label="Loading the application form…" />
      </PublicPage>
    );
  }
  if (error && !data) {
    return (
      <PublicPage>
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the application form" />
      </PublicPage>
    );
  }
  if (!campaign) {
    return (
      <PublicPage>
        <EmptyState title="Campaign not found" testId="apply-not-found">
          There is no partner program at this address. Check the link you were given.
        </EmptyState>
      </PublicPage>
    );
  }
  if (submitted) {
    return (
      <PublicPage brand={campaign.merchantName} logoUrl={campaign.logoUrl}>
        <CheckEmail campaignName={campaign.name} application={submitted} />
      </PublicPage>
    );
  }
  return (
    <PublicPage brand={campaign.merchantName} logoUrl={campaign.logoUrl}>
      <header className="public-card__header">
        <p className="eyebrow">Partner program</p>
        <h1 data-testid="apply-campaign-name">{campaign.name}</h1>
      </header>
      {campaign.description ? (
        <p className="program-description" data-testid="apply-description">
          {campaign.description}
        </p>
      ) : null}
      <section aria-labelledby="terms-heading" className="stack stack--tight">
        <h2 id="terms-heading">What you earn</h2>
        <ProgramTerms terms={campaign} />
      </section>
      {campaign.acceptingApplications ? (
        <>
          <p className="muted">Tell us about yourself and your audience. Fields marked * are required.</p>
          <ApplicationForm campaignSlug={campaign.slug} fields={campaign.intakeFields} onSubmitted={setSubmitted} />
        </>
      ) : (
        <EmptyState title="This program is not accepting applications" testId="apply-closed">
          {campaign.status === 'PAUSED'
            ? 'Applications are paused for now. Please check back later.'
            : 'This program has ended and no longer takes applications.'}
        </EmptyState>
      )}
    </PublicPage>
  );
}

/** The page around the form, under the name (and logo) of whoever offers the program. */
export function PublicPage({ children, brand = 'Partner program', logoUrl }: { children: ReactNode; brand?: string; logoUrl?: string | null }) {
  return (
    <main className="public-page">
      <div className="public-card">
        <Brand name={brand} logoUrl={logoUrl} large />
        {children}
      </div>
    </main>
  );
}
