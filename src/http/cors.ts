import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsPolicy } from '../config.js';

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
export function useCors(policy: CorsPolicy): RequestHandler[] {
  const allowAllowed = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(policy, origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'X-Auth-Token', 'Authorization', 'X-Request-Id', 'X-Api-Key', 'apollo-require-preflight', 'X-Apollo-Operation-Name'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return [
    (_req, res, next) => {
      // The answer depends on Origin whether or not it is allowed: no cache may serve one origin's to another.
      res.vary('Origin');
      next();
    },
    allowAllowed,
    // A preflight from an origin that is not allowed: answered without CORS headers, so the browser stops there.
    (req, res, next) => {
      if (req.method !== 'OPTIONS') return next();
      res.setHeader('Allow', 'GET, POST, OPTIONS');
      res.status(204).end();
    },
  ];
}
