import type { ListedDocument, TrustedDocumentList, TrustedDocumentsMode } from '../apollo/trusted-documents.js';

/**
 * Which document a /graphql request runs, decided before Apollo parses anything: the request names
 * a listed document by `documentId` (GraphQL over HTTP's persisted documents, in the JSON body or
 * the query string) or by `extensions.persistedQuery.sha256Hash` (Apollo Client's persisted-queries
 * link), and is handed to Apollo with that document's text as its `query`; or it sends a `query`.
 *
 * - An id that is not listed is refused in every mode (PERSISTED_QUERY_NOT_FOUND), never guessed;
 *   in `allow` and `off`, an Apollo persisted-query hash the list does not have goes to Apollo's own
 *   automatic persisted queries instead, as without a list.
 * - An id and a `query` together must be the same document (else BAD_REQUEST); a malformed
 *   `persistedQuery` is BAD_REQUEST in `enforce`, and left to Apollo (which refuses it) elsewhere.
 * - `enforce`: a `query` runs only when its text is exactly a listed document's; any other is refused
 *   with TRUSTED_DOCUMENT_REQUIRED (HTTP 400), so automatic persisted queries cannot register one.
 * - `allow`: any other `query` runs too, marked untrusted (counted once Apollo resolves it).
 * - `off`: nothing is looked up.
 */

/** The parts of a request the decision reads, and those it may rewrite for Apollo. */
export interface DocumentRequest {
  method: string;
  /** The query string, without `?`. */
  search: string;
  /** The parsed JSON body (POST). */
  body: unknown;
}

/** What the access line and the metrics learn of the decision. */
export interface DocumentUse {
  /** The id the request named, when it named one. */
  id?: string;
  /** The request runs a listed document (named by id, or sent as its exact text). */
  trusted: boolean;
}

export type DocumentDecision =
  | { kind: 'run'; request: DocumentRequest; use: DocumentUse }
  | { kind: 'refuse'; status: number; code: string; message: string; headers: Record<string, string>; use: DocumentUse };

export const TRUSTED_DOCUMENT_REQUIRED = 'TRUSTED_DOCUMENT_REQUIRED';
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';

/** As Apollo answers its own PERSISTED_QUERY_NOT_FOUND: 200 (Apollo Client's link retries on it), never cached. */
const NOT_FOUND = { status: 200, code: PERSISTED_QUERY_NOT_FOUND, headers: { 'cache-control': 'private, no-cache, must-revalidate' } } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the request sent: its id (either form), its query, its extensions; or why it cannot be read. */
interface Sent {
  documentId?: unknown;
  extensions?: Record<string, unknown>;
  query?: unknown;
}

function sentBy({ method, search, body }: DocumentRequest): Sent {
  if (method === 'GET' || method === 'HEAD') {
    const params = new URLSearchParams(search);
    let extensions: unknown;
    try {
      extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
    } catch {
      // Apollo refuses the request for it.
      extensions = undefined;
    }
    return {
      ...(params.has('documentId') ? { documentId: params.get('documentId') } : {}),
      ...(isRecord(extensions) ? { extensions } : {}),
      ...(params.has('query') ? { query: params.get('query') } : {}),
    };
  }
  if (!isRecord(body)) return {};
  return {
    ...(body.documentId !== undefined && body.documentId !== null ? { documentId: body.documentId } : {}),
    ...(isRecord(body.extensions) ? { extensions: body.extensions } : {}),
    ...(body.query !== undefined && body.query !== null ? { query: body.query } : {}),
  };
}

/** The request with the listed document as its `query`, and neither `documentId` nor `extensions.persistedQuery` left for Apollo. */
function withDocument(request: DocumentRequest, listed: ListedDocument, sent: Sent): DocumentRequest {
  const { persistedQuery: _persistedQuery, ...extensions } = sent.extensions ?? {};
  const keepExtensions = Object.keys(extensions).length > 0;
  if (request.method === 'GET' || request.method === 'HEAD') {
    const params = new URLSearchParams(request.search);
    params.delete('documentId');
    params.set('query', listed.body);
    if (keepExtensions) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    return { ...request, search: params.toString() };
  }
  const { documentId: _documentId, extensions: _extensions, ...rest } = request.body as Record<string, unknown>;
  return { ...request, body: { ...rest, query: listed.body, ...(keepExtensions ? { extensions } : {}) } };
}

/** An id as messages repeat it: a client's string, so bounded. */
function shown(id: string): string {
  return id.length <= 80 ? id : `${id.slice(0, 77)}...`;
}

function refuse(status: number, code: string, message: string, use: DocumentUse, headers: Record<string, string> = {}): DocumentDecision {
  return { kind: 'refuse', status, code, message, headers, use };
}

/** Decides which document a request runs (see the module's comment). */
export function decideDocument(list: TrustedDocumentList | undefined, mode: TrustedDocumentsMode, request: DocumentRequest): DocumentDecision {
  if (mode === 'off') return { kind: 'run', request, use: { trusted: false } };
  const sent = sentBy(request);
  const persisted = sent.extensions?.persistedQuery;
  if (sent.documentId !== undefined && typeof sent.documentId !== 'string') {
    return refuse(400, 'BAD_REQUEST', '`documentId` must be a string: the id of a listed document.', { trusted: false });
  }
  if (persisted !== undefined && (!isRecord(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== 'string')) {
    // Elsewhere Apollo refuses it, with its own message, as without a list.
    if (mode === 'enforce') return refuse(400, 'BAD_REQUEST', '`extensions.persistedQuery` must be `{ version: 1, sha256Hash: "<hash>" }`.', { trusted: false });
    return { kind: 'run', request, use: { trusted: false } };
  }
  if (sent.query !== undefined && typeof sent.query !== 'string') return { kind: 'run', request, use: { trusted: false } };
  const query = sent.query as string | undefined;
  const byDocumentId = sent.documentId !== undefined;
  const id = byDocumentId ? (sent.documentId as string) : (persisted?.sha256Hash as string | undefined);

  if (id !== undefined) {
    const use = { id, trusted: false };
    const listed = list?.find(id);
    if (listed) {
      if (query !== undefined && query !== listed.body) {
        return refuse(400, 'BAD_REQUEST', `The query sent is not the listed document ${shown(id)}: send the id alone, or the document's exact text with it.`, use);
      }
      return { kind: 'run', request: withDocument(request, listed, sent), use: { id, trusted: true } };
    }
    if (mode === 'enforce' && query !== undefined) {
      return refuse(400, TRUSTED_DOCUMENT_REQUIRED, `No document is listed as ${shown(id)}, and this server runs listed documents only: the query cannot be registered.`, use);
    }
    if (byDocumentId || mode === 'enforce') return refuse(NOT_FOUND.status, NOT_FOUND.code, `No document is listed as ${shown(id)}.`, use, NOT_FOUND.headers);
    // allow: an Apollo persisted-query hash the list does not have is Apollo's own automatic persisted query.
    return { kind: 'run', request, use };
  }

  if (query === undefined) return { kind: 'run', request, use: { trusted: false } };
  if (list?.withText(query)) return { kind: 'run', request, use: { trusted: true } };
  if (mode === 'enforce') {
    return refuse(400, TRUSTED_DOCUMENT_REQUIRED, 'This server runs listed documents only: send the `documentId` of a document your build listed (or its exact text).', { trusted: false });
  }
  return { kind: 'run', request, use: { trusted: false } };
}
