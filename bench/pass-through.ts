import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

/**
 * The pass-through: what the least JSON-to-JSON layer costs on this machine, as a reference row of
 * the benchmark. A plain `node:http` server that reads the request body, makes the REST call named
 * by the request's `X-Rest-Path` header (paths separated by spaces, called side by side) over
 * a keep-alive undici pool, `JSON.parse`s each answer and `JSON.stringify`s them back as one
 * response. No GraphQL, no validation, no logging: any real layer does at least this much, so the
 * ratio it reaches against REST is the ceiling for every gateway in the table.
 *
 * `node pass-through.js --upstream <url>`; prints `pass-through listening on <url>`.
 */

function main(): void {
  const { values } = parseArgs({ options: { upstream: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
  if (!values.upstream) throw new Error('--upstream <url> is required');
  const pool = new Pool(values.upstream, { connections: 64, pipelining: 1 });
  const server = createServer(async (req, res) => {
    try {
      for await (const _chunk of req) {
        // The body is read (as any layer must), not used.
      }
      const paths = String(req.headers['x-rest-path'] ?? '').split(' ').filter(Boolean);
      const token = req.headers['x-auth-token'];
      // Side by side, as a layer making several calls for one request would.
      const answers = await Promise.all(
        paths.map(async (path) => {
          const response = await pool.request({ method: 'GET', path, headers: typeof token === 'string' ? { 'x-auth-token': token } : {} });
          return JSON.parse(await response.body.text()) as unknown;
        }),
      );
      const body = JSON.stringify({ data: answers });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, values.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`pass-through listening on http://${address}:${port}\n`);
  });
  const stop = (): void => void pool.close().finally(() => server.close(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
