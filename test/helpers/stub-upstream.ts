import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { perFile } from './per-file.js';

/**
 * A scripted stand-in for the upstream on loopback: each request is answered by the next handler
 * in the queue (or the fallback), and recorded with its raw target and headers. For client tests
 * that need exact bodies, headers, hangs and broken connections the emulator does not play.
 */

export interface StubRequest {
  method: string;
  /** The request target exactly as sent (path and query). */
  target: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export type StubHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface StubUpstream {
  url: string;
  port: number;
  requests: StubRequest[];
  /** Queue handlers, answered in order; when the queue is empty the fallback answers. */
  enqueue(...handlers: StubHandler[]): void;
  setFallback(handler: StubHandler): void;
  reset(): void;
  close(): Promise<void>;
}

/** A minimal, readable upstream image numbered `n` (its id ends in n), for stub answers. */
export function stubImage(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `image ${n}`,
    status: 'active',
    visibility: 'public',
    __imagetype: 'gold',
    __os_type: 'Linux',
    __image_size: '1',
    created_at: '2020-12-30T03:23:29Z',
    updated_at: '2020-12-30T03:23:29Z',
    min_disk: 40,
    min_ram: 0,
    owner: 'o',
    protected: true,
    tags: [],
    virtual_env_type: 'FusionCompute',
    ...overrides,
  };
}

/** Answers with a status, a body (objects as JSON) and headers. */
export function reply(status: number, body: unknown, headers: Record<string, string> = {}): StubHandler {
  return (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
    res.end(text);
  };
}

/** Never answers (until the stub closes). */
export const hang: StubHandler = () => {};

/** Drops the connection without an answer. */
export const dropConnection: StubHandler = (req) => {
  req.socket.destroy();
};

export async function startStubUpstream(fallback: StubHandler = reply(200, { images: [] })): Promise<StubUpstream> {
  const queue: StubHandler[] = [];
  const requests: StubRequest[] = [];
  const sockets = new Set<Socket>();
  let fallbackHandler = fallback;
  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    requests.push({
      method: req.method ?? 'GET',
      target,
      path: q < 0 ? target : target.slice(0, q),
      query: Object.fromEntries(new URLSearchParams(q < 0 ? '' : target.slice(q + 1))),
      headers: req.headers,
    });
    const handler = queue.shift() ?? fallbackHandler;
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...handlers) => {
      queue.push(...handlers);
    },
    setFallback: (handler) => {
      fallbackHandler = handler;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallbackHandler = fallback;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A stub upstream for the tests of this file (or of the calling describe), started in beforeAll and closed in afterAll. */
export function useStubUpstream(fallback?: StubHandler): StubUpstream {
  return perFile('the stub upstream', () => startStubUpstream(fallback), (stub) => stub.close());
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
