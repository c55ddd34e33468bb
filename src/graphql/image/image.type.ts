import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CloudImagesError } from '../../upstream/errors.js';
import type { ImageInfo } from '../../upstream/wire.js';
import { Node } from '../relay/node.interface.js';
import { ByteSizeScalar } from '../scalars/byte-size.scalar.js';
import { DateTimeScalar } from '../scalars/date-time.scalar.js';
import { DiskFormat } from './disk-format.enum.js';
import { FirmwareType } from './firmware-type.enum.js';
import { ImageOs } from './image-os.type.js';
import { ImageStatus } from './image-status.enum.js';
import { ImageSupport } from './image-support.type.js';
import { ImageType } from './image-type.enum.js';
import { ImageVisibility } from './image-visibility.enum.js';
import { VirtualEnvType } from './virtual-env-type.enum.js';

/**
 * A cloud image as one caller sees it in one region. It holds the upstream object as received and
 * reads each field from it only when a query asks for it: the field declarations below are the
 * schema, and their getters are installed from the pure readers of image.mapper.ts (nothing is
 * mapped up front; beside this object, only the two small views `os` and `support` are built).
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A cloud image as the tenant sees it in one region (upstream `ImageInfo`).' })
export class Image implements Node {
  constructor(raw: ImageInfo, region: string) {
    this.raw = raw;
    this.region = region;
    this.os = new ImageOs(raw);
    this.support = new ImageSupport(raw);
  }

  @Field(() => ID, { description: 'Global, opaque id (region and image id); `node(id:)` refetches it.' })
  id!: string;

  @Field(() => String, { description: 'The upstream image id (a UUID).' })
  imageId!: string;

  @Field(() => String, { description: 'The region the image was listed in.' })
  region: string;

  @Field(() => String, { description: 'Upstream `name`; not unique: several images may share one.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Upstream `__description`; null when empty.' })
  description!: string | null;

  @Field(() => ImageStatus, { description: 'Upstream `status`: ACTIVE when ready to use.' })
  status!: ImageStatus;

  @Field(() => ImageVisibility, { description: 'Upstream `visibility`: who can see the image.' })
  visibility!: ImageVisibility;

  @Field(() => ImageType, { description: 'Upstream `__imagetype`.' })
  imageType!: ImageType;

  @Field(() => Boolean, { nullable: true, description: 'Upstream `__isregistered`: whether the image is usable.' })
  registered!: boolean | null;

  @Field(() => String, { description: 'Project (tenant) id of the owner.' })
  owner!: string;

  @Field(() => Boolean, { description: 'Protected images cannot be deleted.' })
  protected!: boolean;

  @Field(() => [String], { description: 'Upstream `tags`: its strings as sent; empty when none.' })
  tags!: string[];

  @Field(() => ImageOs, { description: 'The operating system inside the image (upstream `__os_*` and `__platform`).' })
  readonly os: ImageOs;

  @Field(() => ImageSupport, { description: 'Virtualization, flavor and GPU support (upstream `__support_*`).' })
  readonly support: ImageSupport;

  @Field(() => DiskFormat, { nullable: true, description: 'Upstream `disk_format`; null when the image has none.' })
  diskFormat!: DiskFormat | null;

  @Field(() => String, { nullable: true, description: 'E.g. "bare".' })
  containerFormat!: string | null;

  @Field(() => ByteSizeScalar, { nullable: true, description: 'Upstream `__image_size`: the image file size in bytes.' })
  imageSize!: string | null;

  @Field(() => Int, { description: 'Minimum system disk, GB.' })
  minDisk!: number;

  @Field(() => Int, { description: 'Minimum memory, MB (0 when not set).' })
  minRam!: number;

  @Field(() => Int, { nullable: true, description: 'Maximum memory, MB.' })
  maxRam!: number | null;

  @Field(() => VirtualEnvType, { description: 'Upstream `virtual_env_type`: ECS (FUSION_COMPUTE), bare metal (IRONIC), data disk or ISO image.' })
  virtualEnvType!: VirtualEnvType;

  @Field(() => FirmwareType, { nullable: true, description: 'Upstream `hw_firmware_type`.' })
  firmwareType!: FirmwareType | null;

  // A date the upstream sent unreadable is the field's own error, returned as its value (see upstream-date.ts).
  @Field(() => DateTimeScalar, { description: 'Upstream `created_at`, in UTC. An unreadable value fails this field (UPSTREAM_ERROR); `raw` has it as sent.' })
  createdAt!: string | CloudImagesError;

  @Field(() => DateTimeScalar, { description: 'Upstream `updated_at`, in UTC. An unreadable value fails this field (UPSTREAM_ERROR); `raw` has it as sent.' })
  updatedAt!: string | CloudImagesError;

  @Field(() => String, { nullable: true, description: 'Upstream `__originalimagename`: the image this one was made from.' })
  parentImageId!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__image_source_type`: backend storage, e.g. "uds".' })
  imageSourceType!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__backup_id`: the backup the image was made from.' })
  backupId!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__data_origin`: where the image came from.' })
  dataOrigin!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `data_source` (undocumented).' })
  dataSource!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__productcode`: market product id.' })
  productCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__root_origin`: "file" when imported.' })
  rootOrigin!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `__sequence_num`: system disk slot (unused upstream).' })
  sequenceNum!: string | null;

  @Field(() => String, { nullable: true, description: 'Unused upstream.' })
  checksum!: string | null;

  @Field(() => ByteSizeScalar, { nullable: true, description: 'Upstream `size` (unused upstream).' })
  size!: string | null;

  @Field(() => ByteSizeScalar, { nullable: true, description: 'Upstream `virtual_size` (unused upstream).' })
  virtualSize!: string | null;

  @Field(() => String, { nullable: true, description: '"0" (or null) is the default enterprise project; otherwise a UUID.' })
  enterpriseProjectId!: string | null;

  @Field(() => String, { nullable: true, description: 'Upload/download link.' })
  file!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `schema`: the view.' })
  schema!: string | null;

  @Field(() => String, { nullable: true, description: 'Upstream `self`: the image link.' })
  self!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Upstream `hw_vif_multiqueue_enabled`: NIC multi-queue.' })
  vifMultiqueueEnabled!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Upstream `__lazyloading` (undocumented).' })
  lazyLoading!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Upstream `deleted` (undocumented).' })
  deleted!: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Upstream `deleted_at` (undocumented); null when empty.' })
  deletedAt!: string | CloudImagesError | null;

  @Field(() => GraphQLJSONObject, { description: 'The upstream object exactly as received, undocumented keys included.' })
  raw: ImageInfo;
}
