/**
 * When a campaign next pays, by the server's monthly schedule (payouts/payout-schedule.ts): on
 * its payout day (1–28, UTC) each month it builds the batch of the month before. `paidPeriods`
 * are the periods (`YYYY-MM`) whose batch already exists, so a payout day that has run today
 * points at next month.
 */
export interface NextPayout {
  /** The payout day, `YYYY-MM-DD`. */
  date: string;
  /** The month it pays for, `YYYY-MM`: commissions finalized before that month ended. */
  period: string;
}

const monthShift = (month: string, by: number) => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + by);
  return d.toISOString().slice(0, 7);
};

export function nextPayout(payoutDayOfMonth: number, today: string, paidPeriods: readonly string[] = []): NextPayout {
  const day = String(payoutDayOfMonth).padStart(2, '0');
  const month = today.slice(0, 7);
  const thisMonths = { date: `${month}-${day}`, period: monthShift(month, -1) };
  if (today <= thisMonths.date && !paidPeriods.includes(thisMonths.period)) return thisMonths;
  const next = monthShift(month, 1);
  return { date: `${next}-${day}`, period: month };
}
