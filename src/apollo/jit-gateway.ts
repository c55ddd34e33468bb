import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { createRequire } from 'node:module';

// The CommonJS build, required: the ESM build imports graphql/index.mjs, a second graphql realm
// beside the graphql/index.js that type-graphql, Apollo and this code load.
const { compileQuery, isCompiledQuery } = createRequire(import.meta.url)('graphql-jit') as typeof import('graphql-jit');

type Compiled = CompiledQuery;

/**
 * - `disableLeafSerialization`: enums and the built-in scalars are written as the resolvers return
 *   them, without a serializer call (and the error path and location arrays jit would allocate for
 *   each such field of each item). Sound here because every value is already of its type: the
 *   image readers return strings, 32-bit integers and booleans (graphql/image/image.mapper.ts), and
 *   every enum's values are its names (test/graphql/image-mapper.spec.ts and test/schema.spec.ts hold
 *   them to it). Custom scalars (DateTime,
 *   ByteSize, JSONObject) still go through their serializers.
 * - `disablingCapturingStackErrors`: no stack trace for the errors jit makes; they are rebuilt with
 *   their cause below, and no stack trace ever leaves the server.
 */
const JIT_OPTIONS = { disableLeafSerialization: true, disablingCapturingStackErrors: true } as const;

export interface ExecutionRequest {
  document: DocumentNode;
  /** The operation to run, as Apollo resolved it; undefined when none matched `requestedName`. */
  operation: OperationDefinitionNode | undefined;
  requestedName: string | null;
  variables: Record<string, unknown>;
  contextValue: unknown;
}

/**
 * Executes with graphql-jit: queries are compiled once per parsed document and operation (Apollo's
 * document cache hands back the same DocumentNode for the same query, and is bounded, so a WeakMap
 * keyed by it is bounded too); graphql-js runs what jit cannot compile. Results match graphql-js's
 * (test/apollo/jit-executor.spec.ts).
 */
export function jitExecutor(schema: GraphQLSchema): (request: ExecutionRequest) => Promise<ExecutionResult> {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | null>>();

  const compiledFor = (document: DocumentNode, operationName: string | undefined): Compiled | null => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let entry = byOperation.get(key);
    if (entry === undefined) {
      const result = compileQuery(schema, document, operationName, JIT_OPTIONS);
      entry = isCompiledQuery(result) ? result : null;
      byOperation.set(key, entry);
    }
    return entry;
  };

  return async ({ document, operation, requestedName, variables, contextValue }) => {
    // No operation by that name: graphql-js says so, and Apollo refuses the request.
    if (!operation) return execute({ schema, document, operationName: requestedName, variableValues: variables, contextValue });
    // Variables are coerced by graphql-js first: its errors are the ones Apollo answers 400 and
    // BAD_USER_INPUT for (jit's own would surface as a 500).
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const operationName = operation.name?.value;
    const query = compiledFor(document, operationName);
    if (!query) return execute({ schema, document, operationName: operationName ?? null, variableValues: variables, contextValue });
    // The coerced values, defaults filled in (jit leaves a missing variable's default out). jit
    // coerces them once more, which leaves them as they are: every input enum's values are its names.
    const result = await query.query(undefined, contextValue, coerced.coerced);
    return result.errors ? { data: result.data ?? null, errors: result.errors.map(located) } : { data: result.data ?? null };
  };
}

/**
 * graphql-jit as Apollo Server's executor, plugged in through Apollo's gateway interface so that
 * everything around execution stays Apollo's own: parsing, validation, the plugins, `formatError`,
 * `didEncounterErrors` and the HTTP status.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const run = jitExecutor(schema);
  const executor: GatewayExecutor = ({ document, operation, request, context }) =>
    // Apollo calls the executor even when no operation matched (`operation` is then undefined).
    run({ document, operation: operation as OperationDefinitionNode | undefined, requestedName: request.operationName ?? null, variables: request.variables ?? {}, contextValue: context });

  return {
    async load() {
      return { schema, executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * jit's errors carry no `extensions`: rebuilt as graphql-js builds a located error, so a
 * resolver's error keeps its cause and the cause's code (formatError and the log read both).
 */
function located(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
  });
  // jit gives locations without nodes; graphql-js would derive the same ones from the nodes.
  if (error.locations) Object.assign(rebuilt, { locations: error.locations });
  return rebuilt;
}
