import { Field, ObjectType } from 'type-graphql';
import type { Lazy } from '../../images/lazy.js';

@ObjectType({ simpleResolvers: true, description: 'Relay page information; `hasNextPage` and `hasPreviousPage` are exact in the direction of travel.' })
export class PageInfo {
  constructor(
    private readonly next: Lazy<boolean>,
    private readonly previous: Lazy<boolean>,
    private readonly start: () => string | null,
    private readonly end: () => string | null,
  ) {}

  @Field(() => Boolean, { description: 'Whether more nodes follow this page; exact when paging forward (`first`), otherwise whether `before` was given.' })
  get hasNextPage(): Promise<boolean> {
    return this.next();
  }

  @Field(() => Boolean, { description: 'Whether more nodes precede this page; exact when paging backward (`last`), otherwise whether `after` was given.' })
  get hasPreviousPage(): Promise<boolean> {
    return this.previous();
  }

  @Field(() => String, { nullable: true, description: 'Cursor of the first node of the page (pass it as `before`); null when the page is empty.' })
  get startCursor(): string | null {
    return this.start();
  }

  @Field(() => String, { nullable: true, description: 'Cursor of the last node of the page (pass it as `after`); null when the page is empty.' })
  get endCursor(): string | null {
    return this.end();
  }
}
