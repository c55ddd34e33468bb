import { Field, InputType } from 'type-graphql';

/**
 * The flags stay Boolean: GraphQL has no type that admits `true` alone, and the alternatives (a
 * one-value enum, a `True` scalar that generated clients type as `unknown`) would change the
 * contract's field types for a worse client experience. `false` is refused by toListQuery instead.
 */
@InputType({
  description:
    'Support flags and GPU types the image must have. The upstream only matches flags that are present, so a flag can only be required: pass `true` or leave it out; `false` is refused (BAD_USER_INPUT) before any upstream call.',
})
export class ImageSupportFilter {
  @Field(() => Boolean, { nullable: true, description: '`__support_kvm`: `true` keeps only images that support KVM virtualization; `false` is refused.' })
  kvm?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_xen`: `true` keeps only images that support XEN virtualization; `false` is refused.' })
  xen?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_largememory`: `true` keeps only images that support large-memory flavors; `false` is refused.' })
  largeMemory?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_diskintensive`: `true` keeps only images that support disk-intensive flavors; `false` is refused.' })
  diskIntensive?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_highperformance`: `true` keeps only images that support high-performance flavors; `false` is refused.' })
  highPerformance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_kvm_infiniband`: `true` keeps only images that support InfiniBand NICs under KVM; `false` is refused.' })
  kvmInfiniband?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '`__support_xen_hana`: `true` keeps only images that support SAP HANA under XEN; `false` is refused.' })
  xenHana?: boolean | null;

  @Field(() => String, { nullable: true, description: '`__support_kvm_gpu_type`: exact GPU type under KVM, e.g. "V100_vGPU" or "RTX5000".' })
  kvmGpuType?: string | null;

  @Field(() => String, { nullable: true, description: '`__support_xen_gpu_type`: exact GPU type under XEN, e.g. "M60_vGPU".' })
  xenGpuType?: string | null;
}
