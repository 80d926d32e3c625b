/**
 * Downloads the list the page shows, under the same filters, as CSV: the server streams it
 * (`GET /exports/<list>.csv`), so any size works; the session cookie authenticates the download.
 */
export function ExportCsvLink({ list, filter }: { list: 'commissions' | 'affiliates' | 'applications'; filter: Record<string, string | null | undefined> }) {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => !!e[1])).toString();
  return (
    <a className="btn btn--secondary" href={`/exports/${list}.csv${query ? `?${query}` : ''}`} download data-testid={`export-${list}`}>
      Export CSV
    </a>
  );
}
