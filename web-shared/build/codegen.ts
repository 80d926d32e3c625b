import type { CodegenConfig } from '@graphql-codegen/cli';

/** How every workspace types the schema's scalars and enums. */
export const schemaTypes = {
  schema: '../schema/schema.graphql',
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    // ISO 8601 strings on the wire; formatted by @sorae/web-shared's format helpers.
    // SafeInt (money sums past 2^31) arrives as a JSON number, exact up to 2^53.
    scalars: { DateTime: 'string', SafeInt: 'number' },
  },
} as const;

/** Both SPAs generate their typed documents from the server's schema the same way. */
const config: CodegenConfig = {
  schema: schemaTypes.schema,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...schemaTypes.config, skipTypename: false },
    },
  },
  silent: true,
};

export default config;
