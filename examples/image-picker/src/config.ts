/**
 * Where the API is and whom to call it as, fixed when the app is built (`VITE_API_URL`,
 * `VITE_API_TOKEN`); the defaults are `npm start`'s: http://127.0.0.1:4000 in emulator mode, with
 * its demo token (demo data, no secret). A real app gets its token from its own sign-in instead.
 */

/** The API's base URL, without `/graphql`. */
export const API_URL: string = (import.meta.env.VITE_API_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');

/** Sent as `X-Auth-Token` until the person signs in with another. */
export const DEFAULT_TOKEN: string = import.meta.env.VITE_API_TOKEN ?? 'demo-token-alice';

/** Rows per page: the first page, and each one loaded on scrolling. */
export const PAGE_SIZE = 20;

/** How long the search box waits after the last key before it asks the API. */
export const SEARCH_DEBOUNCE_MS = 300;
