import { Field, ObjectType } from 'type-graphql';
import type { ImageInfo } from '../../upstream/wire.js';

/** Read on demand from the upstream object, like Image (getters from image.mapper.ts). */
@ObjectType({ simpleResolvers: true, description: 'What an image supports (upstream `__support_*`; an absent flag is false).' })
export class ImageSupport {
  constructor(readonly raw: ImageInfo) {}

  @Field(() => Boolean, { description: 'KVM virtualization (`__support_kvm`).' })
  kvm!: boolean;

  @Field(() => Boolean, { description: 'XEN virtualization (`__support_xen`).' })
  xen!: boolean;

  @Field(() => Boolean, { description: 'Large-memory flavors (`__support_largememory`).' })
  largeMemory!: boolean;

  @Field(() => Boolean, { description: 'Disk-intensive flavors (`__support_diskintensive`).' })
  diskIntensive!: boolean;

  @Field(() => Boolean, { description: 'High-performance flavors (`__support_highperformance`).' })
  highPerformance!: boolean;

  @Field(() => Boolean, { description: 'InfiniBand NICs under KVM (`__support_kvm_infiniband`).' })
  kvmInfiniband!: boolean;

  @Field(() => Boolean, { description: 'SAP HANA under XEN (`__support_xen_hana`).' })
  xenHana!: boolean;

  @Field(() => Boolean, { description: 'ARM architecture (`__support_arm`).' })
  arm!: boolean;

  @Field(() => Boolean, { description: 'AMD architecture (`__support_amd`).' })
  amd!: boolean;

  @Field(() => Boolean, { description: 'NVIDIA T4 GPUs (`__support_gpu_t4`, undocumented upstream).' })
  gpuT4!: boolean;

  @Field(() => String, { nullable: true, description: 'GPU type under KVM (`__support_kvm_gpu_type`), e.g. "V100_vGPU", "RTX5000".' })
  kvmGpuType!: string | null;

  @Field(() => String, { nullable: true, description: 'GPU type under XEN (`__support_xen_gpu_type`), e.g. "M60_vGPU".' })
  xenGpuType!: string | null;
}
