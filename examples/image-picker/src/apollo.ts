import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { relayStylePagination } from '@apollo/client/utilities';
import { API_URL } from './config.js';
import type { ResponseStore } from './response-store.js';
import { currentToken } from './token.js';

/**
 * Apollo Client for the picker: the token in `X-Auth-Token` on every request (read per request,
 * so signing in takes effect at once), responses recorded for the footer and row notes, and
 * `images` pages merged by relayStylePagination, one list per region, filter and sort (the
 * arguments a cursor is bound to).
 */
export function createClient(responses: ResponseStore): ApolloClient {
  const auth = new SetContextLink((previous) => ({ headers: { ...previous.headers, 'X-Auth-Token': currentToken() } }));
  return new ApolloClient({
    link: ApolloLink.from([auth, responses.link(), new HttpLink({ uri: `${API_URL}/graphql` })]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { images: relayStylePagination(['region', 'filter', 'sort']) } },
      },
    }),
  });
}
