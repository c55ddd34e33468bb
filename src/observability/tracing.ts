import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceHooks } from './trace-hooks.js';

/**
 * OpenTelemetry traces, set up from the tracing settings (the OTEL_* variables, read by src/config/tracing.ts).
 * Off (exporter `none`, the default without an OTLP endpoint): nothing is loaded, no plugin and no
 * observer are added, no span is made and no `traceparent` is sent upstream. On: a tracer provider
 * of its own (never registered globally) exporting in batches over OTLP/HTTP, or to the console.
 */

/** Whether and where spans go (the standard OTEL_* variables, read by the configuration). */
export interface TracingSettings {
  /** `otlp`, `console`, or `none` (off: no span made, no `traceparent` sent). */
  exporter: 'none' | 'otlp' | 'console';
  otlp: {
    url: string;
    protocol: 'http/protobuf' | 'http/json';
    headers: Record<string, string>;
  };
  serviceName: string;
  sampler: { root: 'always_on' | 'always_off' | 'traceidratio'; parentBased: boolean; ratio: number };
}

export interface Tracing extends TraceHooks {
  /** One line for the start-up banner. */
  description: string;
  /** Flushes the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Export here instead, span by span as each ends (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

export async function startTracing(config: TracingSettings, options: TracingOptions = {}): Promise<Tracing | undefined> {
  if (config.exporter === 'none') return undefined;
  const [{ traceHooks }, sdk, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] = await Promise.all([
    import('./trace-hooks.js'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const { otlp } = config;
  let exporter = options.exporter;
  let description: string;
  if (exporter) {
    description = 'Traces: to the given exporter';
  } else if (config.exporter === 'console') {
    exporter = new sdk.ConsoleSpanExporter();
    description = 'Traces: to the console';
  } else {
    const { OTLPTraceExporter } = otlp.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
    exporter = new OTLPTraceExporter({ url: otlp.url, headers: otlp.headers });
    description = `Traces: OTLP (${otlp.protocol}) to ${otlp.url}`;
  }
  const root =
    config.sampler.root === 'always_off' ? new sdk.AlwaysOffSampler() : config.sampler.root === 'traceidratio' ? new sdk.TraceIdRatioBasedSampler(config.sampler.ratio) : new sdk.AlwaysOnSampler();
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: config.sampler.parentBased ? new sdk.ParentBasedSampler({ root }) : root,
    spanProcessors: [options.exporter ? new sdk.SimpleSpanProcessor(exporter) : new sdk.BatchSpanProcessor(exporter)],
  });
  const hooks = traceHooks(provider.getTracer('cloudimages-graphql'));
  return {
    ...hooks,
    description,
    shutdown: () => provider.shutdown(),
  };
}
