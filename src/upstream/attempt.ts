import { errors as undiciErrors, type Dispatcher } from 'undici';
import { authHeaders, redactor } from './auth-headers.js';
import type { Credentials, ListImagesResult } from './client.js';
import { ClientGone, CloudImagesError, ErrorCode, errorFromResponse, isRetryableStatus } from './errors.js';
import { CancelledAttempt, RetryableFailure } from './retry-policy.js';

/** What one attempt sends, and where. */
export interface AttemptRequest {
  pool: Dispatcher;
  url: URL;
  credentials: Credentials;
  /** Added by observers (e.g. `traceparent`). */
  headers: Record<string, string> | undefined;
  /** The pool's `maxResponseSize`, named in the error when a body passes it. */
  maxResponseBytes: number;
}

/** How an attempt may end early: its own timeout, or its call's caller going away (deadline, client gone). */
export interface AttemptSignals {
  /** Aborted by either: the attempt's timeout (cockatiel's), derived from `caller`. */
  attempt: AbortSignal;
  caller: AbortSignal | undefined;
  timeoutMs: number;
  /** The timeout is what is left of the call's budget: its running out ends the call (no retry). */
  last: boolean;
}

export type AttemptResult = ListImagesResult & { status: number };

/**
 * One GET, once it holds one of the pool's connections (its timeout covers the attempt, not the wait
 * for a connection): the response read and mapped to images or to the upstream's error. A failure
 * another attempt may cure is thrown as a RetryableFailure.
 */
export async function sendAttempt(request: AttemptRequest, signals: AttemptSignals): Promise<AttemptResult> {
  const { url, credentials } = request;
  const { caller } = signals;
  // Cancelled while it waited for a connection: no call was made, nothing to count.
  if (caller?.aborted) throw new CancelledAttempt();
  let response: Dispatcher.ResponseData;
  let body: string;
  try {
    const headers = authHeaders(credentials, url);
    response = await request.pool.request({
      method: 'GET',
      path: `${url.pathname}${url.search}`,
      signal: signals.attempt,
      headers: request.headers ? { ...request.headers, ...headers } : headers,
    });
    body = await response.body.text();
  } catch (error) {
    if (caller?.aborted) {
      // The caller going away is no outage (the breaker must not count it); the call's budget or
      // the request's deadline running out while the upstream still had not answered is one.
      if (caller.reason instanceof ClientGone) throw new CancelledAttempt();
      throw new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'The image service did not answer before the call ran out of time');
    }
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
      throw new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a response larger than ${request.maxResponseBytes} bytes`);
    }
    if (signals.attempt.aborted && signals.last) throw new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'The image service did not answer before the call ran out of time');
    if (signals.attempt.aborted) {
      throw new RetryableFailure(new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, `The image service did not answer within ${signals.timeoutMs} ms`));
    }
    const reason = error instanceof Error ? ((error as Error & { code?: string }).code ?? error.name) : 'unknown error';
    throw new RetryableFailure(new CloudImagesError(ErrorCode.UPSTREAM_UNAVAILABLE, `The image service could not be reached (${reason})`));
  }
  const requestId = header(response.headers, 'x-request-id');
  const { statusCode: status } = response;
  if (status < 200 || status >= 300) {
    // An upstream that echoes the token must not make it part of our error (DESIGN: never in errors).
    const redact = redactor(credentials);
    const wait = isRetryableStatus(status) ? retryAfter(header(response.headers, 'retry-after')) : undefined;
    const error = errorFromResponse(status, redact(body), requestId === null ? null : redact(requestId), wait);
    if (status === 401 && 'aksk' in credentials) throw serverCredentialsRefused(error);
    throw isRetryableStatus(status) ? new RetryableFailure(error) : error;
  }
  return { images: parseImages(body, status, requestId), requestId, status, bytes: body.length };
}

/**
 * The upstream refusing the server's own signature is the server's misconfiguration, not the
 * caller's: UPSTREAM_ERROR and HTTP 502, never a 401 that would send a frontend to its login page.
 */
function serverCredentialsRefused(error: CloudImagesError): CloudImagesError {
  return new CloudImagesError(
    ErrorCode.UPSTREAM_ERROR,
    `The image service refused this server's own credentials (HUAWEICLOUD_SDK_AK/SK): ${error.upstream?.code ?? 'HTTP 401'}. The server's configuration needs fixing; the caller can do nothing about it.`,
    error.upstream,
    undefined,
    502,
  );
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseImages(body: string, status: number, requestId: string | null): ListImagesResult['images'] {
  const malformed = (why: string): CloudImagesError =>
    new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a malformed response: ${why}`, { status, code: null, message: why, requestId });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed('the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray((parsed as { images?: unknown }).images)) {
    throw malformed('no "images" array');
  }
  const images = (parsed as { images: unknown[] }).images;
  for (const image of images) {
    if (image === null || typeof image !== 'object' || Array.isArray(image) || typeof (image as { id?: unknown }).id !== 'string') {
      throw malformed('an entry of "images" is not an image object with an id');
    }
  }
  return images as ListImagesResult['images'];
}
