import { z } from 'zod';
import { embeddedEmulatorOptions, type EmbeddedEmulatorOptions } from './emulator/settings.js';
import { isValidRegion } from './upstream/wire.js';

/** The only reader of `process.env`: everything else receives typed, validated settings. */

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

/** How the server authenticates to the upstream: the caller's IAM token, or the server's own access key pair. */
export type UpstreamAuth =
  | { kind: 'token' }
  | {
      kind: 'aksk';
      ak: string;
      sk: string;
      /** Sent as X-Domain-Id (and signed): IEC is a global service. */
      domainId: string | undefined;
      /** Sent as X-Project-Id (and signed). */
      projectId: string | undefined;
    };

/** How callers of /graphql authenticate in AK/SK mode (in token mode their IAM token is their credential). */
export interface CallerAuthConfig {
  /** An OpenID Connect provider's JWTs, as `Authorization: Bearer`. */
  jwt: { jwksUrl: string; issuer: string; audience: string } | undefined;
  /** Keys for machine clients, as `X-Api-Key`. */
  apiKeys: readonly string[];
  /** `none` (AUTH_MODE=none): every caller is let in, knowingly. */
  mode: 'required' | 'none';
}

/** Per-caller snapshots of a whole listing, for what the upstream cannot answer (picker queries). */
export interface SnapshotConfig {
  ttlMs: number;
  /** Memory all snapshots may hold together (least recently used dropped first). */
  maxBytes: number;
  /** A listing with more images is refused rather than walked. */
  maxImages: number;
}

/**
 * Shared state for several instances (REDIS_URL): per-caller snapshots and cached pages live in
 * Redis, and the upstream call budget is counted there. Without it, all of that is per process.
 */
export interface RedisConfig {
  /** REDIS_URL (`redis://` or `rediss://`); it may hold a password, so it appears in no message or log. */
  url: string;
  /** REDIS_KEY_PREFIX, default `cloudimages:`: every key this server writes starts with it. */
  keyPrefix: string;
  /** REDIS_TIMEOUT_MS, default 500: the most one Redis command may take before the request goes on without Redis. */
  commandTimeoutMs: number;
  /** REDIS_MAX_VALUE_MB, default 8: a snapshot or page larger than this (compressed) is not written to Redis. */
  maxValueBytes: number;
}

/** The one budget of upstream calls (UPSTREAM_RATE_LIMIT): for all callers; across instances with REDIS_URL. */
export interface RateLimitConfig {
  /** Calls per second, never more in any one-second window. */
  perSecond: number;
  /** UPSTREAM_RATE_WAIT_MS, default 2000: how long a call over budget waits before it fails with RATE_LIMITED. */
  waitMs: number;
}

/** The regions of the reference (and of the emulator): what `regions` lists unless CLOUDIMAGES_REGIONS says otherwise. */
export const DEFAULT_REGIONS: readonly string[] = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-3', 'la-north-2', 'tr-west-1', 'eu-west-101'];

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
  /** Compress responses of 64 KB and more when the client accepts it (COMPRESSION, default false). */
  compression: boolean;
  /** Prometheus metrics at GET /metrics (METRICS_ENABLED, default true); false: no route and nothing collected. */
  metrics: boolean;
  logLevel: string;
  /**
   * HEAP_GROWTH_PERCENT (default 100): after each full garbage collection, V8's heap may grow to
   * (1 + this/100) times what survived; 0 leaves V8's own rule, which allows 4 to 5 times when
   * allocation is fast (a page of 500 allocates about 10 MB).
   */
  heapGrowthPercent: number;
  limits: QueryLimits;
  cors: CorsPolicy;
  upstream: UpstreamConfig;
  snapshots: SnapshotConfig;
  /** What `regions` lists. */
  regions: readonly string[];
  /** REDIS_URL: shared snapshots, page cache and rate budget; undefined: all in process. */
  redis: RedisConfig | undefined;
  /** Pass-through listing pages served from cache: CACHE_TTL_MS (default 0, off) and CACHE_MAX_MB of memory (default 32). */
  pageCache: { ttlMs: number; maxBytes: number };
  /** UPSTREAM_RATE_LIMIT; undefined: no budget of our own (the cloud's throttling still answers RATE_LIMITED). */
  rateLimit: RateLimitConfig | undefined;
  /** FEDERATION=true: serve the schema as an Apollo Federation 2 subgraph (`Image` an entity keyed by `id`). */
  federation: boolean;
  upstreamAuth: UpstreamAuth;
  /** Undefined in token mode. */
  callerAuth: CallerAuthConfig | undefined;
  /** EMULATOR_*: what differs from the embedded emulator's defaults (src/emulator/options.ts), and its port (EMULATOR_PORT, else a free one). */
  emulator: EmbeddedEmulatorOptions;
  /** CONTRACT_CHECK_TOKEN: the IAM token `npm run contract-check` calls CLOUDIMAGES_ENDPOINT with; the server never reads it. */
  contractCheckToken?: string | undefined;
  /** OpenTelemetry traces (the standard OTEL_* variables); exporter `none`: off. */
  tracing: TracingConfig;
}

/** OpenTelemetry traces, from the standard OTEL_* variables (see README, "Operations: traces"). */
export interface TracingConfig {
  /**
   * OTEL_TRACES_EXPORTER: `otlp`, `console`, or `none` (off: no span made, no `traceparent` sent).
   * Default: `otlp` when an OTLP endpoint is set, else `none`; OTEL_SDK_DISABLED=true means `none`.
   */
  exporter: 'none' | 'otlp' | 'console';
  otlp: {
    /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`, else `http://localhost:4318/v1/traces`. */
    url: string;
    /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL: `http/protobuf` (default) or `http/json`. */
    protocol: 'http/protobuf' | 'http/json';
    /** OTEL_EXPORTER_OTLP_TRACES_HEADERS, else OTEL_EXPORTER_OTLP_HEADERS: `key=value,…`, values URL-decoded. */
    headers: Record<string, string>;
  };
  /** OTEL_SERVICE_NAME, default `cloudimages-graphql`. */
  serviceName: string;
  /** OTEL_TRACES_SAMPLER (default `parentbased_always_on`), OTEL_TRACES_SAMPLER_ARG the ratio (default 1). */
  sampler: { root: 'always_on' | 'always_off' | 'traceidratio'; parentBased: boolean; ratio: number };
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

/** The URL a value spells, or undefined when it spells none. */
function urlOf(value: string): URL | undefined {
  return URL.canParse(value) ? new URL(value) : undefined;
}

const endpoint = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const url = urlOf(value);
    if (!url) {
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
  const url = urlOf(entry);
  if (!url) return 'is not an origin: write scheme://host[:port], e.g. https://portal.example.com';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'is not an origin: the scheme must be http or https';
  if (url.origin !== entry) return `is not an origin as browsers send it: write "${url.origin}" (no path, no trailing slash, lower-case host, no default port)`;
  return undefined;
}

/** An access key or secret: printable, no spaces; its value never appears in a message. */
const secret = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{8,256}$/, `${name} must be 8 to 256 printable characters without spaces`);

const id = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z_-]{1,64}$/, `${name} must be an id of letters, digits, - and _`);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

const jwksUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const url = urlOf(value);
    if (!url) {
      ctx.addIssue({ code: 'custom', message: 'AUTH_JWKS_URL must be an absolute URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'AUTH_JWKS_URL must use https (plain http only on a loopback address)' });
      return z.NEVER;
    }
    return url.toString();
  });

const apiKeys = z
  .string()
  .transform((value, ctx) => {
    const keys = value.split(',').map((k) => k.trim()).filter(Boolean);
    if (keys.some((key) => key.length < 16 || !/^[\x21-\x7e]+$/.test(key))) {
      ctx.addIssue({ code: 'custom', message: 'AUTH_API_KEYS must be comma-separated keys of at least 16 printable characters each' });
      return z.NEVER;
    }
    return keys;
  });

const regionList = z
  .string()
  .transform((value, ctx) => {
    const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
    const bad = regions.find((region) => !isValidRegion(region));
    if (bad !== undefined || regions.length === 0) {
      ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_REGIONS must be comma-separated region ids like cn-north-4${bad !== undefined ? ` ("${bad.slice(0, 64)}" is not one)` : ''}` });
      return z.NEVER;
    }
    return [...new Set(regions)];
  });

/** REDIS_URL: its text never appears in a message (it may carry a password). */
const redisUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');

const otlpEndpoint = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), `${name} must be an absolute http(s) URL, e.g. http://localhost:4318`);

const otlpProtocol = (name: string) =>
  z.enum(['http/protobuf', 'http/json'], { message: `${name} must be http/protobuf or http/json (grpc is not supported: use the collector's OTLP/HTTP port, 4318)` });

/** `key=value,key=value`, values URL-decoded; messages never echo a value (an API key, often). */
const otlpHeaders = (name: string) =>
  z.string().transform((value, ctx) => {
    const headers: Record<string, string> = {};
    for (const [index, entry] of value.split(',').map((e) => e.trim()).filter(Boolean).entries()) {
      const at = entry.indexOf('=');
      const key = entry.slice(0, Math.max(at, 0)).trim().toLowerCase();
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(entry.slice(at + 1).trim());
      } catch {
        decoded = undefined;
      }
      if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key) || decoded === undefined || /[\r\n]/.test(decoded)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be key=value pairs separated by commas (entry ${index + 1} is not)` });
        return z.NEVER;
      }
      headers[key] = decoded;
    }
    return headers;
  });

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
  COMPRESSION: bool('COMPRESSION').optional(),
  METRICS_ENABLED: bool('METRICS_ENABLED').optional(),
  HEAP_GROWTH_PERCENT: int('HEAP_GROWTH_PERCENT', 0, 1000).optional(),
  CORS_ORIGINS: corsOrigins.optional(),
  CONTRACT_CHECK_TOKEN: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,65536}$/, 'CONTRACT_CHECK_TOKEN must be an IAM token: printable characters without spaces')
    .optional(),
  HUAWEICLOUD_SDK_AK: secret('HUAWEICLOUD_SDK_AK').optional(),
  HUAWEICLOUD_SDK_SK: secret('HUAWEICLOUD_SDK_SK').optional(),
  HUAWEICLOUD_SDK_DOMAIN_ID: id('HUAWEICLOUD_SDK_DOMAIN_ID').optional(),
  HUAWEICLOUD_SDK_PROJECT_ID: id('HUAWEICLOUD_SDK_PROJECT_ID').optional(),
  AUTH_JWKS_URL: jwksUrl.optional(),
  AUTH_ISSUER: z.string().trim().min(1).optional(),
  AUTH_AUDIENCE: z.string().trim().min(1).optional(),
  AUTH_API_KEYS: apiKeys.optional(),
  AUTH_MODE: z.enum(['required', 'none'], { message: 'AUTH_MODE must be required or none' }).optional(),
  SNAPSHOT_TTL_MS: int('SNAPSHOT_TTL_MS', 0, 86_400_000).optional(),
  SNAPSHOT_MAX_MB: int('SNAPSHOT_MAX_MB', 1, 65_536).optional(),
  SNAPSHOT_MAX_IMAGES: int('SNAPSHOT_MAX_IMAGES', 1, 1_000_000).optional(),
  CLOUDIMAGES_REGIONS: regionList.optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,64}$/, 'REDIS_KEY_PREFIX must be 1 to 64 printable characters without spaces')
    .optional(),
  REDIS_TIMEOUT_MS: int('REDIS_TIMEOUT_MS', 1, 60_000).optional(),
  REDIS_MAX_VALUE_MB: int('REDIS_MAX_VALUE_MB', 1, 512).optional(),
  CACHE_TTL_MS: int('CACHE_TTL_MS', 0, 86_400_000).optional(),
  CACHE_MAX_MB: int('CACHE_MAX_MB', 1, 65_536).optional(),
  UPSTREAM_RATE_LIMIT: int('UPSTREAM_RATE_LIMIT', 1, 100_000).optional(),
  UPSTREAM_RATE_WAIT_MS: int('UPSTREAM_RATE_WAIT_MS', 0, 600_000).optional(),
  FEDERATION: bool('FEDERATION').optional(),
  MAX_QUERY_COST: int('MAX_QUERY_COST', 1, 100_000).optional(),
  MAX_QUERY_DEPTH: int('MAX_QUERY_DEPTH', 1, 100).optional(),
  MAX_QUERY_ALIASES: int('MAX_QUERY_ALIASES', 0, 1000).optional(),
  MAX_QUERY_DIRECTIVES: int('MAX_QUERY_DIRECTIVES', 0, 1000).optional(),
  MAX_QUERY_TOKENS: int('MAX_QUERY_TOKENS', 10, 100_000).optional(),
  OTEL_SDK_DISABLED: bool('OTEL_SDK_DISABLED').optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none'], { message: 'OTEL_TRACES_EXPORTER must be otlp, console or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint('OTEL_EXPORTER_OTLP_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_PROTOCOL').optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS').optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS').optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(255, 'OTEL_SERVICE_NAME must be at most 255 characters').optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
      message: 'OTEL_TRACES_SAMPLER must be always_on, always_off or traceidratio, or one of them prefixed parentbased_',
    })
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: rate('OTEL_TRACES_SAMPLER_ARG').optional(),
});

export type Env = Record<string, string | undefined>;

type Parsed = z.infer<typeof schema>;

function upstreamAuthFrom(e: Parsed): UpstreamAuth {
  const { HUAWEICLOUD_SDK_AK: ak, HUAWEICLOUD_SDK_SK: sk } = e;
  if (ak === undefined && sk === undefined) {
    if (e.HUAWEICLOUD_SDK_DOMAIN_ID !== undefined || e.HUAWEICLOUD_SDK_PROJECT_ID !== undefined) {
      throw new ConfigError(['HUAWEICLOUD_SDK_DOMAIN_ID and HUAWEICLOUD_SDK_PROJECT_ID go with HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, which are not set']);
    }
    return { kind: 'token' };
  }
  if (ak === undefined || sk === undefined) {
    throw new ConfigError([`HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together (${ak === undefined ? 'HUAWEICLOUD_SDK_AK' : 'HUAWEICLOUD_SDK_SK'} is missing)`]);
  }
  return { kind: 'aksk', ak, sk, domainId: e.HUAWEICLOUD_SDK_DOMAIN_ID, projectId: e.HUAWEICLOUD_SDK_PROJECT_ID };
}

function callerAuthFrom(e: Parsed, upstreamAuth: UpstreamAuth, servesCallers: boolean): CallerAuthConfig | undefined {
  const configured = [e.AUTH_JWKS_URL, e.AUTH_ISSUER, e.AUTH_AUDIENCE, e.AUTH_API_KEYS, e.AUTH_MODE].some((v) => v !== undefined);
  if (upstreamAuth.kind === 'token') {
    if (configured) {
      throw new ConfigError(['AUTH_* configure how callers authenticate in AK/SK mode; in token mode (no HUAWEICLOUD_SDK_AK/SK) each caller sends its own IAM token']);
    }
    return undefined;
  }
  const problems: string[] = [];
  if (e.AUTH_JWKS_URL !== undefined || e.AUTH_ISSUER !== undefined || e.AUTH_AUDIENCE !== undefined) {
    const missing = (['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const).filter((name) => e[name] === undefined);
    if (missing.length > 0) problems.push(`AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  const jwt = e.AUTH_JWKS_URL && e.AUTH_ISSUER && e.AUTH_AUDIENCE ? { jwksUrl: e.AUTH_JWKS_URL, issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE } : undefined;
  const apiKeys = e.AUTH_API_KEYS ?? [];
  const mode = e.AUTH_MODE ?? 'required';
  if (problems.length === 0 && servesCallers && mode === 'required' && !jwt && apiKeys.length === 0) {
    problems.push(
      'With HUAWEICLOUD_SDK_AK/SK the server calls the cloud with its own keys, so it must authenticate its callers: set AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE) or AUTH_API_KEYS, or AUTH_MODE=none to let anyone in knowingly',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { jwt, apiKeys, mode };
}

function rateLimitFrom(e: Parsed): RateLimitConfig | undefined {
  if (e.UPSTREAM_RATE_LIMIT === undefined) {
    if (e.UPSTREAM_RATE_WAIT_MS !== undefined) throw new ConfigError(['UPSTREAM_RATE_WAIT_MS goes with UPSTREAM_RATE_LIMIT, which is not set']);
    return undefined;
  }
  return { perSecond: e.UPSTREAM_RATE_LIMIT, waitMs: e.UPSTREAM_RATE_WAIT_MS ?? 2000 };
}

function redisFrom(e: Parsed): RedisConfig | undefined {
  const tuned = [e.REDIS_KEY_PREFIX, e.REDIS_TIMEOUT_MS, e.REDIS_MAX_VALUE_MB].some((v) => v !== undefined);
  if (e.REDIS_URL === undefined) {
    if (tuned) throw new ConfigError(['REDIS_KEY_PREFIX, REDIS_TIMEOUT_MS and REDIS_MAX_VALUE_MB go with REDIS_URL, which is not set']);
    return undefined;
  }
  return {
    url: e.REDIS_URL,
    keyPrefix: e.REDIS_KEY_PREFIX ?? 'cloudimages:',
    commandTimeoutMs: e.REDIS_TIMEOUT_MS ?? 500,
    maxValueBytes: (e.REDIS_MAX_VALUE_MB ?? 8) * 2 ** 20,
  };
}

function tracingFrom(e: Parsed): TracingConfig {
  const endpointSet = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  const exporter = e.OTEL_SDK_DISABLED ? 'none' : (e.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none'));
  const sampler = e.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  return {
    exporter,
    otlp: {
      url: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      headers: e.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
    },
    serviceName: e.OTEL_SERVICE_NAME ?? 'cloudimages-graphql',
    sampler: { root: sampler.replace(/^parentbased_/, '') as TracingConfig['sampler']['root'], parentBased: sampler.startsWith('parentbased_'), ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1 },
  };
}

/** Reads and validates the environment; throws ConfigError listing every problem found. */
export interface LoadOptions {
  /** False for tools that serve nothing (npm run contract-check): AK/SK needs no AUTH_* then. */
  servesCallers?: boolean;
}

export function loadConfig(env: Env = process.env, { servesCallers = true }: LoadOptions = {}): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  // EMULATOR_* are the emulator's settings, read by its own rules (src/emulator/settings.ts).
  const emulator = embeddedEmulatorOptions(present);
  if (!parsed.success || !emulator.ok) {
    throw new ConfigError([...(parsed.error?.issues.map((issue) => issue.message) ?? []), ...(emulator.ok ? [] : emulator.problems)]);
  }
  const e = parsed.data;
  const upstreamAuth = upstreamAuthFrom(e);
  const callerAuth = callerAuthFrom(e, upstreamAuth, servesCallers);
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
    // Off by default: it costs CPU (gzip level 1: about 4.5 ms per 1.1 MB page) and saves nothing on loopback or in a data centre.
    compression: e.COMPRESSION ?? false,
    metrics: e.METRICS_ENABLED ?? true,
    logLevel: e.LOG_LEVEL ?? 'info',
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT ?? 100,
    limits: {
      maxCost: e.MAX_QUERY_COST ?? DEFAULT_QUERY_LIMITS.maxCost,
      maxDepth: e.MAX_QUERY_DEPTH ?? DEFAULT_QUERY_LIMITS.maxDepth,
      maxAliases: e.MAX_QUERY_ALIASES ?? DEFAULT_QUERY_LIMITS.maxAliases,
      maxDirectives: e.MAX_QUERY_DIRECTIVES ?? DEFAULT_QUERY_LIMITS.maxDirectives,
      maxTokens: e.MAX_QUERY_TOKENS ?? DEFAULT_QUERY_LIMITS.maxTokens,
    },
    // Emulator mode lets any frontend dev server on this machine in; a real endpoint, only what is listed.
    cors: e.CORS_ORIGINS ? { origins: e.CORS_ORIGINS, loopback: false } : { origins: [], loopback: emulatorMode },
    upstreamAuth,
    callerAuth,
    contractCheckToken: e.CONTRACT_CHECK_TOKEN,
    tracing: tracingFrom(e),
    snapshots: {
      ttlMs: e.SNAPSHOT_TTL_MS ?? 30_000,
      maxBytes: (e.SNAPSHOT_MAX_MB ?? 64) * 2 ** 20,
      maxImages: e.SNAPSHOT_MAX_IMAGES ?? 20_000,
    },
    regions: e.CLOUDIMAGES_REGIONS ?? DEFAULT_REGIONS,
    redis: redisFrom(e),
    pageCache: { ttlMs: e.CACHE_TTL_MS ?? 0, maxBytes: (e.CACHE_MAX_MB ?? 32) * 2 ** 20 },
    rateLimit: rateLimitFrom(e),
    federation: e.FEDERATION ?? false,
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
    emulator: emulator.options,
  };
}
