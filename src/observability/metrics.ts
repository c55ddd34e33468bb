import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { operationNameOf } from '../apollo/operation-name.js';
import type { Context } from '../graphql/context.js';
import type { BreakerState } from '../upstream/circuit-breaker.js';
import type { UpstreamObserver } from '../upstream/client.js';

/**
 * Prometheus metrics (`GET /metrics`, METRICS_ENABLED): GraphQL operations and their duration, the
 * upstream calls (each attempt, its latency, the retries), the circuit breaker, the snapshot store,
 * what is in flight, and Node's process metrics. One Registry per app, never prom-client's global
 * one, so two apps in one process (the tests) count apart. Label values are bounded: operation
 * names fold into `other` past OPERATION_NAME_CAP, outcomes are error codes of a fixed shape.
 */

/** Distinct operation names labelled; further names are counted as `other`. */
export const OPERATION_NAME_CAP = 200;
/** Longer names (a client-chosen string) are counted as `other` too, so no label value is large. */
const MAX_OPERATION_NAME_LENGTH = 100;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Up to REQUEST_DEADLINE_MS (25 s by default). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];
/** From 5 ms to 30 s (UPSTREAM_TIMEOUT_MS is 10 s by default, at most 600 s). */
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const BREAKER_VALUE: Record<BreakerState['state'], number> = { closed: 0, 'half-open': 1, open: 2 };

/** A listing cache as metrics read it. */
interface CacheSource {
  readonly counts: { readonly hits: number; readonly misses: number; readonly sharedHits: number; readonly walks: number };
  readonly size: { snapshots: number; bytes: number };
}

/**
 * What is read at scrape time (structurally: the client, the listing caches, the fair gate, and,
 * when configured, the Redis link and the rate budget).
 */
export interface MetricsSources {
  client: { readonly breakerState: BreakerState };
  snapshots: CacheSource;
  pages?: CacheSource | undefined;
  gate: { readonly active: number };
  redis?: { readonly ready: boolean; readonly fallbacks: ReadonlyMap<string, number> } | undefined;
  budget?: { readonly refused: number; readonly waited: number } | undefined;
  /** Live status: the subscription slots (open, events sent, by transport) and the image watches (pollers, polls by outcome). */
  live?: {
    slots: { readonly open: Readonly<Record<string, number>>; readonly events: Readonly<Record<string, number>> };
    watch: { readonly counts: { polled: number }; readonly polls: ReadonlyMap<string, number> };
  } | undefined;
}

export interface Metrics {
  registry: Registry;
  /** For the upstream client's `observers`. */
  observer: UpstreamObserver;
  /** For Apollo's `plugins`. */
  plugin: ApolloServerPlugin<Context>;
  /** GET /metrics: the text exposition format. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /**
   * Counts a GraphQL request refused before Apollo's pipeline (not JSON, too large, a refused caller,
   * a malformed token, CSRF) in `graphql_operations_total`, with an outcome of its own: REFUSED_ and
   * the status's name (REFUSED_BAD_REQUEST, REFUSED_UNAUTHORIZED, REFUSED_PAYLOAD_TOO_LARGE, ...;
   * see `refusalOutcome`); a GraphQL-shaped refusal with a code of its own (TRUSTED_DOCUMENT_REQUIRED,
   * PERSISTED_QUERY_NOT_FOUND) is counted by that code, as Apollo's own refusals are.
   */
  refused(operationName: string | undefined, status: number, code?: string): void;
  /**
   * Counts, in `graphql_untrusted_documents_total`, an operation Apollo resolved from a document that
   * is not listed (TRUSTED_DOCUMENTS_MODE=allow): what `enforce` would refuse.
   */
  untrusted(operationName: string | undefined): void;
}

/** Operation names as label values: the first OPERATION_NAME_CAP names seen keep theirs. */
export class OperationNames {
  private readonly seen = new Set<string>();

  constructor(private readonly cap: number = OPERATION_NAME_CAP) {}

  label(name: string | null | undefined): string {
    if (name === null || name === undefined || name === '') return 'anonymous';
    if (name.length > MAX_OPERATION_NAME_LENGTH || !GRAPHQL_NAME.test(name)) return 'other';
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.cap) return 'other';
    this.seen.add(name);
    return name;
  }
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered, by operation name (anonymous; other past the cap) and outcome (ok, the code of the first error, or REFUSED_<status> when refused before Apollo ran it)',
    labelNames: ['operation_name', 'outcome'] as const,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from a GraphQL request entering Apollo to its response, by outcome',
    labelNames: ['outcome'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const inFlight = new Gauge({ name: 'graphql_requests_in_flight', help: 'GraphQL requests being processed', registers });
  const untrustedDocuments = new Counter({
    name: 'graphql_untrusted_documents_total',
    help: 'Operations run from documents no trusted-documents manifest lists (TRUSTED_DOCUMENTS_MODE=allow), by operation name: what enforce would refuse',
    labelNames: ['operation_name'] as const,
    registers,
  });

  const upstreamRequests = new Counter({
    name: 'upstream_requests_total',
    help: 'Upstream attempts, by HTTP status (none: no answer) and outcome (ok, cancelled, or an error code)',
    labelNames: ['status', 'outcome'] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Duration of one upstream attempt (from holding a connection to its end)',
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const upstreamRetries = new Counter({
    name: 'upstream_retries_total',
    help: 'Upstream attempts retried, by the code of the failure retried',
    labelNames: ['code'] as const,
    registers,
  });
  // What the client, gate, caches and Redis link know, as it is at scrape time.
  const fromValue = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  };
  fromValue('upstream_breaker_state', 'Circuit breaker of the upstream: 0 closed, 1 half-open, 2 open', () => BREAKER_VALUE[sources.client.breakerState.state]);
  fromValue('upstream_calls_in_flight', 'Upstream calls holding a place of the process-wide gate (UPSTREAM_MAX_IN_FLIGHT)', () => sources.gate.active);

  // The store keeps its own counts; these counters show them as they are at scrape time.
  const fromCount = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  // Counts kept by label value (fallbacks by operation, events by transport, polls by outcome), as they are at scrape time.
  const fromCounts = (name: string, help: string, label: string, read: () => Iterable<readonly [string, number]>): void => {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [value, count] of read()) this.inc({ [label]: value }, count);
      },
    });
  };
  fromCount('snapshot_hits_total', 'Snapshot reads served by a fresh snapshot', () => sources.snapshots.counts.hits);
  fromCount('snapshot_misses_total', 'Snapshot reads that had to wait for a walk (their own or one in flight)', () => sources.snapshots.counts.misses);
  fromCount('snapshot_walks_total', 'Walks of a whole listing made for snapshots', () => sources.snapshots.counts.walks);
  fromCount('snapshot_shared_hits_total', 'Snapshot loads served from Redis (another instance walked it)', () => sources.snapshots.counts.sharedHits);
  const { pages, redis, budget } = sources;
  if (pages) {
    fromCount('page_cache_hits_total', 'Listing pages served from this process\'s page cache (CACHE_TTL_MS)', () => pages.counts.hits);
    fromCount('page_cache_misses_total', 'Listing pages not in this process\'s page cache', () => pages.counts.misses);
    fromCount('page_cache_shared_hits_total', 'Listing pages served from Redis (another instance fetched them)', () => pages.counts.sharedHits);
    fromCount('page_cache_fetches_total', 'Listing pages fetched from the upstream for the page cache', () => pages.counts.walks);
    fromValue('page_cache_bytes', 'Upstream bytes the cached pages hold (bounded by CACHE_MAX_MB)', () => pages.size.bytes);
  }
  if (redis) {
    fromValue('redis_connected', 'Whether Redis (REDIS_URL) is in use: 1 connected, 0 not (down, or left alone for a few seconds after failures in a row; the server goes on without it)', () => (redis.ready ? 1 : 0));
    fromCounts('redis_fallbacks_total', 'Redis commands that failed or ran out of time (REDIS_TIMEOUT_MS), by what was done without them', 'operation', () => redis.fallbacks);
  }
  if (budget) {
    fromCount('upstream_rate_limited_total', 'Upstream calls refused by this server\'s budget (UPSTREAM_RATE_LIMIT): no call free within UPSTREAM_RATE_WAIT_MS', () => budget.refused);
    fromCount('upstream_rate_waits_total', 'Upstream calls that waited for the budget (UPSTREAM_RATE_LIMIT)', () => budget.waited);
  }
  const { live } = sources;
  if (live) {
    new Gauge({
      name: 'graphql_subscriptions_open',
      help: 'Subscriptions open (imageStatus), by transport: ws (graphql-ws) or sse (graphql-sse)',
      labelNames: ['transport'] as const,
      registers,
      collect() {
        for (const [transport, open] of Object.entries(live.slots.open)) this.set({ transport }, open);
      },
    });
    fromCounts('graphql_subscription_events_total', 'Subscription events sent to clients, by transport', 'transport', () => Object.entries(live.slots.events));
    fromCounts(
      'image_watch_polls_total',
      'Polls of watched images (one per caller, region and image every WATCH_INTERVAL_MS, whatever the number of watchers), by outcome: ok, gone, or the failure\'s code',
      'outcome',
      () => [...live.watch.polls].map(([outcome, count]) => [outcome === 'ok' || outcome === 'gone' || ERROR_CODE.test(outcome) ? outcome : 'INTERNAL_SERVER_ERROR', count] as const),
    );
    fromValue('image_watches_polled', 'Images (per caller) polled for open subscriptions', () => live.watch.counts.polled);
  }
  fromValue('snapshot_store_bytes', 'Upstream bytes the kept snapshots hold (bounded by SNAPSHOT_MAX_MB)', () => sources.snapshots.size.bytes);
  fromValue('snapshot_store_snapshots', 'Snapshots kept', () => sources.snapshots.size.snapshots);

  const observer: UpstreamObserver = {
    attempt() {
      const start = performance.now();
      return {
        end({ status, outcome }) {
          upstreamDuration.observe((performance.now() - start) / 1000);
          upstreamRequests.inc({ status: status === undefined ? 'none' : String(status), outcome });
        },
      };
    },
    retry({ code }) {
      upstreamRetries.inc({ code });
    },
  };

  const names = new OperationNames();
  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const start = performance.now();
      inFlight.inc();
      let done = false;
      return {
        async willSendResponse(requestContext) {
          // Once per request (the hook runs once; this only guards the gauge).
          if (done) return;
          done = true;
          inFlight.dec();
          const outcome = outcomeOf(requestContext);
          operations.inc({ operation_name: names.label(operationNameOf(requestContext)), outcome });
          requestDuration.observe({ outcome }, (performance.now() - start) / 1000);
        },
      };
    },
  };

  const handler = async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) }).end(text);
  };

  const refused = (operationName: string | undefined, status: number, code?: string): void => {
    operations.inc({ operation_name: names.label(operationName), outcome: code !== undefined && ERROR_CODE.test(code) ? code : refusalOutcome(status) });
  };
  const untrusted = (operationName: string | undefined): void => {
    untrustedDocuments.inc({ operation_name: names.label(operationName) });
  };

  return { registry, observer, plugin, handler, refused, untrusted };
}

/**
 * REFUSED_ and the status's name in capitals (400: REFUSED_BAD_REQUEST); REFUSED_HTTP_<status> for
 * one without a name. A 5xx is no refusal: INTERNAL_SERVER_ERROR, as when Apollo answers one.
 */
export function refusalOutcome(status: number): string {
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  const name = STATUS_CODES[status]?.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return `REFUSED_${name ?? `HTTP_${status}`}`;
}

/** `ok`, or the code of the first error the client receives. */
function outcomeOf(requestContext: GraphQLRequestContext<Context>): string {
  const { body } = requestContext.response;
  const errors = body?.kind === 'single' ? body.singleResult.errors : body?.kind === 'incremental' ? body.initialResult.errors : requestContext.errors;
  const first = errors?.[0];
  if (!first) return 'ok';
  const code = first.extensions?.code;
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}
