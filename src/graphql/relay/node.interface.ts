import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({ description: 'An object with a global id that `node(id:)` refetches.' })
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque id.' })
  id!: string;
}
