import { Field, ObjectType } from 'type-graphql';
import type { Lazy } from './lazy.js';

@ObjectType({ simpleResolvers: true, description: 'Relay page information; `hasNextPage` and `hasPreviousPage` are exact in the direction of travel.' })
export class PageInfo {
  constructor(
    private readonly next: Lazy<boolean>,
    private readonly previous: Lazy<boolean>,
    private readonly start: () => string | null,
    private readonly end: () => string | null,
  ) {}

  @Field(() => Boolean)
  get hasNextPage(): Promise<boolean> {
    return this.next();
  }

  @Field(() => Boolean)
  get hasPreviousPage(): Promise<boolean> {
    return this.previous();
  }

  @Field(() => String, { nullable: true })
  get startCursor(): string | null {
    return this.start();
  }

  @Field(() => String, { nullable: true })
  get endCursor(): string | null {
    return this.end();
  }
}
