import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

/**
 * The canned upstream: the cheapest REST answer this machine can give, the benchmark's headline
 * baseline. A plain `node:http` server that answers each request with the status, headers and body
 * the emulator sent for the same URL and token, recorded once: the first request for a URL is
 * passed to the emulator (`--source`) and its answer kept; every later one is written from memory,
 * with no per-request work but the lookup. Concurrent first requests share one recording.
 *
 * `GET /__canned` says how many answers are recorded and how many requests had to be passed on
 * (the benchmark records every URL of its scenarios before it measures, so a measured window
 * should pass none on).
 *
 * Run as its own process (its CPU is measured apart): `node canned-upstream.js --source <url>`;
 * prints `canned upstream listening on <url>`.
 */

interface Recorded {
  status: number;
  /** Header names and values as the emulator sent them, less the hop-by-hop ones. */
  headers: [string, string][];
  body: Buffer;
}

/** Connection-level headers, which belong to the connection the answer went over, not to the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

export interface CannedStats {
  recorded: number;
  passedOn: number;
  served: number;
}

export function createCannedUpstream(source: string) {
  const answers = new Map<string, Promise<Recorded>>();
  const stats: CannedStats = { recorded: 0, passedOn: 0, served: 0 };

  const record = async (url: string, token: string | undefined): Promise<Recorded> => {
    stats.passedOn++;
    const response = await fetch(new URL(url, source), { headers: token === undefined ? {} : { 'x-auth-token': token } });
    const body = Buffer.from(await response.arrayBuffer());
    const headers = [...response.headers].filter(([name]) => !HOP_BY_HOP.has(name));
    stats.recorded++;
    return { status: response.status, headers, body };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    if (url === '/__canned') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
      return;
    }
    const tokenHeader = req.headers['x-auth-token'];
    const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
    // The token is part of the key: two tenants never share an answer.
    const key = `${token ?? ''}\n${url}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = record(url, token);
      answers.set(key, answer);
      // A failed recording is not kept: the next request tries again.
      answer.catch(() => answers.delete(key));
    }
    const { status, headers, body } = await answer;
    stats.served++;
    res.writeHead(status, headers.flat());
    res.end(body);
  };

  return {
    stats,
    server: createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`canned upstream: could not record ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }),
  };
}

function main(): void {
  const { values } = parseArgs({
    options: { source: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  if (!values.source) throw new Error('--source <emulator URL> is required');
  const { server } = createCannedUpstream(values.source);
  server.keepAliveTimeout = 60_000;
  server.listen(Number(values.port), values.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`canned upstream listening on http://${address}:${port}\n`);
  });
  const stop = (): void => void server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
