import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapSetter, trace, type Context as TraceContext, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '../graphql/context.js';
import type { UpstreamObserver } from '../upstream/client.js';

/**
 * The spans themselves, loaded only when tracing is on: one SERVER span per GraphQL operation (an
 * Apollo plugin), continuing the caller's W3C `traceparent`, and one CLIENT span per upstream
 * attempt (an upstream observer), its child, whose `traceparent` goes upstream with the attempt.
 *
 * No global OpenTelemetry state (no global tracer provider, context manager or propagator): the
 * operation's context lives in this module's own AsyncLocalStorage, entered when Apollo starts the
 * request; every upstream call the request's resolvers make runs in that async context, and each
 * request enters its own, so concurrent requests never mix.
 */

/** Attribute names of the incubating GraphQL and URL conventions (copied, as the package advises). */
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_URL_TEMPLATE = 'url.template';

export interface TraceHooks {
  plugin: ApolloServerPlugin<Context>;
  observer: UpstreamObserver;
}

/** Apollo's HeaderMap (lower-case keys) as a propagation carrier. */
const headerMapGetter: TextMapGetter<Map<string, string>> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key.toLowerCase()),
};

export function traceHooks(tracer: Tracer): TraceHooks {
  const propagator = new W3CTraceContextPropagator();
  const current = new AsyncLocalStorage<TraceContext>();

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart({ request, contextValue }) {
      const headers = request.http?.headers;
      const parent = headers ? propagator.extract(ROOT_CONTEXT, headers, headerMapGetter) : ROOT_CONTEXT;
      const span = tracer.startSpan('graphql.operation', { kind: SpanKind.SERVER, attributes: { 'cloudimages.request_id': contextValue.requestId } }, parent);
      // Before any await: the rest of this request (Apollo's own continuation included) runs in it.
      current.enterWith(trace.setSpan(parent, span));
      let ended = false;
      return {
        async didResolveOperation({ operation, operationName }) {
          const name = operationName ?? operation?.name?.value;
          if (name) {
            span.updateName(`graphql.operation ${name}`);
            span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
          }
          if (operation) span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
        },
        async willSendResponse({ response }) {
          if (ended) return;
          ended = true;
          const status = response.http.status ?? 200;
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (response.body.kind === 'single') {
            const { errors, extensions } = response.body.singleResult;
            // Set by the query-cost plugin's willSendResponse, which runs before this one.
            const cost = extensions?.cost as { estimated?: unknown; actual?: unknown; limit?: unknown } | undefined;
            if (typeof cost?.estimated === 'number') span.setAttribute('cloudimages.cost.estimated', cost.estimated);
            if (typeof cost?.actual === 'number') span.setAttribute('cloudimages.cost.actual', cost.actual);
            const code = errors?.[0]?.extensions?.code;
            const outcome = errors && errors.length > 0 ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'ok';
            span.setAttribute('cloudimages.outcome', outcome);
            if (outcome !== 'ok') {
              span.setAttribute(ATTR_ERROR_TYPE, outcome);
              span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
            }
          }
          span.end();
        },
      };
    },
  };

  const observer: UpstreamObserver = {
    attempt({ url, attempt }) {
      const parent = current.getStore() ?? ROOT_CONTEXT;
      const span = tracer.startSpan(
        'GET',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_HTTP_REQUEST_METHOD]: 'GET',
            [ATTR_URL_FULL]: url.href,
            [ATTR_URL_TEMPLATE]: '/v1/cloudimages/{region_id}',
            [ATTR_SERVER_ADDRESS]: url.hostname,
            [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
            'cloudimages.upstream.attempt': attempt,
            ...(attempt > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 } : {}),
          },
        },
        parent,
      );
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
      return {
        headers,
        end({ status, outcome, requestId }) {
          if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (requestId !== null) span.setAttribute('cloudimages.upstream.request_id', requestId);
          span.setAttribute('cloudimages.outcome', outcome);
          if (outcome !== 'ok') {
            span.setAttribute(ATTR_ERROR_TYPE, outcome === 'cancelled' ? 'cancelled' : status !== undefined && status >= 400 ? String(status) : outcome);
            if (outcome !== 'cancelled') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          }
          span.end();
        },
      };
    },
    retry({ attempt, waitMs, code }) {
      const operation = trace.getSpan(current.getStore() ?? ROOT_CONTEXT);
      operation?.addEvent('upstream.retry', { 'cloudimages.upstream.attempt': attempt, 'cloudimages.upstream.wait_ms': waitMs, 'cloudimages.outcome': code });
    },
  };

  return { plugin, observer };
}
