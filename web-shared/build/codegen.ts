import type { CodegenConfig } from '@graphql-codegen/cli';

/** Both SPAs generate their typed documents from the server's schema the same way. */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // ISO 8601 strings on the wire; formatted by @sorae/web-shared's format helpers.
        scalars: { DateTime: 'string' },
        skipTypename: false,
      },
    },
  },
  silent: true,
};

export default config;
