/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment PickerImage on Image {\n    id\n    imageId\n    name\n    status\n    imageType\n    os {\n      type\n      platform\n      version\n    }\n    imageSize\n    minDisk\n    createdAt\n    support {\n      arm\n      kvmGpuType\n      xenGpuType\n      gpuT4\n    }\n  }\n": typeof types.PickerImageFragmentDoc,
    "\n  query PickerRegions {\n    regions\n  }\n": typeof types.PickerRegionsDocument,
    "\n  query PickerFacets($region: String!, $filter: ImageFilter!) {\n    imageFacets(region: $region, filter: $filter) {\n      osType {\n        value\n        count\n      }\n      platform {\n        value\n        count\n      }\n      architecture {\n        value\n        count\n      }\n      gpuType {\n        value\n        count\n      }\n    }\n    latestImage(region: $region, filter: $filter) {\n      ...PickerImage\n    }\n  }\n": typeof types.PickerFacetsDocument,
    "\n  query PickerImages($region: String!, $filter: ImageFilter!, $sort: ImageSort!, $first: Int!, $after: String) {\n    images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...PickerImage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.PickerImagesDocument,
};
const documents: Documents = {
    "\n  fragment PickerImage on Image {\n    id\n    imageId\n    name\n    status\n    imageType\n    os {\n      type\n      platform\n      version\n    }\n    imageSize\n    minDisk\n    createdAt\n    support {\n      arm\n      kvmGpuType\n      xenGpuType\n      gpuT4\n    }\n  }\n": types.PickerImageFragmentDoc,
    "\n  query PickerRegions {\n    regions\n  }\n": types.PickerRegionsDocument,
    "\n  query PickerFacets($region: String!, $filter: ImageFilter!) {\n    imageFacets(region: $region, filter: $filter) {\n      osType {\n        value\n        count\n      }\n      platform {\n        value\n        count\n      }\n      architecture {\n        value\n        count\n      }\n      gpuType {\n        value\n        count\n      }\n    }\n    latestImage(region: $region, filter: $filter) {\n      ...PickerImage\n    }\n  }\n": types.PickerFacetsDocument,
    "\n  query PickerImages($region: String!, $filter: ImageFilter!, $sort: ImageSort!, $first: Int!, $after: String) {\n    images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...PickerImage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.PickerImagesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PickerImage on Image {\n    id\n    imageId\n    name\n    status\n    imageType\n    os {\n      type\n      platform\n      version\n    }\n    imageSize\n    minDisk\n    createdAt\n    support {\n      arm\n      kvmGpuType\n      xenGpuType\n      gpuT4\n    }\n  }\n"): (typeof documents)["\n  fragment PickerImage on Image {\n    id\n    imageId\n    name\n    status\n    imageType\n    os {\n      type\n      platform\n      version\n    }\n    imageSize\n    minDisk\n    createdAt\n    support {\n      arm\n      kvmGpuType\n      xenGpuType\n      gpuT4\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickerRegions {\n    regions\n  }\n"): (typeof documents)["\n  query PickerRegions {\n    regions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickerFacets($region: String!, $filter: ImageFilter!) {\n    imageFacets(region: $region, filter: $filter) {\n      osType {\n        value\n        count\n      }\n      platform {\n        value\n        count\n      }\n      architecture {\n        value\n        count\n      }\n      gpuType {\n        value\n        count\n      }\n    }\n    latestImage(region: $region, filter: $filter) {\n      ...PickerImage\n    }\n  }\n"): (typeof documents)["\n  query PickerFacets($region: String!, $filter: ImageFilter!) {\n    imageFacets(region: $region, filter: $filter) {\n      osType {\n        value\n        count\n      }\n      platform {\n        value\n        count\n      }\n      architecture {\n        value\n        count\n      }\n      gpuType {\n        value\n        count\n      }\n    }\n    latestImage(region: $region, filter: $filter) {\n      ...PickerImage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickerImages($region: String!, $filter: ImageFilter!, $sort: ImageSort!, $first: Int!, $after: String) {\n    images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...PickerImage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query PickerImages($region: String!, $filter: ImageFilter!, $sort: ImageSort!, $first: Int!, $after: String) {\n    images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...PickerImage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;