import type { Server } from 'node:http';
import type { ImageWatch } from '../../images/image-watch.js';
import type { LiveTransportOptions } from './live-options.js';
import { sseTransport, type SseTransport } from './sse-transport.js';
import { webSocketTransport } from './ws-transport.js';

/**
 * Both subscription transports of /graphql, and their way down: on close, no new subscription is
 * accepted, every watch gets its last event (SHUTTING_DOWN) and completes, and the transports wait
 * for that (at most the grace period) before WebSocket connections are closed (1001, going away).
 */

export interface LiveTransports {
  /** GET/POST /graphql/stream. */
  sse: SseTransport;
  /** Ends every subscription (see above) within `graceMs`. */
  close(graceMs: number): Promise<void>;
}

export function startLiveTransports(httpServer: Server, options: LiveTransportOptions & { watch: ImageWatch }): LiveTransports {
  const sse = sseTransport(options);
  const ws = webSocketTransport(httpServer, options);
  return {
    sse,
    async close(graceMs) {
      const deadline = Date.now() + graceMs;
      sse.stopAccepting();
      ws.stopAccepting();
      options.watch.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([options.slots.whenDrained(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      if (options.slots.total > 0) options.log.warn({ open: options.slots.total, graceMs }, 'subscriptions still open at the end of the shutdown grace period: their connections are cut');
      await ws.close(Math.max(0, deadline - Date.now()));
    },
  };
}
