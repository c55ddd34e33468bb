import { graphql } from 'relay-runtime';

// relay-runtime and react-relay are the app's dependencies, not this repository's: here only
// relay-compiler reads these files (test/examples/relay.spec.ts).
//
// A page of images that grows with usePaginationFragment(imageListFragment, ...).loadNext(n):
// @connection keeps the edges in the store under one key per region, filter and sort, and
// @refetchable makes the query that fetches the next page (first: $count, after: $cursor).
export const imageListFragment = graphql`
  fragment ImageList_query on Query
  @refetchable(queryName: "ImageListPaginationQuery")
  @argumentDefinitions(
    region: { type: "String!" }
    filter: { type: "ImageFilter" }
    sort: { type: "ImageSort" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  ) {
    images(region: $region, filter: $filter, sort: $sort, first: $count, after: $cursor)
      @connection(key: "ImageList_images", filters: ["region", "filter", "sort"]) {
      edges {
        node {
          id
          ...ImageRow_image
        }
      }
    }
  }
`;

export const imageListQuery = graphql`
  query ImageListQuery($region: String!, $filter: ImageFilter, $sort: ImageSort) {
    ...ImageList_query @arguments(region: $region, filter: $filter, sort: $sort)
  }
`;
