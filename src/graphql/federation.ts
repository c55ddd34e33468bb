import { buildSubgraphSchema, entitiesResolver, type GraphQLReferenceResolver, type GraphQLResolverMap } from '@apollo/subgraph';
import {
  execute,
  isInterfaceType,
  isObjectType,
  Kind,
  lexicographicSortSchema,
  parse,
  printSchema,
  visit,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { Context } from './context.js';
import { demandControl, type DemandControl, type FieldDemand } from './demand-control.js';
import { userInputError } from './errors.js';
import { IMAGE_TYPENAME } from './image/image.mapper.js';
import { loadImageByGlobalId } from './image/load-image.js';

/**
 * FEDERATION=true: the schema as an Apollo Federation 2 subgraph, built as type-graphql's own
 * federation example builds one (examples/apollo-federation-2): type-graphql's schema printed to
 * SDL, federation's `@link` and `@key` added, `buildSubgraphSchema` over it with type-graphql's
 * resolvers (`createResolversMap`). Then what the SDL round trip drops is put back: each field's
 * `extensions` (its `complexity` and `readsSnapshot`, read by the query cost). The same prices go
 * into the SDL as the demand-control directives routers read (`@cost`, `@listSize`: demand-control.ts).
 *
 * `Image` is the one entity, keyed by its global id (`Image.id`, which encodes region and image id):
 * a router resolves a representation `{ __typename: "Image", id }` through the by-id path of
 * `node(id)` (loadImageByGlobalId). The plain schema (FEDERATION unset) is not touched by any of this.
 */

/** The federation version linked: 2.9, the first with the demand-control directives (routers and gateways of 2.9 and later compose it). */
export const FEDERATION_LINK_URL = 'https://specs.apollo.dev/federation/v2.9';

/** Entities and the field set each is keyed by. */
const ENTITY_KEYS: Readonly<Record<string, string>> = { [IMAGE_TYPENAME]: 'id' };

/** The most `__typename` text an error message repeats back. */
const MAX_ECHO = 64;

export interface SubgraphOptions {
  /** Upstream calls a snapshot read may need: its price in `@cost`. */
  snapshotPages: number;
}

/** Builds the subgraph schema from type-graphql's schema (built once, by createSchema). */
export function toSubgraphSchema(schema: GraphQLSchema, { snapshotPages }: SubgraphOptions): GraphQLSchema {
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<Context>;
  const imageResolvers = resolvers[IMAGE_TYPENAME] as Record<string, GraphQLFieldResolver<unknown, Context>>;
  // Called with (representation, context, info); the map's type knows only field resolvers.
  const resolveReference: GraphQLReferenceResolver<Context> = (reference, context) => loadImageByGlobalId(context, (reference as Representation).id);
  const subgraph = buildSubgraphSchema([
    { typeDefs: parse(`extend schema @link(url: "${FEDERATION_LINK_URL}", import: ["@key", "@cost", "@listSize"])`) },
    {
      typeDefs: withDemandControl(withEntityKeys(parse(printSchema(lexicographicSortSchema(schema)))), demandControl(snapshotPages)),
      // `__resolveReference` is recorded in the type's extensions (`apollo.subgraph.resolveReference`).
      resolvers: { ...resolvers, [IMAGE_TYPENAME]: { ...imageResolvers, __resolveReference: resolveReference as unknown as GraphQLFieldResolver<unknown, Context> } },
    },
  ]);
  copyExtensions(schema, subgraph);
  guardEntities(subgraph);
  return subgraph;
}

/** `_service { sdl }` of a subgraph schema, as a router reads it (and schema/subgraph.graphql holds it, with a final newline). */
export async function serviceSdl(subgraph: GraphQLSchema): Promise<string> {
  const result = await execute({ schema: subgraph, document: parse('{ _service { sdl } }') });
  const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error(`no _service.sdl: ${JSON.stringify(result.errors ?? null)}`);
  return sdl;
}

function constValue(value: string | number | boolean | readonly string[]): ConstValueNode {
  if (typeof value === 'string') return { kind: Kind.STRING, value };
  if (typeof value === 'number') return { kind: Kind.INT, value: String(value) };
  if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
  return { kind: Kind.LIST, values: value.map(constValue) };
}

function directive(name: string, args: Record<string, string | number | boolean | readonly string[]>): ConstDirectiveNode {
  const argumentNodes: ConstArgumentNode[] = Object.entries(args).map(([argument, value]) => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: argument }, value: constValue(value) }));
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: name }, arguments: argumentNodes };
}

/** `@key(fields: …)` on each entity's type definition. */
function withEntityKeys(document: DocumentNode): DocumentNode {
  return visit(document, {
    ObjectTypeDefinition(node) {
      const key = ENTITY_KEYS[node.name.value];
      return key === undefined ? undefined : { ...node, directives: [...(node.directives ?? []), directive('key', { fields: key })] };
    },
  });
}

function demandDirectives({ cost, listSize }: FieldDemand): ConstDirectiveNode[] {
  return [...(cost === undefined ? [] : [directive('cost', { weight: cost })]), ...(listSize ? [directive('listSize', { ...listSize })] : [])];
}

/** `@cost` and `@listSize` where the server's prices are (demand-control.ts); each must find its field. */
function withDemandControl(document: DocumentNode, { fields, inputFields }: DemandControl): DocumentNode {
  const placed = new Set<string>();
  const withDirectives = visit(document, {
    FieldDefinition(node, _key, _parent, _path, ancestors) {
      const type = ancestors[ancestors.length - 1] as { kind: Kind; name: { value: string } };
      const coordinate = `${type.name.value}.${node.name.value}`;
      const demand = type.kind === Kind.OBJECT_TYPE_DEFINITION ? fields[coordinate] : undefined;
      if (!demand) return undefined;
      placed.add(coordinate);
      return { ...node, directives: [...(node.directives ?? []), ...demandDirectives(demand)] };
    },
    InputValueDefinition(node, _key, _parent, _path, ancestors) {
      const type = ancestors[ancestors.length - 1] as { kind: Kind; name: { value: string } };
      if (type.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) return undefined;
      const coordinate = `${type.name.value}.${node.name.value}`;
      const weight = inputFields[coordinate];
      if (weight === undefined) return undefined;
      placed.add(coordinate);
      return { ...node, directives: [...(node.directives ?? []), directive('cost', { weight })] };
    },
  });
  const missing = [...Object.keys(fields), ...Object.keys(inputFields)].filter((coordinate) => !placed.has(coordinate));
  if (missing.length > 0) throw new Error(`demand control names fields the schema does not have: ${missing.join(', ')}`);
  return withDirectives;
}

/** The SDL round trip keeps names, types, descriptions and defaults, but no `extensions`: they are copied from type-graphql's schema. */
function copyExtensions(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const type of Object.values(from.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const target = to.getType(type.name);
    if (!target || !(isObjectType(target) || isInterfaceType(target))) throw new Error(`the subgraph schema lost type ${type.name}`);
    Object.assign(target, { extensions: { ...type.extensions, ...target.extensions } });
    const targetFields = target.getFields();
    for (const [name, field] of Object.entries(type.getFields())) {
      const targetField = targetFields[name];
      if (!targetField) throw new Error(`the subgraph schema lost field ${type.name}.${name}`);
      Object.assign(targetField, { extensions: { ...field.extensions, ...targetField.extensions } });
    }
  }
}

interface Representation {
  __typename: string;
  id: string;
}

/** A representation as `_entities` may resolve it, or the BAD_USER_INPUT error that says why not. */
function checkRepresentation(value: unknown, index: number): Representation | Error {
  const extensions = { argument: 'representations', index };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return userInputError('Each representation must be an object: `{ __typename: "Image", id }`.', extensions);
  }
  const { __typename: typename, id } = value as Record<string, unknown>;
  if (typeof typename !== 'string' || ENTITY_KEYS[typename] === undefined) {
    const named = typeof typename === 'string' && typename.length <= MAX_ECHO ? ` "${typename}"` : '';
    return userInputError(`Representation __typename${named} is no entity of this subgraph: only "${IMAGE_TYPENAME}" is.`, extensions);
  }
  if (typeof id !== 'string') {
    return userInputError(`An ${IMAGE_TYPENAME} representation needs its key \`id\` as a string (an \`Image.id\` from this API).`, extensions);
  }
  return { __typename: typename, id };
}

/**
 * `_entities(representations:)`: each representation is checked first (a bad one is a
 * BAD_USER_INPUT error of its own item, not a crash of the library's resolver, which throws a
 * plain Error for an unknown type); the good ones go to `@apollo/subgraph`'s resolver, and so to
 * `__resolveReference`. Priced like `node(id)` once per representation: a call to the image
 * service each, plus what each entity's fields cost.
 */
function guardEntities(subgraph: GraphQLSchema): void {
  const field = subgraph.getQueryType()?.getFields()._entities;
  if (!field) throw new Error('the subgraph schema has no _entities field');
  const resolve: GraphQLFieldResolver<unknown, Context, { representations: unknown[] }> = async (_source, { representations }, context, info) => {
    const settled = await Promise.allSettled(
      representations.map(async (value, index) => {
        const representation = checkRepresentation(value, index);
        if (representation instanceof Error) throw representation;
        return entitiesResolver({ representations: [representation], context, info })[0];
      }),
    );
    // Settled items, an Error for each that failed: graphql-js and graphql-jit both make that item's
    // error of it. (Not promises: graphql-jit 0.8.9 puts the null of an item that rejects after a later
    // item settled at the end of the list, `resultArray.push(null)`, instead of at its index.)
    return settled.map((item) => (item.status === 'fulfilled' ? item.value : item.reason instanceof Error ? item.reason : new Error(String(item.reason))));
  };
  Object.assign(field, {
    resolve,
    extensions: {
      ...field.extensions,
      complexity: ({ args, childComplexity }: { args: { representations?: unknown }; childComplexity: number }) =>
        (Array.isArray(args.representations) ? args.representations.length : 1) * (1 + childComplexity),
    },
  });
}
