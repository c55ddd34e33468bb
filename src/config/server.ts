import { z } from 'zod';
import type { QueryLimits } from '../apollo/query-limits.js';
import type { CorsPolicy } from '../http/cors.js';
import { isValidRegion } from '../upstream/wire.js';
import { bool, host, int, port, readVariables, urlOf, type Env } from './values.js';

/** The server itself: where it listens, what it serves, how it executes, the query limits and CORS. */

/** The defaults of QueryLimits; the cost fits a full page of 500 with each image's parent (508), not a dozen full pages. */
export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = { maxCost: 600, maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 1000 };

/** The regions of the reference (and of the emulator): what `regions` lists unless CLOUDIMAGES_REGIONS says otherwise. */
export const DEFAULT_REGIONS: readonly string[] = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-3', 'la-north-2', 'tr-west-1', 'eu-west-101'];

/** Why a string is not an origin exactly as a browser sends it in `Origin`, or undefined when it is one. */
function originProblem(entry: string): string | undefined {
  if (entry === '*' || entry === 'null') return 'is not allowed: list exact origins such as https://portal.example.com';
  const url = urlOf(entry);
  if (!url) return 'is not an origin: write scheme://host[:port], e.g. https://portal.example.com';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'is not an origin: the scheme must be http or https';
  if (url.origin !== entry) return `is not an origin as browsers send it: write "${url.origin}" (no path, no trailing slash, lower-case host, no default port)`;
  return undefined;
}

const corsOrigins = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const origins: string[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const problem = originProblem(entry);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: `CORS_ORIGINS: "${entry}" ${problem}` });
        return z.NEVER;
      }
      origins.push(entry);
    }
    return origins;
  });

const regionList = z.string().transform((value, ctx) => {
  const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = regions.find((region) => !isValidRegion(region));
  if (bad !== undefined || regions.length === 0) {
    ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_REGIONS must be comma-separated region ids like cn-north-4${bad !== undefined ? ` ("${bad.slice(0, 64)}" is not one)` : ''}` });
    return z.NEVER;
  }
  return [...new Set(regions)];
});

const variables = {
  PORT: port('PORT').default(4000),
  HOST: host('HOST').default('127.0.0.1'),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  INTROSPECTION: bool('INTROSPECTION').optional(),
  GRAPHQL_JIT: bool('GRAPHQL_JIT').default(true),
  // Off by default: it costs CPU (gzip level 1: about 4.5 ms per 1.1 MB page) and saves nothing on loopback or in a data centre.
  COMPRESSION: bool('COMPRESSION').default(false),
  METRICS_ENABLED: bool('METRICS_ENABLED').default(true),
  // V8's own rule lets the heap grow to 4 to 5 times what survived a full collection when allocation is fast (README "Performance").
  HEAP_GROWTH_PERCENT: int('HEAP_GROWTH_PERCENT', 0, 1000).default(100),
  CORS_ORIGINS: corsOrigins.optional(),
  MAX_QUERY_COST: int('MAX_QUERY_COST', 1, 100_000).default(DEFAULT_QUERY_LIMITS.maxCost),
  MAX_QUERY_DEPTH: int('MAX_QUERY_DEPTH', 1, 100).default(DEFAULT_QUERY_LIMITS.maxDepth),
  MAX_QUERY_ALIASES: int('MAX_QUERY_ALIASES', 0, 1000).default(DEFAULT_QUERY_LIMITS.maxAliases),
  MAX_QUERY_DIRECTIVES: int('MAX_QUERY_DIRECTIVES', 0, 1000).default(DEFAULT_QUERY_LIMITS.maxDirectives),
  MAX_QUERY_TOKENS: int('MAX_QUERY_TOKENS', 10, 100_000).default(DEFAULT_QUERY_LIMITS.maxTokens),
  FEDERATION: bool('FEDERATION').default(false),
  CLOUDIMAGES_REGIONS: regionList.default(DEFAULT_REGIONS as string[]),
};

export interface ServerFacts {
  /** No CLOUDIMAGES_ENDPOINT: the embedded emulator, with demo data only. */
  emulatorMode: boolean;
}

export function serverSettings(env: Env, { emulatorMode }: ServerFacts) {
  const e = readVariables(env, variables);
  const production = e.NODE_ENV === 'production';
  // The emulator serves demo data only: exploring it stays easy even under NODE_ENV=production.
  const explorable = !production || emulatorMode;
  const limits: QueryLimits = {
    maxCost: e.MAX_QUERY_COST,
    maxDepth: e.MAX_QUERY_DEPTH,
    maxAliases: e.MAX_QUERY_ALIASES,
    maxDirectives: e.MAX_QUERY_DIRECTIVES,
    maxTokens: e.MAX_QUERY_TOKENS,
  };
  // Emulator mode lets any frontend dev server on this machine in; a real endpoint, only what is listed.
  const cors: CorsPolicy = e.CORS_ORIGINS ? { origins: e.CORS_ORIGINS, loopback: false } : { origins: [], loopback: emulatorMode };
  return {
    host: e.HOST,
    port: e.PORT,
    /** NODE_ENV=production: no field suggestions in errors; with a real endpoint also no introspection and no Sandbox. */
    production,
    /** Whether the schema answers introspection (INTROSPECTION, else off only in production with a real endpoint). */
    introspection: e.INTROSPECTION ?? explorable,
    /** Whether GET /graphql serves Apollo Sandbox (off only in production with a real endpoint). */
    sandbox: explorable,
    /** Execute with graphql-jit; false runs graphql-js. */
    jit: e.GRAPHQL_JIT,
    /** Compress responses of 64 KB and more when the client accepts it. */
    compression: e.COMPRESSION,
    /** Prometheus metrics at GET /metrics; false: no route and nothing collected. */
    metrics: e.METRICS_ENABLED,
    logLevel: e.LOG_LEVEL,
    /** After each full collection V8's heap may grow to (1 + this/100) times what survived; 0: V8's own rule. */
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    limits,
    cors,
    /** Serve the schema as an Apollo Federation 2 subgraph (`Image` an entity keyed by `id`). */
    federation: e.FEDERATION,
    /** What `regions` lists (the emulator's own in emulator mode). */
    regions: e.CLOUDIMAGES_REGIONS as readonly string[],
  };
}

export type ServerSettings = ReturnType<typeof serverSettings>;
