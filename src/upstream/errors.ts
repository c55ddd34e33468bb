/**
 * The API's one error vocabulary: every `extensions.code` it answers with (beside graphql-js's and
 * Apollo's own), and every way a call to the upstream can fail, as one error type with one of those
 * codes. The GraphQL layer turns `code` into `extensions.code` and `upstream` into
 * `extensions.upstream` (apollo/format-error.ts); nothing else maps codes.
 */

export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** Subscriptions (live status): one over MAX_SUBSCRIPTIONS_PER_CONNECTION or MAX_SUBSCRIPTIONS_PER_CALLER. */
  TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS',
  /** Subscriptions: the last event of a watch that lasted WATCH_MAX_MS. */
  WATCH_EXPIRED = 'WATCH_EXPIRED',
  /** Subscriptions: the last event of a watch the server ended as it stops. */
  SHUTTING_DOWN = 'SHUTTING_DOWN',
}

/** The codes an upstream call can fail with. */
export type CloudImagesErrorCode = Exclude<ErrorCode, ErrorCode.INTERNAL_SERVER_ERROR | ErrorCode.TOO_MANY_SUBSCRIPTIONS | ErrorCode.WATCH_EXPIRED | ErrorCode.SHUTTING_DOWN>;

/** What the upstream said, when it said anything. */
export interface UpstreamDetails {
  status: number | null;
  code: string | null;
  message: string | null;
  requestId: string | null;
}

export class CloudImagesError extends Error {
  /** GraphQL copies a cause's `extensions` into its error; Apollo answers with `http.status` when set. */
  readonly extensions?: { http: { status: number } };

  constructor(
    readonly code: CloudImagesErrorCode,
    message: string,
    readonly upstream?: UpstreamDetails,
    /** Seconds the upstream asked us to wait (`Retry-After` on a 429, 502, 503 or 504). */
    readonly retryAfterSeconds?: number,
    /** The HTTP status the whole GraphQL response should carry, when this error decides it. */
    httpStatus?: number,
  ) {
    super(message);
    this.name = 'CloudImagesError';
    if (httpStatus !== undefined) this.extensions = { http: { status: httpStatus } };
  }
}

/** Status codes worth another attempt: throttling and the gateway's transient failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** The one place that decides which code an upstream HTTP status becomes. */
export function codeForStatus(status: number): CloudImagesErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.BAD_USER_INPUT;
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 429:
      return ErrorCode.RATE_LIMITED;
    case 502:
    case 503:
    case 504:
      return ErrorCode.UPSTREAM_UNAVAILABLE;
    default:
      return ErrorCode.UPSTREAM_ERROR;
  }
}

const MAX_MESSAGE_LENGTH = 300;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_MESSAGE_LENGTH) : null;
}

/**
 * Reads an error body of any shape the upstream's layers send: IEC and API gateway
 * `{error_code, error_msg, request_id?}`, IMS `{error: {code, message}}`, or no JSON at all.
 */
export function parseErrorBody(body: string): { code: string | null; message: string | null; requestId: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const plain = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { code: null, message: text(plain), requestId: null };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { code: null, message: text(body), requestId: null };
  }
  const record = parsed as Record<string, unknown>;
  const nested = record.error;
  if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) {
    const inner = nested as Record<string, unknown>;
    return {
      code: text(inner.code) ?? text(inner.error_code),
      message: text(inner.message) ?? text(inner.error_msg),
      requestId: text(record.request_id),
    };
  }
  return {
    code: text(record.error_code) ?? text(record.code),
    message: text(record.error_msg) ?? text(record.message) ?? (typeof nested === 'string' ? text(nested) : null),
    requestId: text(record.request_id),
  };
}

export function errorFromResponse(status: number, body: string, requestIdHeader: string | null, retryAfterSeconds?: number): CloudImagesError {
  const parsed = parseErrorBody(body);
  const upstream: UpstreamDetails = {
    status,
    code: parsed.code,
    message: parsed.message,
    requestId: requestIdHeader ?? parsed.requestId,
  };
  const what = [parsed.code, parsed.message].filter(Boolean).join(': ');
  // The caller's credentials refused upstream: HTTP 401 for the whole response as well (AK/SK mode turns it into a 502 first).
  return new CloudImagesError(codeForStatus(status), `The image service answered HTTP ${status}${what ? ` (${what})` : ''}`, upstream, retryAfterSeconds, status === 401 ? 401 : undefined);
}

/** The reason a call is cancelled when the GraphQL request's client goes away: no outage, nothing to retry. */
export class ClientGone extends CloudImagesError {
  constructor() {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, 'The client closed the connection before the answer was sent.');
    this.name = 'ClientGone';
  }
}
