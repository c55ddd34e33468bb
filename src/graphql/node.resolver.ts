import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from './context.js';
import { loadImageByGlobalId } from './image/load-image.js';
import { Node } from './relay/node.interface.js';

/** Relay `node(id)`: dispatches a global id to the loader of its type (only `Image` so far). */
@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Refetches any object by its global id; null when it no longer exists or is not visible.',
    complexity: ({ childComplexity }) => 1 + childComplexity,
  })
  async node(@Arg('id', () => ID, { description: 'A global id from this API (`Image.id`).' }) id: string, @Ctx() context: Context): Promise<Node | null> {
    return loadImageByGlobalId(context, id);
  }
}
