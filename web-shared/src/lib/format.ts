/**
 * The one place money, percentages and dates are turned into text (and money typed by a person
 * is turned back into minor units). Amounts are integers in the currency's minor unit.
 */

const LOCALE: string | undefined = undefined; // the browser's locale

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  return f;
}

/** How many digits the currency's minor unit has: 2 for USD/EUR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  try {
    return moneyFormat(currency.toUpperCase()).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // unknown code while typing: the server validates it
  }
}

export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    return moneyFormat(code).format(amountMinor / 10 ** currencyDigits(code));
  } catch {
    return `${amountMinor} ${code} (minor units)`;
  }
}

/** Minor units as the plain decimal text an input shows: 1250 USD → "12.50". */
export function minorToInput(amountMinor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

/**
 * Parses money typed in major units ("12", "12.5", "1,234.50") into minor units, exactly
 * (no floating point). Returns null when the text is not an amount in that currency.
 */
export function inputToMinor(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(/[,\s]/g, '');
  const digits = currencyDigits(currency);
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  if (frac.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return sign ? -minor : minor;
}

const numberFormat = new Intl.NumberFormat(LOCALE);

/** A count or a number someone typed, grouped for reading: 250000 → "250,000". */
export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 2 });

/** Basis points as a percentage: 1250 → "12.5%". */
export function formatBps(bps: number): string {
  return percentFormat.format(bps / 10_000);
}

/** Basis points as the text a percent input shows: 1250 → "12.5". */
export function bpsToInput(bps: number): string {
  return String(bps / 100);
}

/** A typed percentage ("12.5") as basis points (1250); null unless it has at most 2 decimals. */
export function inputToBps(text: string): number | null {
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!m) return null;
  const [, whole = '0', frac = ''] = m;
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateFormat.format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTimeFormat.format(d);
}
