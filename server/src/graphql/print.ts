import { lexicographicSortSchema, printSchema } from 'graphql';
import { getSchema } from './schema.js';

export async function printSchemaText(): Promise<string> {
  return `# Generated from the server by \`npm run print-schema -w server\`; do not edit.\n${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}
