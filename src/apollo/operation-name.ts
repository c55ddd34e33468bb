import type { ApolloServerPlugin, GraphQLRequestContext, HTTPGraphQLRequest } from '@apollo/server';
import { getOperationAST } from 'graphql';

/** What Apollo made of one HTTP request: whether its operation pipeline ran, and the operation's name. */
export interface OperationRecord {
  /** Apollo's request pipeline started (false: refused before it, e.g. CSRF, or a body with no query). */
  started: boolean;
  /** The operation run; else the one the document names; else the name the client asked for. */
  name: string | undefined;
  /** Apollo resolved the request's operation (its document parsed and validated, the operation found). */
  resolved: boolean;
}

/** The operation run; else (refused before it was resolved) the one the document names, or the name the client asked for. */
export function operationNameOf(requestContext: GraphQLRequestContext<object>): string | undefined {
  if (requestContext.operation) return requestContext.operationName ?? undefined;
  const { document, request } = requestContext;
  if (document) return getOperationAST(document, request.operationName)?.name?.value ?? request.operationName;
  return request.operationName;
}

/**
 * Tells the HTTP layer what Apollo made of each request it handed over (for its access line and the
 * refusals it counts), keyed by the request object it gave Apollo, which Apollo passes through as
 * `request.http`: Apollo copies each request's context, so nothing written there reaches back.
 */
export class OperationRecords {
  private readonly records = new WeakMap<HTTPGraphQLRequest, OperationRecord>();

  /** Starts the record of one request, before it is given to Apollo. */
  track(http: HTTPGraphQLRequest): OperationRecord {
    const record: OperationRecord = { started: false, name: undefined, resolved: false };
    this.records.set(http, record);
    return record;
  }

  readonly plugin: ApolloServerPlugin<object> = {
    requestDidStart: async ({ request }) => {
      const record = request.http && this.records.get(request.http);
      if (!record) return;
      record.started = true;
      return {
        async willSendResponse(requestContext) {
          record.name = operationNameOf(requestContext);
          record.resolved = requestContext.operation !== undefined;
        },
      };
    },
  };
}
