import { Link } from 'react-router';
import { PageHeader, useDocumentTitle } from '@sorae/web-shared';
import { WebhookEndpoints } from '../components/WebhookEndpoints';

/** Settings → Webhooks: where the merchant's events are sent, and what each endpoint answered. */
export function WebhooksRoute() {
  useDocumentTitle('Webhooks');
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Events POSTed to your endpoints in the Standard Webhooks format, signed with each endpoint's secret and retried for a day and more."
      />
      <p>
        <Link to="/settings">← Settings</Link>
      </p>
      <section className="card">
        <WebhookEndpoints />
      </section>
    </>
  );
}
