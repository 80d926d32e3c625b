import { Link } from 'react-router';
import { PageHeader } from '@sorae/web-shared';
import { ReferralConversionsTable } from '../components/ReferralConversionsTable';

/** Customer-refers-customer orders: attributed to a referral code, never to an affiliate. */
export function ReferralsRoute() {
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/commissions">Commissions</Link> <span aria-hidden="true">/</span> Referrals
      </nav>
      <PageHeader
        title="Referrals"
        description="Orders whose last touch was a customer's referral code (a customer referring another customer), the most recently recorded first."
      />
      <div className="stack">
        <div className="banner banner--info" data-testid="referrals-explanation">
          <p>
            Referral orders never create affiliate commissions: they are not counted in any affiliate's totals or payouts. When the winning (last) touch before
            an order is a referral code, the order is recorded here as a referral conversion, for your store's own customer-referral rewards.
          </p>
        </div>
        <ReferralConversionsTable />
      </div>
    </>
  );
}
