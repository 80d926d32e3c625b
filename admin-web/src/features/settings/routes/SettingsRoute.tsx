import { PageHeader } from '@sorae/web-shared';
import { ApiKeys } from '../components/ApiKeys';

export function SettingsRoute() {
  return (
    <>
      <PageHeader title="Settings" description="Merchant-wide settings." />
      <section className="card" aria-labelledby="api-keys-heading">
        <h2 id="api-keys-heading">API keys</h2>
        <p className="muted">Integrations authenticate with <code>Authorization: Bearer &lt;key&gt;</code> to record orders and refunds and read commissions and payouts.</p>
        <ApiKeys />
      </section>
    </>
  );
}
