import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { serviceSdl, toSubgraphSchema } from './graphql/federation.js';
import { ImageResolver } from './graphql/image/image.resolver.js';
import { NodeResolver } from './graphql/node.resolver.js';

export interface SchemaOptions {
  /** FEDERATION=true: an Apollo Federation 2 subgraph (`Image` an entity keyed by `id`; `_service`, `_entities`). */
  federation?: boolean;
}

/** Builds the executable schema; call once at start-up. */
export async function createSchema({ federation = false }: SchemaOptions = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [ImageResolver, NodeResolver], validate: false });
  return federation ? toSubgraphSchema(schema) : schema;
}

/** The schema as checked in at schema/schema.graphql: SDL, sorted. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** The subgraph schema as checked in at schema/subgraph.graphql: `_service { sdl }`, with a final newline. */
export async function printSubgraphSchema(subgraph: GraphQLSchema): Promise<string> {
  return `${await serviceSdl(subgraph)}\n`;
}
