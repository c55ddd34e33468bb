/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** CPU architecture an image runs on: ARM when upstream `__support_arm` is true, X86 otherwise. */
export type Architecture =
  /** ARM: `__support_arm` true. */
  | 'ARM'
  /** x86-64: `__support_arm` absent or false. */
  | 'X86';

/** Every query parameter of the upstream listing (exact matches, passed through), and filters the upstream cannot apply (`nameContains`, `platform`, `architecture`, `hasGpu`, `createdAfter`, `createdBefore`), applied to a snapshot of the listing. Enum fields take only the values the upstream filters on (no `UNKNOWN`). Fields combine with AND. */
export type ImageFilter = {
  /** ARM (`__support_arm` true) or X86. Read from a snapshot. */
  architecture?: Architecture | null | undefined;
  /** Created strictly after this instant. Read from a snapshot. */
  createdAfter?: string | null | undefined;
  /** Created strictly before this instant. Read from a snapshot. */
  createdBefore?: string | null | undefined;
  /** Whether the image has a GPU type or a GPU flag (`__support_kvm_gpu_type`, `__support_xen_gpu_type`, `__support_gpu_t4`). Read from a snapshot. */
  hasGpu?: boolean | null | undefined;
  /** `id`: one image id. */
  imageId?: string | null | undefined;
  /** `__imagetype`: GOLD (public) or PRIVATE. */
  imageType?: ImageTypeFilter | null | undefined;
  /** `name`: exact image name. */
  name?: string | null | undefined;
  /** Case-insensitive part of `name` (CJK too). Read from a snapshot. */
  nameContains?: string | null | undefined;
  /** `__os_type`: the OS family. */
  osType?: OsTypeFilter | null | undefined;
  /** `owner`: project (tenant) id. */
  owner?: string | null | undefined;
  /** Exact `__platform`, e.g. "Ubuntu", "CentOS", "Windows". Read from a snapshot. */
  platform?: string | null | undefined;
  /** `protected`: whether the image is protected from deletion. */
  protected?: boolean | null | undefined;
  /** `__isregistered`; the upstream ignores it for GOLD images, so that pair is rejected. */
  registered?: boolean | null | undefined;
  /** `status`: the lifecycle state, e.g. ACTIVE for images ready to use. */
  status?: ImageStatusFilter | null | undefined;
  /** `__support_*` flags the image must have, and GPU types. */
  support?: ImageSupportFilter | null | undefined;
  /** `virtual_env_type`: the upstream accepts FUSION_COMPUTE only. */
  virtualEnvType?: VirtualEnvTypeFilter | null | undefined;
  /** `visibility`: PUBLIC or PRIVATE. */
  visibility?: ImageVisibilityFilter | null | undefined;
};

/** Listing order; the upstream default is newest first (CREATED_AT, DESC). Ties are broken by image id. */
export type ImageSort = {
  /** Which way (upstream `sort_dir`). */
  direction?: SortDirection;
  /** What to order by (upstream `sort_key`). */
  key?: ImageSortKey;
};

/** The image attribute a listing is ordered by (upstream `sort_key`); ties are broken by image id. */
export type ImageSortKey =
  /** `created_at`, the upstream default. */
  | 'CREATED_AT'
  /** `disk_format`. */
  | 'DISK_FORMAT'
  /** `name`. */
  | 'NAME'
  /** `status`. */
  | 'STATUS';

/** Lifecycle state of an image (upstream `status`). */
export type ImageStatus =
  /** `active`: ready to use. */
  | 'ACTIVE'
  /** `deleted`: the image was deleted. */
  | 'DELETED'
  /** `killed`: the upload failed. */
  | 'KILLED'
  /** `queued`: the image is registered; its file is not uploaded yet. */
  | 'QUEUED'
  /** `saving`: the image file is being uploaded. */
  | 'SAVING'
  /** A value this API does not know yet; the image's `raw` keeps the original. */
  | 'UNKNOWN';

/** The `ImageStatus`es a filter accepts (upstream `status`). */
export type ImageStatusFilter =
  /** `active`: ready to use. */
  | 'ACTIVE'
  /** `deleted`: the image was deleted. */
  | 'DELETED'
  /** `killed`: the upload failed. */
  | 'KILLED'
  /** `queued`: the image is registered; its file is not uploaded yet. */
  | 'QUEUED'
  /** `saving`: the image file is being uploaded. */
  | 'SAVING';

/** Support flags and GPU types the image must have. The upstream only matches flags that are present, so a flag can only be required: pass `true` or leave it out; `false` is refused (BAD_USER_INPUT) before any upstream call. */
export type ImageSupportFilter = {
  /** `__support_diskintensive`: `true` keeps only images that support disk-intensive flavors; `false` is refused. */
  diskIntensive?: boolean | null | undefined;
  /** `__support_highperformance`: `true` keeps only images that support high-performance flavors; `false` is refused. */
  highPerformance?: boolean | null | undefined;
  /** `__support_kvm`: `true` keeps only images that support KVM virtualization; `false` is refused. */
  kvm?: boolean | null | undefined;
  /** `__support_kvm_gpu_type`: exact GPU type under KVM, e.g. "V100_vGPU" or "RTX5000". */
  kvmGpuType?: string | null | undefined;
  /** `__support_kvm_infiniband`: `true` keeps only images that support InfiniBand NICs under KVM; `false` is refused. */
  kvmInfiniband?: boolean | null | undefined;
  /** `__support_largememory`: `true` keeps only images that support large-memory flavors; `false` is refused. */
  largeMemory?: boolean | null | undefined;
  /** `__support_xen`: `true` keeps only images that support XEN virtualization; `false` is refused. */
  xen?: boolean | null | undefined;
  /** `__support_xen_gpu_type`: exact GPU type under XEN, e.g. "M60_vGPU". */
  xenGpuType?: string | null | undefined;
  /** `__support_xen_hana`: `true` keeps only images that support SAP HANA under XEN; `false` is refused. */
  xenHana?: boolean | null | undefined;
};

/** Where an image comes from (upstream `__imagetype`): public (gold), private, shared or market. */
export type ImageType =
  /** `gold`: a public image, provided by the cloud. */
  | 'GOLD'
  /** `market`: a KooGallery (marketplace) image. */
  | 'MARKET'
  /** `private`: an image of the caller's own project. */
  | 'PRIVATE'
  /** `shared`: another project's image, shared with the caller. */
  | 'SHARED'
  /** A value this API does not know yet; the image's `raw` keeps the original. */
  | 'UNKNOWN';

/** The `ImageType`s a filter accepts (upstream `__imagetype`): the upstream filters on GOLD and PRIVATE only. SHARED and MARKET images are listed, but cannot be filtered on. */
export type ImageTypeFilter =
  /** `gold`: a public image, provided by the cloud. */
  | 'GOLD'
  /** `private`: an image of the caller's own project. */
  | 'PRIVATE';

/** The `ImageVisibility` values a filter accepts (upstream `visibility`): the upstream filters on PUBLIC and PRIVATE only. */
export type ImageVisibilityFilter =
  /** `private`: only its owner sees it. */
  | 'PRIVATE'
  /** `public`: every project sees it. */
  | 'PUBLIC';

/** Operating system family (upstream `__os_type`). */
export type OsType =
  /** `Linux`. */
  | 'LINUX'
  /** `Other`: neither Linux nor Windows. */
  | 'OTHER'
  /** A value this API does not know yet; the image's `raw` keeps the original. */
  | 'UNKNOWN'
  /** `Windows`. */
  | 'WINDOWS';

/** The `OsType`s a filter accepts (upstream `__os_type`). */
export type OsTypeFilter =
  /** `Linux`. */
  | 'LINUX'
  /** `Other`: neither Linux nor Windows. */
  | 'OTHER'
  /** `Windows`. */
  | 'WINDOWS';

/** Ascending or descending order (upstream `sort_dir`). */
export type SortDirection =
  /** `asc`. */
  | 'ASC'
  /** `desc`, the upstream default. */
  | 'DESC';

/** The `VirtualEnvType`s a filter accepts (upstream `virtual_env_type`): the upstream filters on FUSION_COMPUTE only. */
export type VirtualEnvTypeFilter =
  /** `FusionCompute`: an image for ECS (virtual machine) instances. */
  | 'FUSION_COMPUTE';

export type PickerImageFragment = { id: string, imageId: string, name: string, status: ImageStatus, imageType: ImageType, imageSize: string | null, minDisk: number, createdAt: string, os: { type: OsType, platform: string | null, version: string | null }, support: { arm: boolean, kvmGpuType: string | null, xenGpuType: string | null, gpuT4: boolean } };

export type PickerRegionsQueryVariables = Exact<{ [key: string]: never; }>;


export type PickerRegionsQuery = { regions: Array<string> };

export type PickerFacetsQueryVariables = Exact<{
  region: string;
  filter: ImageFilter;
}>;


export type PickerFacetsQuery = { imageFacets: { osType: Array<{ value: string, count: number }>, platform: Array<{ value: string, count: number }>, architecture: Array<{ value: string, count: number }>, gpuType: Array<{ value: string, count: number }> }, latestImage: { id: string, imageId: string, name: string, status: ImageStatus, imageType: ImageType, imageSize: string | null, minDisk: number, createdAt: string, os: { type: OsType, platform: string | null, version: string | null }, support: { arm: boolean, kvmGpuType: string | null, xenGpuType: string | null, gpuT4: boolean } } | null };

export type PickerImagesQueryVariables = Exact<{
  region: string;
  filter: ImageFilter;
  sort: ImageSort;
  first: number;
  after?: string | null | undefined;
}>;


export type PickerImagesQuery = { images: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, imageId: string, name: string, status: ImageStatus, imageType: ImageType, imageSize: string | null, minDisk: number, createdAt: string, os: { type: OsType, platform: string | null, version: string | null }, support: { arm: boolean, kvmGpuType: string | null, xenGpuType: string | null, gpuT4: boolean } } | null } | null>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export const PickerImageFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PickerImage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"imageType"}},{"kind":"Field","name":{"kind":"Name","value":"os"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"imageSize"}},{"kind":"Field","name":{"kind":"Name","value":"minDisk"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"support"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"arm"}},{"kind":"Field","name":{"kind":"Name","value":"kvmGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"xenGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuT4"}}]}}]}}]} as unknown as DocumentNode<PickerImageFragment, unknown>;
export const PickerRegionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickerRegions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"regions"}}]}}]} as unknown as DocumentNode<PickerRegionsQuery, PickerRegionsQueryVariables>;
export const PickerFacetsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickerFacets"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"region"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImageFilter"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageFacets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"osType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"architecture"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"gpuType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PickerImage"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PickerImage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"imageType"}},{"kind":"Field","name":{"kind":"Name","value":"os"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"imageSize"}},{"kind":"Field","name":{"kind":"Name","value":"minDisk"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"support"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"arm"}},{"kind":"Field","name":{"kind":"Name","value":"kvmGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"xenGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuT4"}}]}}]}}]} as unknown as DocumentNode<PickerFacetsQuery, PickerFacetsQueryVariables>;
export const PickerImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickerImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"region"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImageFilter"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImageSort"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PickerImage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PickerImage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"imageId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"imageType"}},{"kind":"Field","name":{"kind":"Name","value":"os"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"imageSize"}},{"kind":"Field","name":{"kind":"Name","value":"minDisk"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"support"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"arm"}},{"kind":"Field","name":{"kind":"Name","value":"kvmGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"xenGpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuT4"}}]}}]}}]} as unknown as DocumentNode<PickerImagesQuery, PickerImagesQueryVariables>;