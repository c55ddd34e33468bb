/**
 * The error answers of Huawei's API gateway (APIGW.*) and image service (IMG.*, and the HTML of a
 * 503 from the load balancer in front), as the real ones look: clients are tested against these.
 */

/** An answer to send; the Content-Type is JSON unless `headers` say otherwise. */
export interface ErrorAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

function gatewayError(status: number, errorCode: string, errorMsg: string, requestId: string, headers?: Record<string, string>): ErrorAnswer {
  const body = JSON.stringify({ error_code: errorCode, error_msg: errorMsg, request_id: requestId });
  return headers ? { status, body, headers } : { status, body };
}

/** 404 APIGW.0101: no such API (any path or method but GET /v1/cloudimages/{region_id}). */
export function apiNotFound(requestId: string): ErrorAnswer {
  return gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', requestId);
}

/** 429 APIGW.0308: throttled (before authentication, as the gateway does). */
export function throttled(requestId: string, retryAfterSeconds: number): ErrorAnswer {
  return gatewayError(429, 'APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second', requestId, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** 401 APIGW.0301: credentials missing or refused; `message` says which (it never holds a secret). */
export function unauthorized(requestId: string, message: string): ErrorAnswer {
  return gatewayError(401, 'APIGW.0301', message, requestId);
}

/** 503 with the load balancer's HTML page. */
export function serviceUnavailable(): ErrorAnswer {
  return {
    status: 503,
    body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>',
    headers: { 'Content-Type': 'text/html' },
  };
}

/** 500 from the image service, in its own (IMS) body. */
export function imageServiceError(): ErrorAnswer {
  return { status: 500, body: JSON.stringify({ error: { code: 'IMG.0001', message: 'An internal error occurred in the image service.' } }) };
}
