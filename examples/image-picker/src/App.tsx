import { NetworkStatus } from '@apollo/client';
import { skipToken, useApolloClient, useQuery } from '@apollo/client/react';
import { useCallback, useState, useSyncExternalStore, type ReactElement } from 'react';
import { PAGE_SIZE, SEARCH_DEBOUNCE_MS } from './config.js';
import { Controls, SortSelect } from './Controls.js';
import { CostFooter } from './CostFooter.js';
import { noticeOf, problemsOf, type Notice } from './errors.js';
import { filterOf, INITIAL_CHOICES, SORTS, type Choices } from './filters.js';
import { useDebounced } from './hooks.js';
import { ImageList } from './ImageList.js';
import { LatestImage } from './LatestImage.js';
import { NoticeBanner } from './Notice.js';
import { PickerFacetsDocument, PickerImagesDocument, PickerRegionsDocument } from './queries.js';
import type { ResponseStore } from './response-store.js';
import { rememberToken } from './token.js';

/**
 * The picker: three queries (the regions; the facets and newest image; the list, page by page),
 * all keyed by what the person picked. A query that fails outright shows one notice for all of
 * them; partial rows show their own notes.
 */
export function App({ responses }: { responses: ResponseStore }): ReactElement {
  const client = useApolloClient();
  const { costs, rowNotes } = useSyncExternalStore(responses.subscribe, responses.getSnapshot);
  const [picked, setPicked] = useState<Omit<Choices, 'search'>>({ region: '', ...INITIAL_CHOICES });
  const [searchText, setSearchText] = useState(INITIAL_CHOICES.search);
  const search = useDebounced(searchText, SEARCH_DEBOUNCE_MS);

  const regions = useQuery(PickerRegionsDocument);
  const regionList = regions.data?.regions ?? [];
  // Until the person picks one, the first region the server lists.
  const choices: Choices = { ...picked, region: picked.region || regionList[0] || '', search };
  const filter = filterOf(choices);
  const facets = useQuery(PickerFacetsDocument, choices.region ? { variables: { region: choices.region, filter }, errorPolicy: 'all' } : skipToken);
  const list = useQuery(
    PickerImagesDocument,
    choices.region ? { variables: { region: choices.region, filter, sort: SORTS[choices.sort].sort, first: PAGE_SIZE }, errorPolicy: 'all' } : skipToken,
  );

  // A next page that failed stops loading on scroll until retried (or the choices change, which makes a new list).
  const listKey = JSON.stringify([choices.region, filter, choices.sort]);
  const [moreFailed, setMoreFailed] = useState<{ listKey: string; notice: Notice }>();
  const { fetchMore } = list;
  const loadMore = useCallback(
    (after: string): void => {
      const stop = (error: unknown): void => {
        const notice = noticeOf(problemsOf(error));
        if (notice) setMoreFailed({ listKey, notice });
      };
      void fetchMore({ variables: { after } }).then((result) => {
        if (result.error && !result.data) stop(result.error);
      }, stop);
    },
    [fetchMore, listKey],
  );

  const failed = [
    regions.error && !regions.data ? regions.error : undefined,
    facets.error && !facets.data ? facets.error : undefined,
    list.error && !list.data ? list.error : undefined,
  ].flatMap((error) => (error ? problemsOf(error) : []));
  const notice = noticeOf(failed) ?? (moreFailed?.listKey === listKey ? moreFailed.notice : undefined);

  const retry = (): void => {
    setMoreFailed(undefined);
    void client.refetchObservableQueries();
  };
  const signIn = (token: string): void => {
    rememberToken(token);
    setMoreFailed(undefined);
    // Everything cached was asked for with the old token.
    void client.resetStore();
  };

  // Shown while a new list loads too, so the control does not jump away under the pointer.
  const sortSelect = <SortSelect sort={choices.sort} onChange={(sort) => setPicked((previous) => ({ ...previous, sort }))} />;

  return (
    <div className="app">
      <header className="header">
        <h1>Pick an image</h1>
        <p>A reference picker over cloudimages-graphql: React, Apollo Client and typed documents.</p>
      </header>
      <Controls
        regions={regionList}
        choices={choices}
        searchText={searchText}
        facets={facets.data?.imageFacets}
        onSearch={setSearchText}
        onChange={(change) => setPicked((previous) => ({ ...previous, ...change }))}
      />
      {notice && <NoticeBanner notice={notice} onRetry={retry} onSignIn={signIn} />}
      <div className="content">
        {list.data ? (
          <ImageList
            images={list.data.images}
            rowNotes={rowNotes}
            loadingMore={list.networkStatus === NetworkStatus.fetchMore}
            {...(moreFailed?.listKey === listKey ? {} : { onLoadMore: loadMore })}
            tools={sortSelect}
          />
        ) : (
          <section className="list" aria-label="Matching images">
            <div className="list-head">
              <h2 className="total">{list.loading ? 'Loading images…' : ''}</h2>
              {sortSelect}
            </div>
          </section>
        )}
        <LatestImage image={facets.data?.latestImage} />
      </div>
      <CostFooter costs={costs} />
    </div>
  );
}
