/**
 * CSV text per RFC 4180: fields joined by commas, rows by CRLF; a field holding a comma, a
 * quote, a CR or an LF is quoted, with its quotes doubled. Text that a spreadsheet would run
 * as a formula (starting with = + - @, tab or CR) is prefixed with a single quote, as OWASP
 * advises; numbers are written as they are, so negative amounts stay numbers.
 */
export type CsvValue = string | number | boolean | null | undefined | { numeric: string };

/** A decimal written as text ("-12.50"): kept as it is, never prefixed. */
export const numeric = (text: string): CsvValue => ({ numeric: text });

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if (!/^-?\d+(\.\d+)?$/.test(value.numeric)) throw new Error(`not a decimal: ${value.numeric}`);
    return value.numeric;
  }
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file through a Blob URL (a UTF-8 BOM so spreadsheets read the accents). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Let the download start before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
