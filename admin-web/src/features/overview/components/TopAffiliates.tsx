import { Link } from 'react-router';
import { formatMoney, formatNumber } from '@sorae/web-shared';

export interface TopAffiliate {
  affiliate: { id: string; name: string; email: string };
  clicks: number;
  conversions: number;
  revenueMinor?: number | null;
  commissionMinor?: number | null;
}

/** The period's best affiliates (the server orders them), each linking to their page. */
export function TopAffiliates({ rows, currency, money }: { rows: readonly TopAffiliate[]; currency: string; money: boolean }) {
  return (
    <section className="card stack stack--tight" aria-labelledby="top-affiliates-heading" data-testid="top-affiliates">
      <h2 id="top-affiliates-heading">Top affiliates</h2>
      {rows.length === 0 ? (
        <p className="muted">No affiliate traffic in this period.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Affiliate</th>
              <th scope="col" className="num">
                Clicks
              </th>
              <th scope="col" className="num">
                Conversions
              </th>
              {money ? (
                <th scope="col" className="num">
                  Commission
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.affiliate.id} data-testid="top-affiliates-row">
                <td data-label="Affiliate">
                  <Link to={`/affiliates/${r.affiliate.id}`}>{r.affiliate.name}</Link>
                </td>
                <td className="num" data-label="Clicks" data-testid="top-affiliate-clicks">
                  {formatNumber(r.clicks)}
                </td>
                <td className="num" data-label="Conversions" data-testid="top-affiliate-conversions">
                  {formatNumber(r.conversions)}
                </td>
                {money ? (
                  <td className="num" data-label="Commission" data-testid="top-affiliate-commission">
                    {formatMoney(r.commissionMinor ?? 0, currency)}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
