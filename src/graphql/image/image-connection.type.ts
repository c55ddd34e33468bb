import { Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType, EdgeType } from '../relay/connection.type.js';
import { Image } from './image.type.js';

@ObjectType({ simpleResolvers: true, description: 'An image and its cursor.' })
export class ImageEdge extends EdgeType(Image) {}

@ObjectType({ simpleResolvers: true, description: 'A page of images (Relay cursor connection).' })
export class ImageConnection extends ConnectionType(Image, ImageEdge) {
  /** Counted only when selected: without a derived filter it needs a snapshot of the whole listing. */
  count!: () => Promise<number>;

  @Field(() => Int, {
    description:
      'How many images match, whatever page is asked. Read from a snapshot of the whole listing (SNAPSHOT_TTL_MS fresh), and the page with it: it may cost a walk of the listing in pages of 500.',
  })
  get totalCount(): Promise<number> {
    return this.count();
  }
}
