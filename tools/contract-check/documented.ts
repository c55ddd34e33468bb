/**
 * The response keys the reference documents (shared/reference/ListCloudImages.md, "ImageInfo"),
 * sorted by what the contract check looks at in them.
 */

/** Keys documented as booleans, whether `"true"`/`"false"` strings or JSON booleans. */
export const BOOLEAN_KEYS = [
  '__isregistered',
  '__support_kvm',
  '__support_xen',
  '__support_largememory',
  '__support_diskintensive',
  '__support_highperformance',
  '__support_kvm_infiniband',
  '__support_xen_hana',
  '__support_arm',
  '__support_amd',
  'protected',
  'hw_vif_multiqueue_enabled',
] as const;

/** Flags documented as `"true"` or absent: how a false one travels is worth checking. */
export const TRUE_OR_ABSENT_KEYS = [
  '__support_kvm',
  '__support_xen',
  '__support_largememory',
  '__support_diskintensive',
  '__support_highperformance',
  '__support_kvm_infiniband',
  '__support_xen_hana',
] as const;

/** Every other documented key. */
export const OTHER_KEYS = [
  'id',
  'name',
  'status',
  'visibility',
  '__imagetype',
  '__os_type',
  '__os_version',
  '__os_bit',
  '__platform',
  '__image_size',
  '__image_source_type',
  '__backup_id',
  '__data_origin',
  '__description',
  '__originalimagename',
  '__productcode',
  '__root_origin',
  '__sequence_num',
  '__support_kvm_gpu_type',
  '__support_xen_gpu_type',
  'checksum',
  'size',
  'virtual_size',
  'container_format',
  'disk_format',
  'created_at',
  'updated_at',
  'enterprise_project_id',
  'file',
  'min_disk',
  'min_ram',
  'max_ram',
  'owner',
  'schema',
  'self',
  'tags',
  'virtual_env_type',
  'hw_firmware_type',
] as const;

/** Keys the official SDK's model marks required (`*` in the reference). */
export const REQUIRED_KEYS = [
  'id',
  'name',
  'status',
  'visibility',
  '__imagetype',
  '__isregistered',
  '__os_type',
  '__image_size',
  '__image_source_type',
  'container_format',
  'created_at',
  'updated_at',
  'min_disk',
  'min_ram',
  'owner',
  'protected',
  'self',
  'tags',
  'virtual_env_type',
] as const;

export const DOCUMENTED_KEYS: ReadonlySet<string> = new Set<string>([...BOOLEAN_KEYS, ...OTHER_KEYS]);
