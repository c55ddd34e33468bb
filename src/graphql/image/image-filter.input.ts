import { Field, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/date-time.scalar.js';
import { Architecture } from './architecture.enum.js';
import { ImageStatusFilter } from './image-status.enum.js';
import { ImageSupportFilter } from './image-support-filter.input.js';
import { ImageTypeFilter } from './image-type.enum.js';
import { ImageVisibilityFilter } from './image-visibility.enum.js';
import { OsTypeFilter } from './os-type.enum.js';
import { VirtualEnvTypeFilter } from './virtual-env-type.enum.js';

@InputType({
  description:
    'Every query parameter of the upstream listing (exact matches, passed through), and filters the upstream cannot apply (`nameContains`, `platform`, `architecture`, `hasGpu`, `createdAfter`, `createdBefore`), applied to a snapshot of the listing. Enum fields take only the values the upstream filters on (no `UNKNOWN`). Fields combine with AND.',
})
export class ImageFilter {
  @Field(() => ImageTypeFilter, { nullable: true, description: '`__imagetype`: GOLD (public) or PRIVATE.' })
  imageType?: ImageTypeFilter | null;

  @Field(() => Boolean, { nullable: true, description: '`__isregistered`; the upstream ignores it for GOLD images, so that pair is rejected.' })
  registered?: boolean | null;

  @Field(() => OsTypeFilter, { nullable: true, description: '`__os_type`: the OS family.' })
  osType?: OsTypeFilter | null;

  @Field(() => String, { nullable: true, description: '`id`: one image id.' })
  imageId?: string | null;

  @Field(() => String, { nullable: true, description: '`name`: exact image name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: '`owner`: project (tenant) id.' })
  owner?: string | null;

  @Field(() => Boolean, { nullable: true, description: '`protected`: whether the image is protected from deletion.' })
  protected?: boolean | null;

  @Field(() => ImageStatusFilter, { nullable: true, description: '`status`: the lifecycle state, e.g. ACTIVE for images ready to use.' })
  status?: ImageStatusFilter | null;

  @Field(() => VirtualEnvTypeFilter, { nullable: true, description: '`virtual_env_type`: the upstream accepts FUSION_COMPUTE only.' })
  virtualEnvType?: VirtualEnvTypeFilter | null;

  @Field(() => ImageVisibilityFilter, { nullable: true, description: '`visibility`: PUBLIC or PRIVATE.' })
  visibility?: ImageVisibilityFilter | null;

  @Field(() => ImageSupportFilter, { nullable: true, description: '`__support_*` flags the image must have, and GPU types.' })
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
