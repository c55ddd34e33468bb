import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { ConfigError, DEFAULT_QUERY_LIMITS, loadConfig, type Config, type Env } from '../../src/config/index.js';
import type { ClientSettings } from '../../src/upstream/client.js';
import { reply, startStubUpstream, stubImage, type StubUpstream } from '../helpers/stub-upstream.js';

/**
 * OpenTelemetry traces (OTEL_*): one span per GraphQL operation, continuing the caller's W3C
 * `traceparent`; one span per upstream attempt, its child, whose `traceparent` goes upstream.
 * Spans land in an in-memory exporter; the caller is a raw node:http request (nothing instrumented),
 * the upstream a stub that records the headers it receives. Off: no span, no `traceparent` upstream.
 */

const TOKEN = 'demo-token-alice';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;
const LIST = 'query ListSome { images(region: "cn-north-4", first: 1) { nodes { imageId } } }';

async function start(stub: StubUpstream, exporter: InMemorySpanExporter, env: Env, client: Partial<ClientSettings> = {}): Promise<App> {
  const base = loadConfig({ CLOUDIMAGES_ENDPOINT: stub.url, NODE_ENV: 'test', ...env });
  const config: Config = {
    ...base,
    server: { ...base.server, host: '127.0.0.1', port: 0, limits: DEFAULT_QUERY_LIMITS },
    upstream: { ...base.upstream, client: { ...base.upstream.client, timeoutMs: 5_000, maxAttempts: 1, retryBaseDelayMs: 1, totalBudgetMs: 10_000, ...client } },
  };
  return createApp(config, { log: pino({ level: 'silent' }), tracing: { exporter } });
}

/** POSTs a query with plain node:http (no fetch, nothing that could add a traceparent of its own). */
function post(url: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { data?: unknown; errors?: { extensions?: { code?: string } }[]; extensions?: { cost?: { estimated: number; actual: number } } } }> {
  const payload = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-auth-token': TOKEN, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function traceparentOf(headers: IncomingHttpHeaders): { traceId: string; spanId: string; sampled: boolean } {
  const match = TRACEPARENT.exec(String(headers.traceparent));
  expect(match, `traceparent ${String(headers.traceparent)}`).not.toBeNull();
  return { traceId: match![1]!, spanId: match![2]!, sampled: match![3] === '1' };
}

const named = (spans: ReadableSpan[], name: string): ReadableSpan[] => spans.filter((span) => span.name === name);

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let stub: StubUpstream;
  let app: App;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    stub = await startStubUpstream(reply(200, { images: [stubImage(1)] }, { 'x-request-id': 'up-req-1' }));
    app = await start(stub, exporter, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, { maxAttempts: 2 });
  });
  afterEach(() => {
    exporter.reset();
    stub.reset();
  });
  afterAll(async () => {
    await app.close();
    await stub.close();
  });

  it('continues the caller’s trace: operation span → attempt span → traceparent upstream', async () => {
    const { status, body } = await post(app.url, LIST, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(['GET', 'graphql.operation ListSome']);
    const [operation] = named(spans, 'graphql.operation ListSome');
    const [attempt] = named(spans, 'GET');

    expect(operation!.spanContext().traceId).toBe(TRACE_ID);
    expect(operation!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(operation!.attributes).toMatchObject({
      'graphql.operation.name': 'ListSome',
      'graphql.operation.type': 'query',
      'cloudimages.outcome': 'ok',
      'cloudimages.cost.estimated': body.extensions!.cost!.estimated,
      'cloudimages.cost.actual': 1,
      'http.response.status_code': 200,
    });
    expect(operation!.attributes['cloudimages.request_id']).toEqual(expect.any(String));

    expect(attempt!.spanContext().traceId).toBe(TRACE_ID);
    expect(attempt!.parentSpanContext?.spanId).toBe(operation!.spanContext().spanId);
    expect(attempt!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${stub.url}${stub.requests[0]!.target}`,
      'http.response.status_code': 200,
      'cloudimages.upstream.attempt': 1,
      'cloudimages.upstream.request_id': 'up-req-1',
      'cloudimages.outcome': 'ok',
    });
    expect(attempt!.attributes['http.request.resend_count']).toBeUndefined();

    expect(stub.requests).toHaveLength(1);
    expect(traceparentOf(stub.requests[0]!.headers)).toEqual({ traceId: TRACE_ID, spanId: attempt!.spanContext().spanId, sampled: true });
  });

  it('one span per attempt: a retried call has two, the second with its resend count, and a retry event on the operation', async () => {
    stub.enqueue(reply(503, 'busy', { 'x-request-id': 'up-req-busy' }));
    const { body } = await post(app.url, LIST, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(body.errors).toBeUndefined();
    const attempts = named(exporter.getFinishedSpans(), 'GET').sort((a, b) => Number(a.attributes['cloudimages.upstream.attempt']) - Number(b.attributes['cloudimages.upstream.attempt']));
    const [operation] = named(exporter.getFinishedSpans(), 'graphql.operation ListSome');
    expect(attempts.map((span) => span.attributes)).toEqual([
      expect.objectContaining({ 'cloudimages.upstream.attempt': 1, 'http.response.status_code': 503, 'cloudimages.upstream.request_id': 'up-req-busy', 'error.type': '503' }),
      expect.objectContaining({ 'cloudimages.upstream.attempt': 2, 'http.request.resend_count': 1, 'http.response.status_code': 200, 'cloudimages.outcome': 'ok' }),
    ]);
    expect(attempts[0]!.status.code).toBe(2); // SpanStatusCode.ERROR
    for (const attempt of attempts) expect(attempt.parentSpanContext?.spanId).toBe(operation!.spanContext().spanId);
    expect(operation!.events.map((event) => event.name)).toEqual(['upstream.retry']);
    // Each attempt carried its own span id, in the caller's trace.
    expect(stub.requests.map((request) => traceparentOf(request.headers))).toEqual(attempts.map((span) => ({ traceId: TRACE_ID, spanId: span.spanContext().spanId, sampled: true })));
  });

  it('an operation that fails records its error code', async () => {
    stub.enqueue(reply(401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' }));
    const { body } = await post(app.url, 'query Mine { images(region: "cn-north-4", first: 1) { nodes { imageId } } }');
    const code = body.errors![0]!.extensions!.code!;
    const [operation] = named(exporter.getFinishedSpans(), 'graphql.operation Mine');
    expect(operation!.attributes).toMatchObject({ 'cloudimages.outcome': code, 'error.type': code });
    expect(operation!.status.code).toBe(2);
    // No traceparent from the caller: a new trace, which the upstream call joins.
    expect(operation!.parentSpanContext).toBeUndefined();
    expect(traceparentOf(stub.requests[0]!.headers).traceId).toBe(operation!.spanContext().traceId);
  });

  it('concurrent requests never mix: each upstream call carries its own caller’s trace', async () => {
    stub.setFallback((req, res) => setTimeout(() => reply(200, { images: [stubImage(1)] })(req, res), 30));
    const regions = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-3', 'la-north-2', 'tr-west-1', 'eu-west-101'];
    const traceOf = (i: number): string => `${String(i + 1).padStart(2, '0')}${TRACE_ID.slice(2)}`;
    await Promise.all(
      regions.map((region, i) => post(app.url, `query R${i} { images(region: "${region}", first: 1) { nodes { imageId } } }`, { traceparent: `00-${traceOf(i)}-${CALLER_SPAN}-01` })),
    );
    expect(stub.requests).toHaveLength(regions.length);
    for (const request of stub.requests) {
      const i = regions.indexOf(request.path.split('/').pop()!);
      expect(traceparentOf(request.headers).traceId).toBe(traceOf(i));
    }
    const spans = exporter.getFinishedSpans();
    for (const [i] of regions.entries()) {
      const [operation] = named(spans, `graphql.operation R${i}`);
      expect(operation!.spanContext().traceId).toBe(traceOf(i));
      const children = spans.filter((span) => span.parentSpanContext?.spanId === operation!.spanContext().spanId);
      expect(children.map((span) => [span.name, String(span.attributes['url.full']).split('?')[0]])).toEqual([['GET', `${stub.url}/v1/cloudimages/${regions[i]}`]]);
    }
  });

  it('a caller’s unsampled trace is continued unsampled: no spans, its trace id upstream with the flag off', async () => {
    await post(app.url, LIST, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-00` });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(traceparentOf(stub.requests[0]!.headers)).toMatchObject({ traceId: TRACE_ID, sampled: false });
  });
});

describe('tracing off (no OTEL_* set)', () => {
  it('makes no span and sends no traceparent upstream, even when the caller sent one', async () => {
    const stub = await startStubUpstream(reply(200, { images: [stubImage(1)] }));
    const exporter = new InMemorySpanExporter();
    const app = await start(stub, exporter, {});
    try {
      expect(app.tracing).toBeUndefined();
      const { body } = await post(app.url, LIST, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
      expect(body.errors).toBeUndefined();
      expect(stub.requests).toHaveLength(1);
      expect(stub.requests[0]!.headers.traceparent).toBeUndefined();
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await app.close();
      await stub.close();
    }
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off even with an endpoint', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing.exporter).toBe('none');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing.exporter).toBe('none');
  });
});

describe('exporting over OTLP/HTTP', () => {
  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ])('%s: sends the spans, with the service name, to the endpoint (flushed at close)', async (protocol, contentType) => {
    const received: { path: string; type: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const stub = await startStubUpstream(reply(200, { images: [stubImage(1)] }));
    try {
      const env = {
        CLOUDIMAGES_ENDPOINT: stub.url,
        NODE_ENV: 'test',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: 'images-api-test',
      };
      const loaded = loadConfig(env);
      const config: Config = { ...loaded, server: { ...loaded.server, host: '127.0.0.1', port: 0 } };
      const app = await createApp(config, { log: pino({ level: 'silent' }) });
      expect(app.tracing?.description).toBe(`Traces: OTLP (${protocol}) to ${env.OTEL_EXPORTER_OTLP_ENDPOINT}v1/traces`);
      await post(app.url, LIST);
      await app.close();
      expect(received.map((r) => [r.path, r.type])).toEqual([['/v1/traces', contentType]]);
      const text = received[0]!.body;
      expect(text).toContain('images-api-test');
      expect(text).toContain('graphql.operation ListSome');
    } finally {
      await stub.close();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});

describe('configuration (OTEL_*)', () => {
  const problems = (env: Env): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('defaults: off, protobuf to localhost:4318, parent-based always-on sampling', () => {
    expect(loadConfig({}).tracing).toEqual({
      exporter: 'none',
      otlp: { url: 'http://localhost:4318/v1/traces', protocol: 'http/protobuf', headers: {} },
      serviceName: 'cloudimages-graphql',
      sampler: { root: 'always_on', parentBased: true, ratio: 1 },
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing.exporter).toBe('otlp');
  });

  it('reads the endpoints, protocol, headers, service name and sampler', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/otlp/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc , x-tenant=t1',
      OTEL_SERVICE_NAME: 'images',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toEqual({
      exporter: 'otlp',
      otlp: { url: 'https://otel.example.com/otlp/v1/traces', protocol: 'http/json', headers: { authorization: 'Bearer abc', 'x-tenant': 't1' } },
      serviceName: 'images',
      sampler: { root: 'traceidratio', parentBased: true, ratio: 0.25 },
    });
    // The signal's own endpoint is used as is.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).tracing).toMatchObject({ exporter: 'otlp', otlp: { url: 'http://c:4318/custom' } });
    expect(loadConfig({ OTEL_TRACES_SAMPLER: 'always_off' }).tracing.sampler).toEqual({ root: 'always_off', parentBased: false, ratio: 1 });
  });

  it('refuses what it cannot do, never echoing a header value', () => {
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual([expect.stringContaining('grpc is not supported')]);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toEqual([expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL')]);
    expect(problems({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(['OTEL_TRACES_EXPORTER must be otlp, console or none']);
    expect(problems({ OTEL_TRACES_SAMPLER: 'sometimes' })).toEqual([expect.stringContaining('OTEL_TRACES_SAMPLER must be')]);
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: '2' })).toEqual([expect.stringContaining('OTEL_TRACES_SAMPLER_ARG')]);
    const bad = problems({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t-value,broken' });
    expect(bad).toEqual(['OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas (entry 2 is not)']);
  });
});
