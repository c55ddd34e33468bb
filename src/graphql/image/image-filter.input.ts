import { Field, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/date-time.scalar.js';
import { Architecture } from './architecture.enum.js';
import { ImageStatus } from './image-status.enum.js';
import { ImageSupportFilter } from './image-support-filter.input.js';
import { ImageType } from './image-type.enum.js';
import { ImageVisibility } from './image-visibility.enum.js';
import { OsType } from './os-type.enum.js';
import { VirtualEnvType } from './virtual-env-type.enum.js';

@InputType({
  description:
    'Every query parameter of the upstream listing (exact matches, passed through), and filters the upstream cannot apply (`nameContains`, `platform`, `architecture`, `hasGpu`, `createdAfter`, `createdBefore`), applied to a snapshot of the listing. `UNKNOWN` is never a valid filter value.',
})
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

  @Field(() => String, { nullable: true, description: 'Case-insensitive part of `name` (CJK too). Read from a snapshot.' })
  nameContains?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact `__platform`, e.g. "Ubuntu", "CentOS", "Windows". Read from a snapshot.' })
  platform?: string | null;

  @Field(() => Architecture, { nullable: true, description: 'ARM (`__support_arm` true) or X86. Read from a snapshot.' })
  architecture?: Architecture | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the image has a GPU type or a GPU flag (`__support_kvm_gpu_type`, `__support_xen_gpu_type`, `__support_gpu_t4`). Read from a snapshot.' })
  hasGpu?: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created strictly after this instant. Read from a snapshot.' })
  createdAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created strictly before this instant. Read from a snapshot.' })
  createdBefore?: Date | null;
}
