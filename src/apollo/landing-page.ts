import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** schema/operations.graphql, found from src/, dist/ or any other build folder below the package root. */
function examplesFile(): URL {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const candidate = new URL('schema/operations.graphql', dir);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('schema/operations.graphql not found above the server module');
}

/**
 * Apollo Sandbox on `GET /graphql` from a browser, opened on the example operations and, when a
 * token is given (emulator mode: a demo token is no secret), with it in the headers. Without
 * `sandbox` (production with a real endpoint) no landing page at all.
 */
export async function landingPage(sandbox: boolean, sandboxToken?: string): Promise<ApolloServerPlugin> {
  if (!sandbox) return ApolloServerPluginLandingPageDisabled();
  const headers = sandboxToken ? { 'X-Auth-Token': sandboxToken } : undefined;
  return ApolloServerPluginLandingPageLocalDefault({
    footer: false,
    includeCookies: false,
    document: await readFile(examplesFile(), 'utf8'),
    variables: { region: 'cn-north-4' },
    ...(headers ? { headers } : {}),
    embed: { runTelemetry: false, endpointIsEditable: false, initialState: { pollForSchemaUpdates: false, ...(headers ? { sharedHeaders: headers } : {}) } },
  });
}
