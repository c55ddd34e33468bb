import type { ApolloServerPlugin } from '@apollo/server';
import {
  getVariableValues,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Context } from '../graphql/context.js';
import { ErrorCode } from '../graphql/errors.js';
import { MAX_PAGE_SIZE } from '../graphql/relay/pagination.js';

// The CommonJS build, required: the ESM build imports graphql/index.mjs, a second graphql realm
// beside the graphql/index.js that type-graphql, Apollo and this code load; and a default import of
// CommonJS means different things to Node and to vitest.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity/cjs',
) as typeof import('graphql-query-complexity');
type ComplexityEstimator = import('graphql-query-complexity').ComplexityEstimator;

/**
 * Refuses, before any upstream call, an operation that could make more upstream calls than
 * `maxCost`. A field's cost is its `complexity` (the upstream calls it may make, see the
 * resolvers); fields without one cost nothing.
 */
/** Variable sets remembered per document: enough for a client's pages, bounded against a client that varies them endlessly. */
const COSTS_PER_DOCUMENT = 64;
/** Longer keys are hashed (64 keys of at most this length per document, and the document itself is bounded by Apollo's cache). */
const MAX_PLAIN_KEY = 256;

/**
 * A field that may read a snapshot of a whole listing (see images/image-source.ts) says so with a
 * `readsSnapshot(args, node, fragments)` extension; such a read is priced as the pages it may need, on top of
 * the field's own complexity.
 */
function snapshotEstimator(snapshotPages: number): ComplexityEstimator {
  return (options) => {
    const reads = options.field.extensions?.readsSnapshot as ((args: Record<string, unknown>, node: FieldNode, fragments: Fragments) => boolean) | undefined;
    if (!reads?.(options.args, options.node, (options.context?.fragments ?? {}) as Fragments)) return undefined;
    const own = options.field.extensions?.complexity as number | ((o: typeof options) => number) | undefined;
    return snapshotPages + (typeof own === 'function' ? own(options) : (own ?? 0));
  };
}

type Fragments = Record<string, FragmentDefinitionNode>;

function fragmentsOf(document: DocumentNode): Fragments {
  return Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
}

/** What one operation is priced with. */
export interface Pricing {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  /** Upstream calls a snapshot read may need (SNAPSHOT_MAX_IMAGES / 500, and one). */
  snapshotPages: number;
}

/**
 * The upstream calls an operation could make with these variables (graphql-query-complexity over
 * the fields' `complexity` and `readsSnapshot`); null when its variables do not coerce (execution
 * refuses them with BAD_USER_INPUT before any resolver runs); Infinity when it could not be priced.
 */
export function priceOperation({ schema, document, operation, variables, snapshotPages }: Pricing): number | null {
  const operationName = operation.name?.value;
  try {
    return getComplexity({
      schema,
      query: document,
      ...(operationName ? { operationName } : {}),
      variables,
      context: { fragments: fragmentsOf(document) },
      estimators: [snapshotEstimator(snapshotPages), fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 0 })],
    });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // Its fragments, spread again and again, expand past the library's node limit: no price is no
    // licence to run, so it is over any limit (JSON writes it null).
    return getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors ? null : Number.POSITIVE_INFINITY;
  }
}

/**
 * The price of operations: `costOf` an operation with its variables (remembered per document), and
 * the refusal of one over `maxCost`. Apollo's plugin below uses it for /graphql; the subscription
 * transports (src/http/live/) price a subscription with the same one.
 */
export class QueryPricer {
  // Apollo hands back the same parsed document for the same query (its document cache is
  // bounded), so a document's costs live as long as Apollo keeps the document.
  private readonly costs = new WeakMap<DocumentNode, Map<string, number | null>>();

  constructor(
    readonly maxCost: number,
    private readonly snapshotPages: number,
  ) {}

  /** The operation's cost with these variables; null when they do not coerce (execution refuses them with BAD_USER_INPUT). */
  costOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number | null {
    const operationName = operation.name?.value;
    let known = this.costs.get(document);
    if (!known) this.costs.set(document, (known = new Map()));
    // Only the variables the operation declares matter, hashed when long: a key stays small whatever a client sends.
    // A variable sent as null and one not sent differ (a default applies to the second only): `[value]` or `[]`.
    // Sent means an own property, as graphql-js reads it (`toString in {}` is true, and would price a default as null).
    const declared = operation.variableDefinitions?.map(({ variable }) => (Object.hasOwn(variables, variable.name.value) ? [variables[variable.name.value]] : [])) ?? [];
    const text = `${operationName ?? ''}\n${JSON.stringify(declared)}`;
    const key = text.length <= MAX_PLAIN_KEY ? text : createHash('sha256').update(text).digest('base64url');
    let cost = known.get(key);
    if (cost === undefined) {
      cost = priceOperation({ schema, document, operation, variables, snapshotPages: this.snapshotPages });
      if (known.size >= COSTS_PER_DOCUMENT) known.delete(known.keys().next().value!);
      known.set(key, cost);
    }
    return cost;
  }

  /** The error that refuses an operation of this cost (HTTP 400, BAD_USER_INPUT, `cost` and `maxCost`); undefined when it is within the limit. */
  refusal(cost: number): GraphQLError | undefined {
    const { maxCost } = this;
    if (cost <= maxCost) return undefined;
    return new GraphQLError(
      Number.isFinite(cost)
        ? `This operation could make up to ${cost} calls to the image service; the limit is ${maxCost}. Ask for fewer or smaller pages, or fewer parentImage/image/node fields.`
        : `This operation is too large to price (too many fields once its fragments are expanded); the limit is ${maxCost} calls to the image service. Spread fewer fragments.`,
      { extensions: { code: ErrorCode.BAD_USER_INPUT, cost, maxCost, http: { status: 400 } } },
    );
  }
}

export function queryCost(maxCost: number, snapshotPages: number): ApolloServerPlugin<Context> {
  return queryCostPlugin(new QueryPricer(maxCost, snapshotPages));
}

/** Apollo's side of the pricer: refuses an operation over the limit, and says every response's cost in `extensions.cost`. */
export function queryCostPlugin(pricer: QueryPricer): ApolloServerPlugin<Context> {
  const { maxCost } = pricer;
  return {
    async requestDidStart() {
      let estimated: number | undefined;
      return {
        // Every executed or cost-refused response says what it cost: `extensions.cost { estimated actual limit }`.
        async willSendResponse({ response, contextValue }) {
          if (estimated === undefined || response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          singleResult.extensions = { ...singleResult.extensions, cost: { estimated, actual: contextValue.images.upstreamCalls, limit: maxCost } };
        },
        async didResolveOperation({ request, document, schema, operation }) {
          // No operation by that name: Apollo refuses the request (OPERATION_RESOLUTION_FAILURE) after this hook.
          if (!operation) return;
          // The operation Apollo resolved: an anonymous one has no name to look up (the library
          // would read `operation.name.value` whenever `operationName` is passed).
          const cost = pricer.costOf(schema, document, operation, request.variables ?? {});
          if (cost === null) return;
          estimated = cost;
          const refusal = pricer.refusal(cost);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/** Input objects nest at most this deep in a made-up worst-case value (none of this schema's nest; a self-referencing one would). */
const MAX_INPUT_DEPTH = 8;

/**
 * A value of an input type that makes the cost model price the most (see worstCasePrice); undefined
 * when none could be made (a scalar that takes none of the candidates).
 */
function worstValue(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return worstValue(type.ofType, depth);
  if (isListType(type)) {
    const item = worstValue(type.ofType, depth);
    return item === undefined ? undefined : [item];
  }
  if (isInputObjectType(type)) {
    if (depth >= MAX_INPUT_DEPTH) return undefined;
    const fields = Object.values(type.getFields()).flatMap((field) => {
      const value = worstValue(field.type, depth + 1);
      return value === undefined ? [] : [[field.name, value] as const];
    });
    return Object.fromEntries(fields);
  }
  if (isEnumType(type)) return type.getValues()[0]?.name;
  // The only Int arguments are page sizes (`first`, `last`): the largest page is the dearest.
  if (type.name === 'Int') return MAX_PAGE_SIZE;
  const candidates: unknown[] = ['x', new Date(0).toISOString(), true, 0, {}];
  return candidates.find((candidate) => {
    try {
      return type.parseValue(candidate) !== undefined;
    } catch {
      return false;
    }
  });
}

/**
 * The most an operation can cost, whatever variables a client sends with it: each variable set (a
 * page size at its largest, every field of a filter filled, so a derived filter reads a snapshot)
 * and every field counted, `@skip` and `@include` ignored. Trusted documents are priced by it once,
 * at start-up. An `_entities` list is priced as one representation (only a router sends it).
 */
export function worstCasePrice({ schema, document, operation, snapshotPages }: Omit<Pricing, 'variables'>): number | null {
  const unconditional = visit(document, {
    Directive: (node) => (node.name.value === 'skip' || node.name.value === 'include' ? null : undefined),
  });
  const index = document.definitions.indexOf(operation);
  const twin = unconditional.definitions[index] as OperationDefinitionNode;
  const variables: Record<string, unknown> = {};
  for (const definition of twin.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    const value = type && isInputType(type) ? worstValue(type) : undefined;
    if (value !== undefined) variables[definition.variable.name.value] = value;
  }
  return priceOperation({ schema, document: unconditional, operation: twin, variables, snapshotPages });
}
