import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { describeError, FormError } from '@sorae/web-shared';
import { StartStripeOnboardingDocument } from '../api/get-paid';

/** Asks for a fresh onboarding link and leaves for Stripe; Stripe sends the affiliate back here. */
export function ConnectStripeButton({ label }: { label: string }) {
  const [start, { loading }] = useMutation(StartStripeOnboardingDocument);
  const [leaving, setLeaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const go = async () => {
    setProblem(null);
    try {
      const { data } = await start();
      if (!data) return;
      setLeaving(true);
      window.location.assign(data.startStripeOnboarding.url);
    } catch (err) {
      setProblem(describeError(err).message);
    }
  };
  const busy = loading || leaving;
  return (
    <div className="stack stack--tight">
      <div>
        <button type="button" className="btn btn--primary" onClick={() => void go()} disabled={busy} data-testid="connect-stripe">
          {busy ? 'Opening Stripe…' : label}
        </button>
      </div>
      <FormError message={problem} />
    </div>
  );
}
