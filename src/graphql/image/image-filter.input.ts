import { Field, InputType } from 'type-graphql';
import { ImageStatus } from './image-status.enum.js';
import { ImageSupportFilter } from './image-support-filter.input.js';
import { ImageType } from './image-type.enum.js';
import { ImageVisibility } from './image-visibility.enum.js';
import { OsType } from './os-type.enum.js';
import { VirtualEnvType } from './virtual-env-type.enum.js';

@InputType({ description: 'Every query parameter of the upstream listing; all exact matches. `UNKNOWN` is never a valid filter value.' })
export class ImageFilter {
  @Field(() => ImageType, { nullable: true, description: '`__imagetype`: GOLD (public) or PRIVATE.' })
  imageType?: ImageType | null;

  @Field(() => Boolean, { nullable: true, description: '`__isregistered`; the upstream ignores it for GOLD images, so that pair is rejected.' })
  registered?: boolean | null;

  @Field(() => OsType, { nullable: true, description: '`__os_type`.' })
  osType?: OsType | null;

  @Field(() => String, { nullable: true, description: '`id`: one image id.' })
  imageId?: string | null;

  @Field(() => String, { nullable: true, description: '`name`: exact image name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: '`owner`: project (tenant) id.' })
  owner?: string | null;

  @Field(() => Boolean, { nullable: true, description: '`protected`.' })
  protected?: boolean | null;

  @Field(() => ImageStatus, { nullable: true, description: '`status`.' })
  status?: ImageStatus | null;

  @Field(() => VirtualEnvType, { nullable: true, description: '`virtual_env_type`: the upstream accepts FUSION_COMPUTE only.' })
  virtualEnvType?: VirtualEnvType | null;

  @Field(() => ImageVisibility, { nullable: true, description: '`visibility`: PUBLIC or PRIVATE.' })
  visibility?: ImageVisibility | null;

  @Field(() => ImageSupportFilter, { nullable: true, description: '`__support_*` flags and GPU types.' })
  support?: ImageSupportFilter | null;
}
