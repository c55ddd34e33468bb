import { z } from 'zod';

/** The only reader of `process.env`: everything else receives typed, validated settings. */

/** A token the embedded emulator accepts, and the project it stands for. */
export interface EmulatorTenant {
  token: string;
  projectId: string;
}

/**
 * What EMULATOR_* change about the embedded emulator: `undefined` (or a missing knob) leaves the
 * emulator's own default; the defaults (demo tenants, data seed, no faults) live in src/emulator/,
 * which the product path does not import. Structurally an `EmulatorOptions` of src/emulator/.
 */
export interface EmulatorOverrides {
  /** EMULATOR_PORT, else 0: a free loopback port. */
  port: number;
  tenants?: EmulatorTenant[] | undefined;
  seed?: number | undefined;
  faults: {
    latencyMs?: number | undefined;
    errorRate?: number | undefined;
    throttleEvery?: number | undefined;
    throttleBurst?: number | undefined;
    retryAfterSeconds?: number | undefined;
    malformedRate?: number | undefined;
    failImageIds?: string[] | undefined;
  };
}

export interface UpstreamConfig {
  /** Base URL; undefined means the embedded emulator. */
  endpoint: string | undefined;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  /** Upper bound on the time one upstream call may take, retries and waits included. */
  totalBudgetMs: number;
  /** Upstream calls one GraphQL request may have in flight at once. */
  concurrency: number;
  /** Upstream calls the whole process may have in flight at once; requests over their share wait, in turn. */
  maxInFlight: number;
  /** Consecutive upstream outages (5xx, timeouts, unreachable) that open the circuit breaker. */
  breakerFailures: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  breakerOpenMs: number;
  /** Most time one GraphQL request may take; its upstream calls are cancelled then (and when its client disconnects). */
  requestDeadlineMs: number;
}

/** What one GraphQL operation may ask for; anything beyond is refused before any upstream call. */
export interface QueryLimits {
  /** Most cost units (upstream calls, plus one per 100 listed rows) an operation may be able to use. */
  maxCost: number;
  /** Deepest field nesting (fragments do not count as a level). */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Most lexical tokens in the document. */
  maxTokens: number;
}

/** Which browser origins may call the API (CORS). */
export interface CorsPolicy {
  /** Exact origins, as browsers send them (`scheme://host[:port]`). */
  origins: readonly string[];
  /** Any `http://localhost:<port>`, `http://127.0.0.1:<port>` or `http://[::1]:<port>` origin too (emulator mode's default). */
  loopback: boolean;
}

export interface Config {
  host: string;
  port: number;
  /** NODE_ENV=production: no field suggestions in errors; with a real endpoint also no introspection and no Sandbox. */
  production: boolean;
  /** Whether the schema answers introspection (INTROSPECTION, else off only in production with a real endpoint). */
  introspection: boolean;
  /** Whether GET /graphql serves Apollo Sandbox (off only in production with a real endpoint). */
  sandbox: boolean;
  /** Execute with graphql-jit (GRAPHQL_JIT, default true); false runs graphql-js. */
  jit: boolean;
  logLevel: string;
  limits: QueryLimits;
  cors: CorsPolicy;
  upstream: UpstreamConfig;
  emulator: EmulatorOverrides;
}

/** The defaults of QueryLimits; the cost fits a full page of 500 with each image's parent (508), not a dozen full pages. */
export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = { maxCost: 600, maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 1000 };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number from 0 to 65535`)
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, `${name} must be a whole number from 0 to 65535`);

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}`);

const rate = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, `${name} must be a number from 0 to 1`)
    .transform(Number);

const host = (name: string) =>
  z.string().trim().min(1, `${name} must not be empty`).regex(/^[A-Za-z0-9.:-]+$/, `${name} must be a host name or IP address`);

const endpoint = z
  .string()
  .trim()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_ENDPOINT must be an absolute http(s) URL, e.g. https://iecs.myhuaweicloud.com` });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_ENDPOINT must use http or https, not ${url.protocol.replace(':', '')}` });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'CLOUDIMAGES_ENDPOINT must not carry credentials, a query or a fragment' });
      return z.NEVER;
    }
    return url.toString().replace(/\/+$/, '');
  });

const tenants = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const list: EmulatorTenant[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^([^:\s]+):([0-9A-Za-z_-]+)$/.exec(entry);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'EMULATOR_TENANTS must be token:projectId pairs separated by commas' });
        return z.NEVER;
      }
      list.push({ token: match[1]!, projectId: match[2]! });
    }
    if (list.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'EMULATOR_TENANTS must name at least one token:projectId pair' });
      return z.NEVER;
    }
    if (new Set(list.map((t) => t.token)).size !== list.length) {
      ctx.addIssue({ code: 'custom', message: 'EMULATOR_TENANTS must not repeat a token' });
      return z.NEVER;
    }
    return list;
  });

const bool = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === 'true' || v === 'false', `${name} must be true or false`)
    .transform((v) => v === 'true');

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

/** Why a string is not an origin exactly as a browser sends it in `Origin`, or undefined when it is one. */
function originProblem(entry: string): string | undefined {
  if (entry === '*' || entry === 'null') return 'is not allowed: list exact origins such as https://portal.example.com';
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return 'is not an origin: write scheme://host[:port], e.g. https://portal.example.com';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'is not an origin: the scheme must be http or https';
  if (url.origin !== entry) return `is not an origin as browsers send it: write "${url.origin}" (no path, no trailing slash, lower-case host, no default port)`;
  return undefined;
}

const idList = z
  .string()
  .transform((value) => value.split(',').map((v) => v.trim()).filter(Boolean));

const schema = z.object({
  PORT: port('PORT').optional(),
  HOST: host('HOST').optional(),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).optional(),
  CLOUDIMAGES_ENDPOINT: endpoint.optional(),
  UPSTREAM_TIMEOUT_MS: int('UPSTREAM_TIMEOUT_MS', 1, 600_000).optional(),
  UPSTREAM_MAX_ATTEMPTS: int('UPSTREAM_MAX_ATTEMPTS', 1, 10).optional(),
  UPSTREAM_RETRY_BASE_MS: int('UPSTREAM_RETRY_BASE_MS', 0, 60_000).optional(),
  UPSTREAM_TOTAL_BUDGET_MS: int('UPSTREAM_TOTAL_BUDGET_MS', 1, 600_000).optional(),
  UPSTREAM_CONCURRENCY: int('UPSTREAM_CONCURRENCY', 1, 256).optional(),
  UPSTREAM_MAX_IN_FLIGHT: int('UPSTREAM_MAX_IN_FLIGHT', 1, 4096).optional(),
  BREAKER_FAILURES: int('BREAKER_FAILURES', 1, 1000).optional(),
  BREAKER_OPEN_MS: int('BREAKER_OPEN_MS', 1, 3_600_000).optional(),
  REQUEST_DEADLINE_MS: int('REQUEST_DEADLINE_MS', 1, 600_000).optional(),
  INTROSPECTION: bool('INTROSPECTION').optional(),
  GRAPHQL_JIT: bool('GRAPHQL_JIT').optional(),
  CORS_ORIGINS: corsOrigins.optional(),
  MAX_QUERY_COST: int('MAX_QUERY_COST', 1, 100_000).optional(),
  MAX_QUERY_DEPTH: int('MAX_QUERY_DEPTH', 1, 100).optional(),
  MAX_QUERY_ALIASES: int('MAX_QUERY_ALIASES', 0, 1000).optional(),
  MAX_QUERY_DIRECTIVES: int('MAX_QUERY_DIRECTIVES', 0, 1000).optional(),
  MAX_QUERY_TOKENS: int('MAX_QUERY_TOKENS', 10, 100_000).optional(),
  EMULATOR_PORT: port('EMULATOR_PORT').optional(),
  EMULATOR_TENANTS: tenants.optional(),
  EMULATOR_SEED: int('EMULATOR_SEED', 0, 2 ** 32 - 1).optional(),
  EMULATOR_LATENCY_MS: int('EMULATOR_LATENCY_MS', 0, 60_000).optional(),
  EMULATOR_ERROR_RATE: rate('EMULATOR_ERROR_RATE').optional(),
  EMULATOR_THROTTLE_EVERY: int('EMULATOR_THROTTLE_EVERY', 0, 1_000_000).optional(),
  EMULATOR_THROTTLE_BURST: int('EMULATOR_THROTTLE_BURST', 0, 1_000_000).optional(),
  EMULATOR_RETRY_AFTER_S: int('EMULATOR_RETRY_AFTER_S', 0, 3600).optional(),
  EMULATOR_MALFORMED_RATE: rate('EMULATOR_MALFORMED_RATE').optional(),
  EMULATOR_FAIL_IMAGE_IDS: idList.optional(),
});

export type Env = Record<string, string | undefined>;

/** Reads and validates the environment; throws ConfigError listing every problem found. */
export function loadConfig(env: Env = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const emulatorMode = e.CLOUDIMAGES_ENDPOINT === undefined;
  // The emulator serves demo data only: exploring it stays easy even under NODE_ENV=production.
  const exploreable = !production || emulatorMode;
  return {
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT ?? 4000,
    production,
    introspection: e.INTROSPECTION ?? exploreable,
    sandbox: exploreable,
    jit: e.GRAPHQL_JIT ?? true,
    logLevel: e.LOG_LEVEL ?? 'info',
    limits: {
      maxCost: e.MAX_QUERY_COST ?? DEFAULT_QUERY_LIMITS.maxCost,
      maxDepth: e.MAX_QUERY_DEPTH ?? DEFAULT_QUERY_LIMITS.maxDepth,
      maxAliases: e.MAX_QUERY_ALIASES ?? DEFAULT_QUERY_LIMITS.maxAliases,
      maxDirectives: e.MAX_QUERY_DIRECTIVES ?? DEFAULT_QUERY_LIMITS.maxDirectives,
      maxTokens: e.MAX_QUERY_TOKENS ?? DEFAULT_QUERY_LIMITS.maxTokens,
    },
    // Emulator mode lets any frontend dev server on this machine in; a real endpoint, only what is listed.
    cors: e.CORS_ORIGINS ? { origins: e.CORS_ORIGINS, loopback: false } : { origins: [], loopback: emulatorMode },
    upstream: {
      endpoint: e.CLOUDIMAGES_ENDPOINT,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS ?? 10_000,
      maxAttempts: e.UPSTREAM_MAX_ATTEMPTS ?? 3,
      retryBaseDelayMs: e.UPSTREAM_RETRY_BASE_MS ?? 200,
      totalBudgetMs: e.UPSTREAM_TOTAL_BUDGET_MS ?? 20_000,
      concurrency: e.UPSTREAM_CONCURRENCY ?? 8,
      maxInFlight: e.UPSTREAM_MAX_IN_FLIGHT ?? 64,
      breakerFailures: e.BREAKER_FAILURES ?? 5,
      breakerOpenMs: e.BREAKER_OPEN_MS ?? 10_000,
      requestDeadlineMs: e.REQUEST_DEADLINE_MS ?? 25_000,
    },
    emulator: {
      port: e.EMULATOR_PORT ?? 0,
      tenants: e.EMULATOR_TENANTS,
      seed: e.EMULATOR_SEED,
      faults: {
        latencyMs: e.EMULATOR_LATENCY_MS,
        errorRate: e.EMULATOR_ERROR_RATE,
        throttleEvery: e.EMULATOR_THROTTLE_EVERY,
        throttleBurst: e.EMULATOR_THROTTLE_BURST,
        retryAfterSeconds: e.EMULATOR_RETRY_AFTER_S,
        malformedRate: e.EMULATOR_MALFORMED_RATE,
        failImageIds: e.EMULATOR_FAIL_IMAGE_IDS,
      },
    },
  };
}
