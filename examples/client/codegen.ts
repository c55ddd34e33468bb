import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator, client preset, over the API's contract: the schema file (no server
 * needed: it runs offline) and the operations a frontend writes (`schema/operations.graphql`, and
 * any `graphql(`…`)` in this example's sources). Paths are relative to the repository root:
 *
 *     npx graphql-codegen --config examples/client/codegen.ts
 *
 * The output (`src/gql/`, with the trusted-documents manifest `persisted-documents.json`) is committed;
 * `test/examples/client.spec.ts` fails when it drifts.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations.graphql', 'examples/client/src/**/*.ts', '!examples/client/src/gql/**'],
  // `./graphql.js` rather than `./graphql` in the generated imports: NodeNext and browsers' ESM need it.
  emitLegacyCommonJSImports: false,
  ignoreNoDocuments: false,
  generates: {
    'examples/client/src/gql/': {
      preset: 'client',
      presetConfig: {
        // Results typed as selected, fragments spread in place (no `useFragment` unmasking needed).
        fragmentMasking: false,
        // The trusted-documents manifest (`src/gql/persisted-documents.json`, `{ "<sha256>": "<document>" }`)
        // that the server loads with TRUSTED_DOCUMENTS; each document carries its id in `__meta__.hash`.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // The API's custom scalars as they travel in JSON.
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
