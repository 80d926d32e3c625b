import type { CodegenConfig } from '@graphql-codegen/cli';

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
        // ISO 8601 strings on the wire; format them with src/lib/format.ts.
        scalars: { DateTime: 'string', DateTimeISO: 'string' },
        skipTypename: false,
      },
    },
  },
  silent: true,
};

export default config;
