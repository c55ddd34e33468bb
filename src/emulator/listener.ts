import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The emulator's HTTP server from listening to closed: where it listens, and a guard around its handler. */
export class Listener {
  private readonly server: Server;

  constructor(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
    // Like the real gateway, room for IAM tokens of several KB (Node allows 16 KB of headers by default).
    this.server = createServer({ keepAliveTimeout: 5_000, maxHeaderSize: 64 * 1024 });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((error: unknown) => {
        if (res.destroyed || res.writableEnded) return;
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(error instanceof Error ? 'emulator failure' : '');
      });
    });
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL to give a client, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    const { address, family } = this.server.address() as AddressInfo;
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${this.port}`;
  }

  /** Stops listening and drops every connection, idle or not. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
