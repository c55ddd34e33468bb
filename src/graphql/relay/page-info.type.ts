import { Field, ObjectType } from 'type-graphql';
import type { Lazy } from './lazy.js';

@ObjectType({ simpleResolvers: true, description: 'Relay page information; `hasNextPage` and `hasPreviousPage` are exact in the direction of travel.' })
export class PageInfo {
  constructor(
    private readonly next: Lazy<boolean>,
    private readonly previous: Lazy<boolean>,
    startCursor: string | null,
    endCursor: string | null,
  ) {
    this.startCursor = startCursor;
    this.endCursor = endCursor;
  }

  @Field(() => Boolean)
  get hasNextPage(): Promise<boolean> {
    return this.next();
  }

  @Field(() => Boolean)
  get hasPreviousPage(): Promise<boolean> {
    return this.previous();
  }

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}
