import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page size from the start (or after `after`): 0 to 500, default 20.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to start after.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size from the end (or before `before`): 0 to 500.' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to end before.' })
  before?: string | null;
}
