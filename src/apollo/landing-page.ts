import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { readExampleOperations } from './example-operations.js';

/**
 * Apollo Sandbox on `GET /graphql` from a browser, opened on the example operations and, when a
 * token is given (emulator mode: a demo token is no secret), with it in the headers; when it cannot
 * load (offline), its fallback links to GraphiQL at /graphiql. Without `sandbox` (production with a
 * real endpoint) no landing page at all.
 */
export async function landingPage(sandbox: boolean, sandboxToken?: string): Promise<ApolloServerPlugin> {
  if (!sandbox) return ApolloServerPluginLandingPageDisabled();
  const headers = sandboxToken ? { 'X-Auth-Token': sandboxToken } : undefined;
  const sandboxPage = ApolloServerPluginLandingPageLocalDefault({
    footer: false,
    includeCookies: false,
    document: await readExampleOperations(),
    variables: { region: 'cn-north-4' },
    ...(headers ? { headers } : {}),
    embed: { runTelemetry: false, endpointIsEditable: false, initialState: { pollForSchemaUpdates: false, ...(headers ? { sharedHeaders: headers } : {}) } },
  });
  return withOfflineLink(sandboxPage);
}

/** Sandbox's own fallback: Apollo shows it when Sandbox's script could not load from Apollo's CDN. */
const OFFLINE_FALLBACK = /(<div class="fallback">[\s\S]*?)(<\/div>)/;
/** The nonce Apollo's CSP allows styles by (a new one for every page). */
const STYLE_NONCE = /<style nonce=([0-9a-f]+)>/;

/**
 * The page with a link to /graphiql in the fallback. Sandbox's frame holder covers the whole page
 * and stays empty when its script did not load: hidden then, so the link can be clicked.
 */
function addOfflineLink(html: string): string {
  const nonce = STYLE_NONCE.exec(html)?.[1];
  if (!nonce || !OFFLINE_FALLBACK.test(html)) throw new Error("Apollo's landing page has no offline fallback (or no style nonce) to link /graphiql from");
  const link = '  <p>Offline? <a href="/graphiql">GraphiQL</a> is served by this server itself and needs no internet.</p>\n';
  const unblock = `\n<style nonce=${nonce}>#embeddableSandbox:empty { display: none; }</style>`;
  return html.replace(OFFLINE_FALLBACK, `$1${link}$2${unblock}`);
}

/** Apollo's landing page, with the link to /graphiql in its offline fallback. */
function withOfflineLink(plugin: ApolloServerPlugin): ApolloServerPlugin {
  return {
    ...plugin,
    async serverWillStart(service) {
      const listener = await plugin.serverWillStart?.(service);
      const renderSandbox = listener?.renderLandingPage;
      if (!listener || !renderSandbox) throw new Error("Apollo's default landing page rendered nothing");
      return {
        ...listener,
        async renderLandingPage() {
          const { html } = await renderSandbox();
          // A fresh page per request (Apollo's carries a new CSP nonce each time).
          const sandboxHtml = typeof html === 'string' ? (): Promise<string> => Promise.resolve(html) : html;
          // Tried at start: an Apollo upgrade that changes the fallback's markup stops start-up, not a request.
          addOfflineLink(await sandboxHtml());
          return { html: async () => addOfflineLink(await sandboxHtml()) };
        },
      };
    },
  };
}
