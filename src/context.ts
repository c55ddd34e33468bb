import { GraphQLError } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from './graphql/errors.js';
import { createLoaders, type ImageLoaders, type LoaderOptions } from './loaders/image-loaders.js';
import type { CloudImagesClient, Credentials } from './upstream/client.js';

/** What every resolver of one GraphQL request sees. Built fresh per request: nothing is shared. */
export interface Context {
  /** The caller's credentials, forwarded upstream; undefined when none were sent. */
  credentials: Credentials | undefined;
  loaders: ImageLoaders;
  requestId: string;
  log: Logger;
}

/** IAM tokens are long (several KB) base64-like strings; anything else is refused before it goes anywhere. */
const TOKEN = /^[A-Za-z0-9+/=_.-]{1,16384}$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `X-Auth-Token: <token>` or `Authorization: Bearer <token>`; a malformed one is refused. */
export function credentialsFrom(headers: IncomingHttpHeaders): Credentials | undefined {
  const header = single(headers['x-auth-token'])?.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(single(headers.authorization)?.trim() ?? '')?.[1]?.trim();
  const token = header || bearer;
  if (!token) return undefined;
  if (!TOKEN.test(token)) {
    throw new GraphQLError('The token is malformed: send the IAM token exactly as issued, in X-Auth-Token or Authorization: Bearer.', {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  return { token };
}

export interface ContextDeps {
  client: CloudImagesClient;
  loaderOptions: LoaderOptions;
  log: Logger;
}

export function createContext(deps: ContextDeps, headers: IncomingHttpHeaders, requestId: string): Context {
  const credentials = credentialsFrom(headers);
  return {
    credentials,
    loaders: createLoaders(deps.client, credentials, deps.loaderOptions),
    requestId,
    log: deps.log.child({ requestId }),
  };
}
