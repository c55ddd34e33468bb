import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'How many images have one value of a facet.' })
export class FacetCount {
  @Field(() => String, { description: 'The GraphQL enum name for enum-typed facets (`LINUX`, `ACTIVE`, `ZVHD2`, `GOLD`, `X86`); the upstream string for `platform` and `gpuType`.' })
  value!: string;

  @Field(() => Int, { description: 'Images with this value.' })
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Counts by value for each facet, most common first (then by value); values no image has are left out.' })
export class ImageFacets {
  @Field(() => [FacetCount], { description: 'By `OsType`, ignoring the filter\'s `osType`.' })
  osType!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `__platform`, ignoring the filter\'s `platform`.' })
  platform!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `Architecture`, ignoring the filter\'s `architecture`.' })
  architecture!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By GPU type (KVM and XEN GPU types, "T4"), ignoring the filter\'s `hasGpu`; an image counts once per GPU type it names.' })
  gpuType!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `ImageStatus`, ignoring the filter\'s `status`.' })
  status!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `DiskFormat` (images without one are left out).' })
  diskFormat!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `ImageType`, ignoring the filter\'s `imageType`.' })
  imageType!: FacetCount[];
}
