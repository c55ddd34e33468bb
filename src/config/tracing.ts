import { z } from 'zod';
import type { TracingSettings } from '../observability/tracing.js';
import { bool, rate, readVariables, type Env } from './values.js';

/** OpenTelemetry traces, from the standard OTEL_* variables (see README, "Operations: traces"). */

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

const variables = {
  OTEL_SDK_DISABLED: bool('OTEL_SDK_DISABLED').default(false),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none'], { message: 'OTEL_TRACES_EXPORTER must be otlp, console or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint('OTEL_EXPORTER_OTLP_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_PROTOCOL').optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS').optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS').optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(255, 'OTEL_SERVICE_NAME must be at most 255 characters').default('cloudimages-graphql'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
      message: 'OTEL_TRACES_SAMPLER must be always_on, always_off or traceidratio, or one of them prefixed parentbased_',
    })
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: rate('OTEL_TRACES_SAMPLER_ARG').default(1),
};

export function tracingSettings(env: Env): TracingSettings {
  const e = readVariables(env, variables);
  const endpointSet = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  const sampler = e.OTEL_TRACES_SAMPLER;
  return {
    // Default: `otlp` when an OTLP endpoint is set, else `none` (off: no span made, no `traceparent` sent).
    exporter: e.OTEL_SDK_DISABLED ? 'none' : (e.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none')),
    otlp: {
      url: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      headers: e.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
    },
    serviceName: e.OTEL_SERVICE_NAME,
    sampler: { root: sampler.replace(/^parentbased_/, '') as TracingSettings['sampler']['root'], parentBased: sampler.startsWith('parentbased_'), ratio: e.OTEL_TRACES_SAMPLER_ARG },
  };
}
