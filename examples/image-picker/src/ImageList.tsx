import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { describeImage } from './format.js';
import type { PickerImagesQuery } from './gql/graphql.js';

type Connection = PickerImagesQuery['images'];

/**
 * The matching images, and more as the end of the list comes on screen: `onLoadMore` runs when the
 * marker below the last row is (nearly) visible, there is a next page and none is on its way
 * (without `onLoadMore`, after a page failed, the list waits for a retry).
 */
export function ImageList({
  images,
  rowNotes,
  loadingMore,
  onLoadMore,
  tools,
}: {
  images: Connection;
  rowNotes: ReadonlyMap<string, string>;
  loadingMore: boolean;
  onLoadMore?: (after: string) => void;
  /** Shown beside the count (the sort). */
  tools: ReactNode;
}): ReactElement {
  const end = useRef<HTMLDivElement>(null);
  const { hasNextPage, endCursor } = images.pageInfo;
  useEffect(() => {
    const marker = end.current;
    if (!marker || !hasNextPage || !endCursor || loadingMore || !onLoadMore) return;
    // An observer per page: its first report says where the marker is once this page is laid out,
    // so a marker still on screen (a tall window) loads the next page too, and one pushed off does not.
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (!entry?.isIntersecting) return;
        observer.disconnect();
        onLoadMore(endCursor);
      },
      { rootMargin: '0px 0px 200px 0px' },
    );
    observer.observe(marker);
    return () => observer.disconnect();
  }, [hasNextPage, endCursor, loadingMore, onLoadMore]);

  return (
    <section className="list" aria-label="Matching images">
      <div className="list-head">
        <h2 className="total">
          {images.totalCount} {images.totalCount === 1 ? 'image' : 'images'}
        </h2>
        {tools}
      </div>
      <ol className="rows" aria-label="Images">
        {images.edges.map((edge, index) => {
          const note = edge && rowNotes.get(edge.cursor);
          const node = edge?.node;
          return (
            <li key={edge?.cursor ?? index} className={node ? 'row' : 'row row-unreadable'} data-image-id={node?.imageId}>
              <div className="row-name">
                {node ? node.name : 'An image that could not be read'}
                {node && node.status !== 'ACTIVE' && <span className="badge">{node.status.toLowerCase()}</span>}
              </div>
              {node && <div className="row-meta">{describeImage(node)}</div>}
              {note && <div className="row-note">Partial: {note}</div>}
            </li>
          );
        })}
      </ol>
      <div ref={end} className="list-end">
        {loadingMore ? 'Loading more…' : hasNextPage ? '' : images.edges.length > 0 ? 'End of the list.' : 'Nothing matches.'}
      </div>
    </section>
  );
}
