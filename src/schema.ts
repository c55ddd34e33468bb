import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { DEFAULT_SNAPSHOT_MAX_IMAGES } from './config/shared-state.js';
import { serviceSdl, toSubgraphSchema } from './graphql/federation.js';
import { ImageStatusResolver } from './graphql/image/image-status.resolver.js';
import { snapshotPagesOf } from './images/image-source.js';
import { ImageResolver } from './graphql/image/image.resolver.js';
import { NodeResolver } from './graphql/node.resolver.js';

export interface SchemaOptions {
  /** FEDERATION=true: an Apollo Federation 2 subgraph (`Image` an entity keyed by `id`; `_service`, `_entities`). */
  federation?: boolean;
  /** Upstream calls a snapshot read may need, as the subgraph's `@cost` says it; default: SNAPSHOT_MAX_IMAGES's default's. */
  snapshotPages?: number;
}

/**
 * type-graphql asks for a PubSub whenever the schema has a subscription, even one that, like
 * `imageStatus`, subscribes through a function of its own (its events come from the image watch
 * registry, src/images/image-watch.ts). No topic is ever published or subscribed to.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('no subscription here publishes to a topic');
  },
  subscribe() {
    throw new Error('no subscription here reads a topic');
  },
};

/** Builds the executable schema; call once at start-up. */
export async function createSchema({ federation = false, snapshotPages = snapshotPagesOf(DEFAULT_SNAPSHOT_MAX_IMAGES) }: SchemaOptions = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [ImageResolver, ImageStatusResolver, NodeResolver], validate: false, pubSub: NO_TOPICS });
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
