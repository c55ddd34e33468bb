import type { ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import { ClientGone, CloudImagesError, ErrorCode } from '../upstream/errors.js';

/**
 * One AbortSignal per request: it fires when the request's deadline passes, or when its client
 * goes away before the answer is sent, and every upstream call of the request listens to it.
 */
export function requestSignal(res: ServerResponse, deadlineMs: number): AbortSignal {
  const controller = new AbortController();
  // Every upstream call of the request listens while it waits its turn: hundreds are expected, not a leak.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => {
    controller.abort(
      new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, `The request ran past its deadline of ${deadlineMs} ms (REQUEST_DEADLINE_MS): its remaining calls to the image service were cancelled.`),
    );
  }, deadlineMs);
  timer.unref();
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(new ClientGone());
  });
  return controller.signal;
}
