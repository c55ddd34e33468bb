import { Field, Int, ObjectType } from 'type-graphql';
import type { ImageInfo } from '../../upstream/wire.js';
import { OsType } from './os-type.enum.js';

/** Read on demand from the upstream object, like Image (getters from image.mapper.ts). */
@ObjectType({ simpleResolvers: true, description: 'The operating system inside an image.' })
export class ImageOs {
  constructor(readonly raw: ImageInfo) {}

  @Field(() => OsType, { description: 'Upstream `__os_type`.' })
  type!: OsType;

  @Field(() => String, { nullable: true, description: 'Upstream `__os_version`, e.g. "Ubuntu 22.04 server 64bit".' })
  version!: string | null;

  @Field(() => Int, { nullable: true, description: 'Upstream `__os_bit`: 32 or 64.' })
  bit!: number | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__platform`, e.g. "Ubuntu", "Windows", "Huawei Cloud EulerOS".' })
  platform!: string | null;
}
