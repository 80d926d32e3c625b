import { useQuery } from '@apollo/client/react';
import { CopyField, ErrorState, Spinner } from '@sorae/web-shared';
import { IntegrationsDocument } from '../api/integrations';

/** The script to paste on the store, and how the checkout passes the attribution on. */
export function SoraeJsSnippet() {
  const { data, loading, error, refetch } = useQuery(IntegrationsDocument);
  const scriptUrl = data?.currentUser?.merchant.scriptUrl;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the script address" />;
  if (loading && !scriptUrl) return <Spinner />;
  const snippet = `<script src="${scriptUrl ?? ''}" async></script>`;
  const checkout = `// At checkout, send these with the order (order.created's "clickId" and "visitorId"):
const { clickId, visitorId } = window.Sorae ? Sorae.getAttribution() : { clickId: null, visitorId: null };`;
  return (
    <div className="stack" data-testid="sorae-js">
      <p>
        Paste this on every page of your store, in the <code>&lt;head&gt;</code>. When a shopper lands from a share link, it keeps the link's{' '}
        <code>sorae_click</code> and <code>sorae_vid</code> in first-party cookies for the attribution window (<code>data-window-days</code>, default 30).
      </p>
      <CopyField value={snippet} label="sorae.js snippet" testId="sorae-js-snippet" />
      <p>
        Your checkout reads them with <code>Sorae.getAttribution()</code>, which returns <code>{'{ clickId, visitorId }'}</code> (each null when the shopper did
        not come through a link), and your backend sends both with the order.
      </p>
      <CopyField value={checkout} label="Checkout example" testId="sorae-js-checkout" multiline />
    </div>
  );
}
