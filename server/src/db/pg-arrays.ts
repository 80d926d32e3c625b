/**
 * PostgreSQL array literals for binding a whole column as one parameter (`?::uuid[]` and the
 * like), which is how set-based statements take many rows at once.
 */

/** Values we generated or validated (uuids, enum names, numbers, ISO dates): nothing to quote. */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

/** Any text; `null` becomes NULL. Each value is quoted and escaped. */
export function pgTextArray(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${out}}`;
}
