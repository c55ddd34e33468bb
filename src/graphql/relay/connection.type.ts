import type { ClassType } from 'type-graphql';
import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

/** Relay connection types for a node class: `class ImageConnection extends ConnectionType(Image, ImageEdge) {}`. */
export function EdgeType<TNode extends object>(nodeClass: ClassType<TNode>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Edge {
    constructor(node: TNode | null, position: () => string) {
      this.node = node;
      this.position = position;
    }

    private readonly position: () => string;

    /** Encoded only when a query selects it: a getter on the prototype (below), read like any property, so no resolver runs per edge. */
    @Field(() => String, { description: 'Opaque position of this node; pass it as `after` or `before`.' })
    readonly cursor!: string;

    static {
      Object.defineProperty(this.prototype, 'cursor', {
        get(this: Edge) {
          return this.position();
        },
      });
    }

    @Field(() => nodeClass, { nullable: true, description: 'Null when the upstream sent this node in a shape that could not be read; an error at its path says why.' })
    node!: TNode | null;
  }
  return Edge;
}

/** Nullable list items, as GitHub's and Shopify's connections have them: one unreadable node is one null and one error, not a lost page. */
export function ConnectionType<TNode extends object, TEdge extends { node: TNode | null; readonly cursor: string }>(nodeClass: ClassType<TNode>, edgeClass: ClassType<TEdge>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [edgeClass], { nullable: 'items', description: 'The page: each node with its cursor, in listing order.' })
    edges!: (TEdge | null)[];

    @Field(() => [nodeClass], { nullable: 'items', description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: (TNode | null)[];

    @Field(() => PageInfo, { description: 'Whether there are more pages, and the cursors to fetch them.' })
    pageInfo!: PageInfo;
  }
  return Connection;
}
