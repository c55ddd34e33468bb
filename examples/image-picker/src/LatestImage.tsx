import type { ReactElement } from 'react';
import { describeImage } from './format.js';
import type { PickerImageFragment } from './gql/graphql.js';

/** `latestImage`: the newest ACTIVE image the choices match; null: none does; undefined: not known yet. */
export function LatestImage({ image }: { image: PickerImageFragment | null | undefined }): ReactElement {
  return (
    <section className="card" aria-label="Newest matching image">
      <h2>Newest matching image</h2>
      {image ? (
        <>
          <p className="card-name">{image.name}</p>
          <p className="row-meta">{describeImage(image)}</p>
          <p className="card-id">
            <code>{image.imageId}</code>
          </p>
        </>
      ) : (
        <p>{image === null ? 'No active image matches.' : '…'}</p>
      )}
    </section>
  );
}
