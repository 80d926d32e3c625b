import { PageHeader } from '@sorae/web-shared';
import { useSession } from '../../../lib/session';
import { ApiKeys } from '../components/ApiKeys';
import { ChangePassword } from '../components/ChangePassword';
import { Link } from 'react-router';
import { OrderWebhook } from '../components/OrderWebhook';
import { OrderWebhookLog } from '../components/OrderWebhookLog';
import { SoraeJsSnippet } from '../components/SoraeJsSnippet';
import { StripeSales } from '../components/StripeSales';
import { Team } from '../components/Team';

export function SettingsRoute() {
  const { role } = useSession();
  return (
    <>
      <PageHeader title="Settings" description="Merchant-wide settings, the team and your own account." />
      {role === 'OWNER' ? (
        <section className="card stack" aria-labelledby="team-heading" data-testid="team">
          <h2 id="team-heading">Team</h2>
          <p className="muted">
            Reviewers review applications and never see money; finance sees commissions and payouts. Owners can do everything, and a merchant always keeps one.
          </p>
          <Team />
        </section>
      ) : null}
      <div className="stack" aria-labelledby="integrations-heading" role="region" data-testid="integrations">
        <h2 id="integrations-heading">Integrations</h2>
        <section className="card" aria-labelledby="webhook-heading">
          <h3 id="webhook-heading">Order webhook</h3>
          <OrderWebhook />
        </section>
        <section className="card" aria-labelledby="stripe-sales-heading">
          <h3 id="stripe-sales-heading">Stripe</h3>
          <StripeSales />
        </section>
        {/* Owners only, as the API decides (the order-webhook log and outgoing endpoints are managed access). */}
        {role === 'OWNER' ? (
          <>
            <section className="card" aria-labelledby="webhook-log-heading">
              <h3 id="webhook-log-heading">Order webhooks received</h3>
              <OrderWebhookLog />
            </section>
            <section className="card" aria-labelledby="outgoing-webhooks-heading">
              <h3 id="outgoing-webhooks-heading">Outgoing webhooks</h3>
              <p className="muted">Send application, commission and payout events to your own systems as they happen.</p>
              <p>
                <Link to="/settings/webhooks" data-testid="open-webhooks">
                  Manage webhook endpoints
                </Link>
              </p>
            </section>
          </>
        ) : null}
        <section className="card" aria-labelledby="sorae-js-heading">
          <h3 id="sorae-js-heading">Tracking script (sorae.js)</h3>
          <SoraeJsSnippet />
        </section>
        <section className="card" aria-labelledby="api-keys-heading">
          <h3 id="api-keys-heading">API keys</h3>
          <p className="muted">
            Integrations authenticate with <code>Authorization: Bearer &lt;key&gt;</code> to record orders and refunds (<code>recordOrder</code>,{' '}
            <code>recordRefund</code>) and read commissions and payouts.
          </p>
          <ApiKeys />
        </section>
      </div>
      <section className="card stack" aria-labelledby="password-heading" data-testid="your-account">
        <h2 id="password-heading">Your password</h2>
        <ChangePassword />
      </section>
    </>
  );
}
