import { graphql } from 'relay-runtime';

// One image of the list; useRefetchableFragment(imageRowFragment, ...)[1]({}) refetches it alone,
// through Query.node(id:) (Image implements Node), into the same store record.
export const imageRowFragment = graphql`
  fragment ImageRow_image on Image @refetchable(queryName: "ImageRowRefetchQuery") {
    imageId
    name
    status
    imageSize
    createdAt
  }
`;
