import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ImageResolver } from './graphql/image/image.resolver.js';
import { NodeResolver } from './graphql/node.resolver.js';

/** Builds the executable schema; call once at start-up. */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [ImageResolver, NodeResolver], validate: false });
}

/** The schema as checked in at schema/schema.graphql: SDL, sorted. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
