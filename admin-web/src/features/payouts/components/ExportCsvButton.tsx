import { useApolloClient } from '@apollo/client/react';
import { useState } from 'react';
import { describeError, minorToInput } from '@sorae/web-shared';
import type { PayoutItemRowFragment, PayoutItemsQuery, PayoutItemsQueryVariables } from '../../../gql/graphql';
import { PayoutItemsDocument } from '../api/payouts';
import { downloadText, numeric, toCsv } from '../lib/csv';

type PayoutItemsConnection = NonNullable<PayoutItemsQuery['payoutBatch']>['items'];

const PAGE = 500; // the API's largest page

const HEADER = [
  'item_id',
  'affiliate_id',
  'affiliate_name',
  'affiliate_email',
  'currency',
  'gross',
  'clawback',
  'net',
  'net_minor',
  'status',
  'attempts',
  'stripe_transfer_id',
  'transfer_reversed',
  'failure_code',
  'failure_message',
  'posted_at',
  'commission_count',
];

function row(i: PayoutItemRowFragment) {
  return [
    i.id,
    i.affiliate.id,
    i.affiliate.name,
    i.affiliate.email,
    i.currency,
    numeric(minorToInput(i.grossMinor, i.currency)),
    numeric(minorToInput(i.clawbackMinor, i.currency)),
    numeric(minorToInput(i.amountMinor, i.currency)),
    i.amountMinor,
    i.status,
    i.attempts,
    i.stripeTransferId,
    i.transferReversed,
    i.failureCode,
    i.failureMessage,
    i.postedAt,
    i.commissions.length,
  ];
}

/** Every item of the batch (all pages, fetched fresh) as a CSV file, built in the browser. */
export function ExportCsvButton({ batchId, fileName }: { batchId: string; fileName: string }) {
  const client = useApolloClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const items: PayoutItemRowFragment[] = [];
      let after: string | null = null;
      for (;;) {
        const variables: PayoutItemsQueryVariables = { batchId, first: PAGE, after };
        const result = await client.query({ query: PayoutItemsDocument, variables, fetchPolicy: 'network-only' });
        const connection: PayoutItemsConnection | undefined = result.data?.payoutBatch?.items;
        if (!connection) throw new Error('The batch could not be read');
        items.push(...connection.edges.map((e) => e.node));
        if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
        after = connection.pageInfo.endCursor;
      }
      downloadText(fileName, toCsv(HEADER, items.map(row)));
    } catch (err) {
      setProblem(describeError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="btn btn--secondary" onClick={() => void run()} disabled={busy} data-testid="export-csv">
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {problem ? (
        <span className="field__error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
