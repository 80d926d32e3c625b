import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { printSchemaText } from './print.js';

describe('schema/schema.graphql', () => {
  it('matches the server (run `npm run print-schema -w @sorae/server` after changing the API)', async () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url)), 'utf8');
    expect(committed).toBe(await printSchemaText());
  });
});
