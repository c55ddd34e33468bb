import type { ClassType } from 'type-graphql';
import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

/** Relay connection types for a node class: `class ImageConnection extends ConnectionType(Image, ImageEdge) {}`. */
export function EdgeType<TNode extends object>(nodeClass: ClassType<TNode>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Edge {
    @Field(() => String, { description: 'Opaque position of this node; pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeClass)
    node!: TNode;
  }
  return Edge;
}

export function ConnectionType<TNode extends object, TEdge extends { node: TNode; cursor: string }>(nodeClass: ClassType<TNode>, edgeClass: ClassType<TEdge>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [edgeClass])
    edges!: TEdge[];

    @Field(() => [nodeClass], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: TNode[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return Connection;
}
