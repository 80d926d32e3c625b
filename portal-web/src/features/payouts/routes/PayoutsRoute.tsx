import { PageHeader } from '@sorae/web-shared';
import { MyPayoutsTable } from '../components/MyPayoutsTable';

/** Every payout sent (or being sent) to the affiliate, with the commissions each one paid. */
export function PayoutsRoute() {
  return (
    <>
      <PageHeader
        title="Payouts"
        description="Every transfer to your Stripe account: the month it pays for, the amount, its status and the commissions it covered."
      />
      <MyPayoutsTable />
    </>
  );
}
