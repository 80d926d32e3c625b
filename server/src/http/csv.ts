/**
 * CSV as spreadsheets read it (RFC 4180): a cell with a comma, a quote or a line break is quoted
 * and its quotes doubled. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * would run as a formula in Excel or Sheets (an affiliate chooses their own name), so it gets
 * a leading `'`, which spreadsheets show as text. Numbers are written as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The whole file, chunk by chunk: a BOM (so Excel reads UTF-8), the header, then one chunk per batch. */
export async function* csvChunks(header: readonly string[], batches: AsyncIterable<readonly (readonly unknown[])[]>): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(header)}`;
  for await (const rows of batches) yield rows.map(csvLine).join('');
}
