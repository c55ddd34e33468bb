import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator, client preset, as in examples/client/: the schema file (offline, no
 * server) and the `graphql()` documents of this app's sources. From the repository root:
 *
 *     npx graphql-codegen --config examples/image-picker/codegen.ts
 *
 * The output (`src/gql/`) is committed; `test/examples/image-picker.spec.ts` fails when it drifts.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/image-picker/src/**/*.{ts,tsx}', '!examples/image-picker/src/gql/**'],
  emitLegacyCommonJSImports: false,
  ignoreNoDocuments: false,
  generates: {
    'examples/image-picker/src/gql/': {
      preset: 'client',
      presetConfig: {
        // Results typed as selected, fragments spread in place (no `useFragment` unmasking needed).
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          ByteSize: 'string',
          DateTime: 'string',
          JSONObject: 'Record<string, unknown>',
        },
        strictScalars: true,
        avoidOptionals: false,
      },
    },
  },
};

export default config;
