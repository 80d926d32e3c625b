import type { CodegenConfig } from '@graphql-codegen/cli';
import { schemaTypes } from './build/codegen.js';

/** web-shared has no operations of its own: it reads the schema's types (statuses, touches, pages). */
const config: CodegenConfig = {
  schema: schemaTypes.schema,
  generates: {
    'src/gql/schema.ts': { plugins: ['typescript'], config: schemaTypes.config },
  },
  silent: true,
};

export default config;
