import { describe, expect, it } from 'vitest';
import { csvCell, csvChunks, csvLine } from './csv.js';

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks, and doubles quotes', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere'])).toBe('plain,"a,b","say ""hi""","two\nlines","cr\rhere"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    expect(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(['"\'=HYPERLINK(""x"")"', "'+1", "'-2", "'@SUM(A1)", "'\tx"]);
    expect(csvCell(-250)).toBe('-250');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes nothing for null, ISO 8601 for dates', () => {
    expect(csvLine([null, undefined, new Date('2026-12-07T01:02:03Z')])).toBe(',,2026-12-07T01:02:03.000Z\r\n');
  });

  it('starts the file with a BOM and the header, one chunk per batch', async () => {
    async function* batches() {
      yield [['a', 1]];
      yield [
        ['b', 2],
        ['c', 3],
      ];
    }
    const chunks: string[] = [];
    for await (const c of csvChunks(['name', 'n'], batches())) chunks.push(c);
    expect(chunks).toEqual(['\uFEFFname,n\r\n', 'a,1\r\n', 'b,2\r\nc,3\r\n']);
  });
});
