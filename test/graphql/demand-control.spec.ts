import { composeServices } from '@apollo/composition';
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { priceOperation } from '../../src/apollo/query-cost.js';
import { serviceSdl } from '../../src/graphql/federation.js';
import { createSchema } from '../../src/schema.js';
import { useApi } from '../helpers/api-server.js';

/**
 * FEDERATION=true's demand-control directives (`@cost`, `@listSize`, Federation 2.9): the subgraph
 * composes with them (@apollo/composition, as a router's supergraph is made), they survive into the
 * supergraph, and for a set of documents the cost a router computes from them (the IBM cost
 * directive specification's static estimate, written here apart from the server's code, as Apollo
 * Router's demand control applies it) is never below the server's own estimate (`priceOperation`,
 * what MAX_QUERY_COST is checked against).
 */

const SNAPSHOT_PAGES = 41;
/** A router's list size for a list no directive sizes (Apollo Router's `static_estimated.list_size` is set per deployment; small on purpose here). */
const DEFAULT_LIST_SIZE = 1;

let subgraph: GraphQLSchema;
let supergraph: GraphQLSchema;
let supergraphSdl: string;

beforeAll(async () => {
  subgraph = await createSchema({ federation: true, snapshotPages: SNAPSHOT_PAGES });
  const composed = composeServices([{ name: 'images', typeDefs: parse(await serviceSdl(subgraph)), url: 'http://images.invalid/graphql' }]);
  expect(composed.errors ?? []).toEqual([]);
  supergraphSdl = composed.supergraphSdl!;
  supergraph = buildSchema(supergraphSdl);
});

// --- The oracle: a router's static cost estimate from the supergraph's directives. ---

function directiveArgs(directives: readonly ConstDirectiveNode[] | undefined, name: string): Record<string, unknown> | undefined {
  const found = directives?.find((d) => d.name.value === name);
  return found && Object.fromEntries((found.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

function weightOf(directives: readonly ConstDirectiveNode[] | undefined): number | undefined {
  return directiveArgs(directives, 'cost')?.weight as number | undefined;
}

interface Walk {
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
}

function valueOf(node: ValueNode, { variables }: Walk): unknown {
  return node.kind === Kind.VARIABLE ? variables[node.name.value] : valueFromASTUntyped(node, variables);
}

/** `@cost` weights of the input fields a value sets, at any depth. */
function inputCost(type: GraphQLInputType, value: unknown): number {
  const named = isNonNullType(type) ? type.ofType : type;
  if (isListType(named)) return Array.isArray(value) ? value.reduce((sum: number, item) => sum + inputCost(named.ofType, item), 0) : inputCost(named.ofType, value);
  if (!isInputObjectType(named) || typeof value !== 'object' || value === null) return 0;
  return Object.entries(value).reduce((sum, [name, fieldValue]) => {
    const field = named.getFields()[name];
    if (!field || fieldValue === null || fieldValue === undefined) return sum;
    return sum + (weightOf(field.astNode?.directives) ?? 0) + inputCost(field.type, fieldValue);
  }, 0);
}

function selectionCost(type: GraphQLCompositeType, selectionSet: SelectionSetNode, walk: Walk, sized: ReadonlyMap<string, number>): number {
  let common = 0;
  // On an abstract type, the dearest of the fragments for one concrete type.
  const byType = new Map<string, number>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const field = (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[selection.name.value]!;
      common += fieldCost(field, selection.arguments ?? [], selection.selectionSet, walk, sized.get(selection.name.value));
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments[selection.name.value]! : selection;
    const condition = fragment.typeCondition ? (supergraph.getType(fragment.typeCondition.name.value) as GraphQLCompositeType) : type;
    const cost = selectionCost(condition, fragment.selectionSet, walk, sized);
    if (isAbstractType(type) && condition !== type) byType.set(condition.name, (byType.get(condition.name) ?? 0) + cost);
    else common += cost;
  }
  return common + Math.max(0, ...byType.values());
}

function fieldCost(
  field: GraphQLField<unknown, unknown>,
  argumentNodes: readonly { name: { value: string }; value: ValueNode }[],
  selectionSet: SelectionSetNode | undefined,
  walk: Walk,
  sizedByParent: number | undefined,
): number {
  const named = getNamedType(field.type);
  const directives = field.astNode?.directives;
  const typeCost = weightOf(directives) ?? (isCompositeType(named) ? 1 : 0);
  const args = Object.fromEntries(argumentNodes.map((a) => [a.name.value, valueOf(a.value, walk)]));
  const argumentsCost = field.args.reduce((sum, arg) => (args[arg.name] === undefined || args[arg.name] === null ? sum : sum + (weightOf(arg.astNode?.directives) ?? 0) + inputCost(arg.type, args[arg.name])), 0);
  const listSize = directiveArgs(directives, 'listSize');
  const slices = ((listSize?.slicingArguments as string[] | undefined) ?? []).map((name) => args[name]).filter((v): v is number => typeof v === 'number');
  const size = slices.length > 0 ? Math.max(...slices) : ((listSize?.assumedSize as number | undefined) ?? DEFAULT_LIST_SIZE);
  const sizedFields = (listSize?.sizedFields as string[] | undefined) ?? [];
  const isList = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  // With sizedFields the size is the named children's; else it is this list's own.
  const instances = isList ? (sizedByParent ?? (sizedFields.length === 0 && listSize ? size : DEFAULT_LIST_SIZE)) : 1;
  const sized = new Map(sizedFields.map((name) => [name, size]));
  const childCost = selectionSet && isCompositeType(named) ? selectionCost(named, selectionSet, walk, sized) : 0;
  return instances * (typeCost + childCost) + argumentsCost;
}

function routerCost(document: DocumentNode, variables: Record<string, unknown> = {}): number {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
  const defaults = Object.fromEntries((operation.variableDefinitions ?? []).flatMap((v) => (v.defaultValue ? [[v.variable.name.value, valueFromASTUntyped(v.defaultValue)]] : [])));
  return selectionCost(supergraph.getQueryType()!, operation.selectionSet, { variables: { ...defaults, ...variables }, fragments }, new Map());
}

// --- What the server estimates, as its query cost plugin does. ---

function serverCost(document: DocumentNode, variables: Record<string, unknown> = {}): number {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const cost = priceOperation({ schema: subgraph, document, operation, variables, snapshotPages: SNAPSHOT_PAGES });
  if (cost === null || !Number.isFinite(cost)) throw new Error('the server could not price it');
  return cost;
}

const R = '"cn-north-4"';

describe('the subgraph with demand-control directives', () => {
  it('composes, and the supergraph keeps @cost and @listSize where the server\'s prices are', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1"');
    expect(supergraphSdl).toMatch(/\): ImageConnection! @cost\(weight: 8\) @listSize\(assumedSize: 20, slicingArguments: \["first", "last"\], sizedFields: \["edges", "nodes"\], requireOneSlicingArgument: false\)/);
    expect(supergraphSdl).toContain(`totalCount: Int! @cost(weight: ${SNAPSHOT_PAGES})`);
    expect(supergraphSdl).toContain(`nameContains: String @cost(weight: ${SNAPSHOT_PAGES})`);
    expect(supergraphSdl).toMatch(/\): ImageFacets! @cost\(weight: 41\)/);
    expect(supergraphSdl).toContain('parentImage: Image @cost(weight: 1)');
  });

  it('the oracle reads them: hand-counted costs of small documents', () => {
    // images: 8; 10 nodes of an object (1) each; totalCount: the snapshot.
    expect(routerCost(parse(`{ images(region: ${R}, first: 10) { nodes { id } } }`))).toBe(18);
    expect(routerCost(parse(`{ images(region: ${R}, first: 10) { totalCount } }`))).toBe(8 + SNAPSHOT_PAGES);
    // No slicing argument: the assumed 20; edges and their nodes both counted.
    expect(routerCost(parse(`{ images(region: ${R}) { edges { node { id } } } }`))).toBe(8 + 20 * 2);
    expect(routerCost(parse(`{ images(region: ${R}, last: 5, filter: { platform: "Ubuntu" }) { pageInfo { hasNextPage } } }`))).toBe(8 + 1 + SNAPSHOT_PAGES);
    expect(routerCost(parse(`{ image(region: ${R}, imageId: "x") { parentImage { id } } }`))).toBe(2);
  });

  it('a router counts every object, the server one unit per 100 rows: the README\'s figures', () => {
    const hundred = parse(`{ images(region: ${R}, first: 100) { nodes { id } } }`);
    expect([serverCost(hundred), routerCost(hundred)]).toEqual([3, 108]);
    // The largest page the server allows with each image's parent, as nodes and as edges.
    const parents = parse(`{ images(region: ${R}, first: 500) { nodes { parentImage { id } } } }`);
    expect([serverCost(parents), routerCost(parents)]).toEqual([508, 1008]);
    const edges = parse(`{ images(region: ${R}, first: 500) { edges { cursor node { parentImage { id } } } } }`);
    expect([serverCost(edges), routerCost(edges)]).toEqual([508, 1508]);
  });

  const documents: [string, string, Record<string, unknown>?][] = [
    ['the regions', '{ regions }'],
    ['an empty page', `{ images(region: ${R}, first: 0) { nodes { id } pageInfo { hasNextPage } } }`],
    ['a default page of edges', `{ images(region: ${R}) { edges { cursor node { id name parentImage { id } } } } }`],
    ['a full page with parents and grandparents, and the count', `{ images(region: ${R}, first: 500) { totalCount edges { node { parentImage { id } } } nodes { parentImage { parentImage { id } } } } }`],
    ['a page backward with derived filters', `{ images(region: ${R}, last: 50, filter: { nameContains: "ubuntu", hasGpu: true, architecture: X86 }) { totalCount nodes { id } } }`],
    [
      'a page of a size from a variable, through a fragment',
      `query Page($first: Int, $filter: ImageFilter) { images(region: ${R}, first: $first, filter: $filter) { ...Rows } } fragment Rows on ImageConnection { nodes { parentImage { name } } pageInfo { endCursor } }`,
      { first: 101, filter: { createdAfter: '2024-01-01T00:00:00Z' } },
    ],
    ['every page size around the cost model\'s steps', `query Sizes($first: Int) { images(region: ${R}, first: $first) { edges { node { parentImage { id } } } } }`],
    ['node and image', `query Refetch($id: ID!) { node(id: $id) { id ... on Image { parentImage { parentImage { id } } } } image(region: ${R}, imageId: "x") { parentImage { id } } }`, { id: 'x' }],
    ['the picker\'s snapshot queries', `{ imageFacets(region: ${R}, filter: { platform: "Ubuntu" }) { platform { value count } status { value count } } latestImage(region: ${R}) { id parentImage { id } } }`],
    ['several aliased pages', `{ a: images(region: ${R}, first: 100) { nodes { id } } b: images(region: ${R}, first: 499) { nodes { id } } c: images(region: ${R}, last: 1) { totalCount } }`],
  ];

  it.each(documents)('a router never prices below the server: %s', (_what, text, variables = {}) => {
    const document = parse(text);
    const sizes = text.includes('$first') && variables.first === undefined ? [0, 1, 19, 20, 99, 100, 101, 199, 200, 499, 500] : [undefined];
    for (const first of sizes) {
      const vars = first === undefined ? variables : { ...variables, first };
      const server = serverCost(document, vars);
      const router = routerCost(document, vars);
      expect(router, `first: ${first}: router ${router}, server ${server}`).toBeGreaterThanOrEqual(server);
    }
  });
});

describe('a running subgraph', () => {
  const api = useApi({ env: { FEDERATION: 'true', SNAPSHOT_MAX_IMAGES: '1000' } });

  it('prices a snapshot read in its `_service` SDL by its own SNAPSHOT_MAX_IMAGES (1000 images: 2 pages and the one that finds more, 3)', async () => {
    const { data } = await api.query<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, null);
    expect(data?._service.sdl).toContain('totalCount: Int! @cost(weight: 3)');
    expect(data?._service.sdl).toMatch(/\): ImageFacets! @cost\(weight: 3\)/);
  });
});
