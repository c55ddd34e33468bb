import { Field, InputType } from 'type-graphql';

@InputType({
  description:
    'Support flags to filter on. The upstream only matches flags that are present, so a flag can only be required (`true`); `false` is rejected.',
})
export class ImageSupportFilter {
  @Field(() => Boolean, { nullable: true, description: '`__support_kvm`.' })
  kvm?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_xen`.' })
  xen?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_largememory`.' })
  largeMemory?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_diskintensive`.' })
  diskIntensive?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_highperformance`.' })
  highPerformance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_kvm_infiniband`.' })
  kvmInfiniband?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_xen_hana`.' })
  xenHana?: boolean | null;

  @Field(() => String, { nullable: true, description: '`__support_kvm_gpu_type`, e.g. "V100_vGPU" or "RTX5000".' })
  kvmGpuType?: string | null;

  @Field(() => String, { nullable: true, description: '`__support_xen_gpu_type`, e.g. "M60_vGPU".' })
  xenGpuType?: string | null;
}
