import { graphql } from './gql/index.js';

/**
 * The picker's operations. `graphql()` returns each typed once codegen has run
 * (`npx graphql-codegen --config examples/image-picker/codegen.ts` from the repository root).
 */

export const PickerImageFragment = graphql(`
  fragment PickerImage on Image {
    id
    imageId
    name
    status
    imageType
    os {
      type
      platform
      version
    }
    imageSize
    minDisk
    createdAt
    support {
      arm
      kvmGpuType
      xenGpuType
      gpuT4
    }
  }
`);

export const PickerRegionsDocument = graphql(`
  query PickerRegions {
    regions
  }
`);

/** The dropdowns' counts (each facet ignores its own filter) and the newest matching image. */
export const PickerFacetsDocument = graphql(`
  query PickerFacets($region: String!, $filter: ImageFilter!) {
    imageFacets(region: $region, filter: $filter) {
      osType {
        value
        count
      }
      platform {
        value
        count
      }
      architecture {
        value
        count
      }
      gpuType {
        value
        count
      }
    }
    latestImage(region: $region, filter: $filter) {
      ...PickerImage
    }
  }
`);

/** One page of the list; the next with `after` = `pageInfo.endCursor` (merged by relayStylePagination). */
export const PickerImagesDocument = graphql(`
  query PickerImages($region: String!, $filter: ImageFilter!, $sort: ImageSort!, $first: Int!, $after: String) {
    images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          ...PickerImage
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
