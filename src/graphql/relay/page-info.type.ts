import { Field, ObjectType } from 'type-graphql';

/** A value computed on first read and then kept: the page-of-500 probe runs only when selected. */
export type Lazy<T> = () => Promise<T>;

export function lazy<T>(compute: () => Promise<T>): Lazy<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}

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
