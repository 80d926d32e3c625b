// Prints the server's GraphQL schema to schema/schema.graphql (the SPAs and integrations type against it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaText } from './graphql/print.js';

const target = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));
writeFileSync(target, await printSchemaText());
console.log(`wrote ${target}`);
