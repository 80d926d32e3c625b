/** A LIKE / ILIKE pattern matching `term` anywhere: its own `%`, `_` and `\` match themselves. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
