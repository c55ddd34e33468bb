import { Field, InputType } from 'type-graphql';
import { ImageSortKey } from './image-sort-key.enum.js';
import { SortDirection } from './sort-direction.enum.js';

@InputType({ description: 'Listing order; the upstream default is newest first (CREATED_AT, DESC). Ties are broken by image id.' })
export class ImageSort {
  @Field(() => ImageSortKey, { defaultValue: ImageSortKey.CREATED_AT, description: 'What to order by (upstream `sort_key`).' })
  key: ImageSortKey = ImageSortKey.CREATED_AT;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'Which way (upstream `sort_dir`).' })
  direction: SortDirection = SortDirection.DESC;
}
