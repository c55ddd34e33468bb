import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/**
 * The API's errors as the picker shows them: by `extensions.code` (see the README's table), from
 * whatever Apollo Client made of the response, and notes for rows that came back partial.
 */

export interface Problem {
  code: string;
  message: string;
  /** RATE_LIMITED: when to ask again. */
  retryAfterSeconds?: number;
}

/** What the person sees for a failed query: sign in, wait, or the error and a retry. */
export type Notice =
  | { kind: 'sign-in' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'failed'; code: string; message: string };

interface ErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: unknown; retryAfterSeconds?: unknown };
}

function problemOf({ message, extensions }: ErrorEntry): Problem {
  const code = typeof extensions?.code === 'string' ? extensions.code : 'ERROR';
  const retryAfterSeconds = typeof extensions?.retryAfterSeconds === 'number' ? extensions.retryAfterSeconds : undefined;
  return { code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

/** The errors of a JSON body, if it is one (an HTTP error answer usually carries the API's errors). */
function bodyErrors(text: string): ErrorEntry[] {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    return Array.isArray(body.errors) ? (body.errors as ErrorEntry[]) : [];
  } catch {
    return [];
  }
}

/** The API's errors behind an Apollo Client error: GraphQL errors, an HTTP error answer, or no answer at all. */
export function problemsOf(error: unknown): Problem[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map(problemOf);
  if (ServerError.is(error)) {
    const errors = bodyErrors(error.bodyText);
    if (errors.length > 0) return errors.map(problemOf);
    return [{ code: error.statusCode === 401 ? 'UNAUTHENTICATED' : `HTTP_${error.statusCode}`, message: error.message }];
  }
  // fetch's own failure: the API is down, or the browser refused the answer (CORS).
  return [{ code: 'NETWORK_ERROR', message: error instanceof Error ? error.message : String(error) }];
}

/** The one notice for a failed query: signing in comes first, then waiting, then the first error. */
export function noticeOf(problems: readonly Problem[]): Notice | undefined {
  if (problems.some((problem) => problem.code === 'UNAUTHENTICATED')) return { kind: 'sign-in' };
  const limited = problems.find((problem) => problem.code === 'RATE_LIMITED');
  if (limited) return { kind: 'rate-limited', retryAfterSeconds: limited.retryAfterSeconds ?? 1 };
  const [first] = problems;
  return first && { kind: 'failed', code: first.code, message: first.message };
}

interface ConnectionResult {
  data?: Record<string, unknown> | null;
  errors?: readonly ErrorEntry[];
}

/**
 * Notes on rows a response sent partial, by edge cursor (stable across pages, unlike the index in
 * one response): an error at `[<connection>, "edges", i, ...]` is about that edge's image.
 */
export function rowNotesOf({ data, errors }: ConnectionResult): Map<string, string> {
  const notes = new Map<string, string>();
  for (const error of errors ?? []) {
    const [field, edges, index, ...rest] = error.path ?? [];
    if (typeof field !== 'string' || edges !== 'edges' || typeof index !== 'number') continue;
    const connection = data?.[field] as { edges?: readonly ({ cursor?: string } | null)[] } | null | undefined;
    const cursor = connection?.edges?.[index]?.cursor;
    if (!cursor) continue;
    const { code } = problemOf(error);
    const what = rest.filter((part): part is string => typeof part === 'string' && part !== 'node').join('.');
    const note = what ? `${what} could not be read (${code})` : `this image could not be read (${code})`;
    notes.set(cursor, notes.has(cursor) ? `${notes.get(cursor)}; ${note}` : note);
  }
  return notes;
}
