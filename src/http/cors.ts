import cors from 'cors';
import type { Middleware } from './exchange.js';

/** Which browser origins may call the API. */
export interface CorsPolicy {
  /** Exact origins, as browsers send them (`scheme://host[:port]`). */
  origins: readonly string[];
  /** Any `http://localhost:<port>`, `http://127.0.0.1:<port>` or `http://[::1]:<port>` origin too (emulator mode's default). */
  loopback: boolean;
}

/** Any port (or none) on a loopback host, plain http: where frontend dev servers run. */
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function isAllowedOrigin(policy: CorsPolicy, origin: string): boolean {
  return policy.origins.includes(origin) || (policy.loopback && LOOPBACK_ORIGIN.test(origin));
}

/**
 * CORS for `/graphql` (the `cors` middleware): an allowed origin gets itself back in
 * `Access-Control-Allow-Origin` (never `*`), the methods and request headers a GraphQL client
 * sends, and `X-Request-Id` exposed; any other origin gets no CORS header at all. Every preflight
 * ends here with 204, before Apollo (whose CSRF check would refuse a bodiless OPTIONS).
 */
export function useCors(policy: CorsPolicy): Middleware {
  const allowAllowed = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(policy, origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'X-Auth-Token', 'Authorization', 'X-Request-Id', 'X-Api-Key', 'apollo-require-preflight', 'X-Apollo-Operation-Name'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  }) as Middleware;
  return (req, res, next) => {
    // The answer depends on Origin whether or not it is allowed: no cache may serve one origin's to another.
    res.setHeader('Vary', 'Origin');
    allowAllowed(req, res, (error) => {
      if ((error !== undefined && error !== null) || req.method !== 'OPTIONS') return next(error);
      // A preflight from an origin that is not allowed: answered without CORS headers, so the browser stops there.
      res.writeHead(204, { Allow: 'GET, POST, OPTIONS' }).end();
    });
  };
}
