import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DEFAULT_SNAPSHOT_MAX_IMAGES } from './config/shared-state.js';
import { serviceSdl, toSubgraphSchema } from './graphql/federation.js';
import { snapshotPagesOf } from './images/image-source.js';
import { ImageResolver } from './graphql/image/image.resolver.js';
import { NodeResolver } from './graphql/node.resolver.js';

export interface SchemaOptions {
  /** FEDERATION=true: an Apollo Federation 2 subgraph (`Image` an entity keyed by `id`; `_service`, `_entities`). */
  federation?: boolean;
  /** Upstream calls a snapshot read may need, as the subgraph's `@cost` says it; default: SNAPSHOT_MAX_IMAGES's default's. */
  snapshotPages?: number;
}

/** Builds the executable schema; call once at start-up. */
export async function createSchema({ federation = false, snapshotPages = snapshotPagesOf(DEFAULT_SNAPSHOT_MAX_IMAGES) }: SchemaOptions = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [ImageResolver, NodeResolver], validate: false });
  return federation ? toSubgraphSchema(schema, { snapshotPages }) : schema;
}

/** The schema as checked in at schema/schema.graphql: SDL, sorted. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** The subgraph schema as checked in at schema/subgraph.graphql: `_service { sdl }`, with a final newline. */
export async function printSubgraphSchema(subgraph: GraphQLSchema): Promise<string> {
  return `${await serviceSdl(subgraph)}\n`;
}
