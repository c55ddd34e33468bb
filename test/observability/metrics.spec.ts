import { describe, expect, it } from 'vitest';
import { OPERATION_NAME_CAP } from '../../src/observability/metrics.js';
import { startApi, useApi, type ApiHarness } from '../helpers/api-server.js';

/**
 * GET /metrics, scraped over HTTP after real operations: each count moves by exactly what was
 * sent, label values stay bounded, and each app counts in a registry of its own.
 */

const REGION = 'tr-west-1';

const api = useApi();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition (no escaped quotes occur in the label values used here). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(harness: ApiHarness = api): Promise<Sample[]> {
  const response = await fetch(`${harness.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await response.text());
}

/** The value of the sample with exactly these labels, 0 when absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find((s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

/** The sum over all samples of a name (every label combination). */
function total(samples: Sample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}

const PAGE = `query MetricsPage { images(region: "${REGION}", first: 2) { nodes { imageId } } }`;
const BAD_REGION = `query MetricsBadRegion { images(region: "../x", first: 1) { nodes { imageId } } }`;

describe('GET /metrics', () => {
  it('serves the text format with the process metrics of Node beside ours', async () => {
    const samples = await scrape();
    const names = new Set(samples.map((s) => s.name));
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(names, name).toContain(name);
    expect(value(samples, 'upstream_breaker_state')).toBe(0);
    expect(names).toContain('graphql_requests_in_flight');
    expect(names).toContain('upstream_calls_in_flight');
  });

  it('counts operations by name and outcome, exactly as sent, and times them', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await api.query(PAGE)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await api.query(BAD_REGION)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.query('{ __typename }')).errors).toBeUndefined();
    // Refused by validation: named from its document all the same.
    expect((await api.query('query MetricsInvalid { nope }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Refused as it arrives (a malformed token), before its body is read: an outcome of its own, no name known.
    expect((await api.query(PAGE, {}, 'tok"en')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const after = await scrape();

    const moved = (labels: Record<string, string>): number => value(after, 'graphql_operations_total', labels) - value(before, 'graphql_operations_total', labels);
    expect(moved({ operation_name: 'MetricsPage', outcome: 'ok' })).toBe(3);
    expect(moved({ operation_name: 'MetricsBadRegion', outcome: 'BAD_USER_INPUT' })).toBe(2);
    expect(moved({ operation_name: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(moved({ operation_name: 'MetricsInvalid', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(moved({ operation_name: 'anonymous', outcome: 'REFUSED_UNAUTHORIZED' })).toBe(1);
    expect(total(after, 'graphql_operations_total') - total(before, 'graphql_operations_total')).toBe(8);

    const count = (samples: Sample[], outcome: string): number => value(samples, 'graphql_request_duration_seconds_count', { outcome });
    expect(count(after, 'ok') - count(before, 'ok')).toBe(4);
    expect(count(after, 'BAD_USER_INPUT') - count(before, 'BAD_USER_INPUT')).toBe(2);
    // The duration is Apollo's: a request refused before it has none.
    expect(total(after, 'graphql_request_duration_seconds_count') - total(before, 'graphql_request_duration_seconds_count')).toBe(7);
    expect(value(after, 'graphql_request_duration_seconds_bucket', { outcome: 'ok', le: '+Inf' })).toBe(count(after, 'ok'));
    // The scrape runs outside any GraphQL request.
    expect(value(after, 'graphql_requests_in_flight')).toBe(0);
  });

  it('counts requests refused before Apollo ran them with outcomes of their own, and nothing for a preflight', async () => {
    const post = (body: string, headers: Record<string, string>): Promise<Response> =>
      fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'x-auth-token': 'demo-token-alice', ...headers }, body });
    const before = await scrape();
    // Not JSON, too large (body-parser), CSRF (Apollo refuses a text/plain POST before its pipeline);
    // then no query at all, which Apollo's pipeline refuses itself (counted once, as Apollo's).
    expect((await post('{"query": ', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(JSON.stringify({ query: `{ regions } # ${'x'.repeat(300 * 1024)}` }), { 'content-type': 'application/json' })).status).toBe(413);
    expect((await post(JSON.stringify({ query: '{ regions }' }), { 'content-type': 'text/plain' })).status).toBe(400);
    expect((await post(JSON.stringify({ operationName: 'NoQuery' }), { 'content-type': 'application/json' })).status).toBe(400);
    // A CORS preflight is no operation.
    const preflight = await fetch(`${api.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    const after = await scrape();
    const moved = (labels: Record<string, string>): number => value(after, 'graphql_operations_total', labels) - value(before, 'graphql_operations_total', labels);
    expect(moved({ operation_name: 'anonymous', outcome: 'REFUSED_BAD_REQUEST' })).toBe(2);
    expect(moved({ operation_name: 'anonymous', outcome: 'REFUSED_PAYLOAD_TOO_LARGE' })).toBe(1);
    expect(moved({ operation_name: 'NoQuery', outcome: 'BAD_REQUEST' })).toBe(1);
    expect(total(after, 'graphql_operations_total') - total(before, 'graphql_operations_total')).toBe(4);
  });

  it('counts upstream attempts by status and outcome, and observes their latency', async () => {
    const before = await scrape();
    expect((await api.query(PAGE)).errors).toBeUndefined();
    const after = await scrape();
    expect(value(after, 'upstream_requests_total', { status: '200', outcome: 'ok' }) - value(before, 'upstream_requests_total', { status: '200', outcome: 'ok' })).toBe(1);
    expect(value(after, 'upstream_request_duration_seconds_count') - value(before, 'upstream_request_duration_seconds_count')).toBe(1);
    expect(value(after, 'upstream_request_duration_seconds_sum')).toBeGreaterThan(0);
    const les = after.filter((s) => s.name === 'upstream_request_duration_seconds_bucket').map((s) => s.labels.le);
    expect(les[0]).toBe('0.005');
    expect(les).toContain('30');
    expect(value(after, 'upstream_breaker_state')).toBe(0);
  });

  it('an upstream failure counts as its code, upstream and in GraphQL', async () => {
    api.emulator.setFaults({ errorRate: 1 });
    try {
      const before = await scrape();
      const failed = await api.query(PAGE);
      const code = failed.errors?.[0]?.extensions?.code as string;
      expect(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']).toContain(code);
      const after = await scrape();
      const status = code === 'UPSTREAM_ERROR' ? '500' : '503';
      expect(value(after, 'upstream_requests_total', { status, outcome: code }) - value(before, 'upstream_requests_total', { status, outcome: code })).toBe(1);
      expect(value(after, 'graphql_operations_total', { operation_name: 'MetricsPage', outcome: code }) - value(before, 'graphql_operations_total', { operation_name: 'MetricsPage', outcome: code })).toBe(1);
    } finally {
      api.emulator.setFaults({ errorRate: 0 });
    }
  });

  it('snapshot counters move after a totalCount query: a walk first, then a hit', async () => {
    const before = await scrape();
    const query = `{ images(region: "${REGION}", first: 1) { totalCount } }`;
    expect((await api.query(query)).errors).toBeUndefined();
    const once = await scrape();
    expect(value(once, 'snapshot_walks_total') - value(before, 'snapshot_walks_total')).toBe(1);
    expect(value(once, 'snapshot_misses_total') - value(before, 'snapshot_misses_total')).toBe(1);
    expect(value(once, 'snapshot_store_snapshots')).toBeGreaterThanOrEqual(1);
    expect(value(once, 'snapshot_store_bytes')).toBeGreaterThan(0);
    expect((await api.query(query)).errors).toBeUndefined();
    const twice = await scrape();
    expect(value(twice, 'snapshot_hits_total') - value(once, 'snapshot_hits_total')).toBe(1);
    expect(value(twice, 'snapshot_walks_total')).toBe(value(once, 'snapshot_walks_total'));
  });

  it('is not behind caller authentication', async () => {
    // No token, no key: operators scrape it (keep it on the operator's network).
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
  });
});

describe('label cardinality', () => {
  it(`over HTTP: ${OPERATION_NAME_CAP + 5} distinct operation names give ${OPERATION_NAME_CAP} labels and other, in an app of its own`, async () => {
    const second = await startApi();
    try {
      const sent = OPERATION_NAME_CAP + 5;
      const names = Array.from({ length: sent }, (_, i) => `Fold${i}`);
      // In order (the first names seen keep theirs), in parallel batches to keep it quick.
      for (let i = 0; i < names.length; i += 25) {
        await Promise.all(names.slice(i, i + 25).map(async (name) => expect((await second.query(`query ${name} { __typename }`)).errors).toBeUndefined()));
      }
      const samples = await scrape(second);
      const operations = samples.filter((s) => s.name === 'graphql_operations_total');
      expect(operations.filter((s) => s.labels.operation_name!.startsWith('Fold'))).toHaveLength(OPERATION_NAME_CAP);
      expect(value(samples, 'graphql_operations_total', { operation_name: 'other', outcome: 'ok' })).toBe(5);
      expect(total(samples, 'graphql_operations_total')).toBe(sent);
      // A name already labelled keeps its label past the cap.
      expect((await second.query('query Fold0 { __typename }')).errors).toBeUndefined();
      expect(value(await scrape(second), 'graphql_operations_total', { operation_name: 'Fold0', outcome: 'ok' })).toBe(2);

      // The first app's registry saw none of these.
      const first = await scrape();
      expect(first.filter((s) => s.name === 'graphql_operations_total' && s.labels.operation_name!.startsWith('Fold'))).toEqual([]);
      expect(value(first, 'graphql_operations_total', { operation_name: 'other', outcome: 'ok' })).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe('retries', () => {
  it('a throttled attempt retried counts as a retry with its code, and each attempt upstream', async () => {
    const retrying = await startApi({ client: { maxAttempts: 2 } });
    try {
      // Every second upstream call is throttled, with Retry-After: 0.
      retrying.emulator.setFaults({ throttleEvery: 1, throttleBurst: 1, retryAfterSeconds: 0 });
      expect((await retrying.query(PAGE)).errors).toBeUndefined();
      expect((await retrying.query(PAGE)).errors).toBeUndefined();
      const samples = await scrape(retrying);
      expect(value(samples, 'upstream_retries_total', { code: 'RATE_LIMITED' })).toBe(1);
      expect(value(samples, 'upstream_requests_total', { status: '429', outcome: 'RATE_LIMITED' })).toBe(1);
      expect(value(samples, 'upstream_requests_total', { status: '200', outcome: 'ok' })).toBe(2);
      expect(value(samples, 'upstream_request_duration_seconds_count')).toBe(3);
      expect(value(samples, 'graphql_operations_total', { operation_name: 'MetricsPage', outcome: 'ok' })).toBe(2);
    } finally {
      await retrying.close();
    }
  });
});

describe('METRICS_ENABLED=false', () => {
  it('serves no /metrics (404) and the API works as before', async () => {
    const off = await startApi({ env: { METRICS_ENABLED: 'false' } });
    try {
      expect(off.app.config.server.metrics).toBe(false);
      const response = await fetch(`${off.url}/metrics`);
      expect(response.status).toBe(404);
      await response.body?.cancel();
      expect((await off.query(PAGE)).errors).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
