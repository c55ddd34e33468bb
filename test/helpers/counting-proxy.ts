import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy that forwards every request to `target` and counts how many are in flight
 * at once. The emulator logs a request only when it answers, so concurrency is measured here,
 * in front of it: a request is in flight from its arrival until its answer has been sent back.
 */

export interface CountingProxy {
  /** Base URL to give the upstream client, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Where requests go, e.g. the emulator's URL; requests before it is set answer 502. */
  target: string | undefined;
  /** Requests in flight right now. */
  readonly inFlight: number;
  /** The most requests ever in flight at once since start or `reset()`. */
  readonly maxInFlight: number;
  /** Requests received since start or `reset()`. */
  readonly total: number;
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const agent = new Agent({ keepAlive: true });
  let inFlight = 0;
  let maxInFlight = 0;
  let total = 0;
  let target: string | undefined;

  const server = createServer((req, res) => {
    total++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight--;
    };
    // Done when the answer has been handed over ('finish') or the connection is gone ('close').
    res.on('finish', finish);
    res.on('close', finish);
    if (target === undefined) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no target');
      return;
    }
    const upstream = new URL(req.url ?? '/', target);
    const forward = request(
      upstream,
      { method: req.method, headers: forwardable(req.headers), agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('proxy failure');
    });
    req.pipe(forward);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return target;
    },
    set target(value: string | undefined) {
      target = value;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get total() {
      return total;
    },
    reset(): void {
      maxInFlight = inFlight;
      total = 0;
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
