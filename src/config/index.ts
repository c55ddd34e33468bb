export { loadConfig, type Config, type LoadOptions } from './load.js';
export { DEFAULT_QUERY_LIMITS, DEFAULT_REGIONS, type ServerSettings } from './server.js';
export type { UpstreamSettings } from './upstream.js';
export type { SharedStateSettings } from './shared-state.js';
export type { TrustedDocumentsSettings } from '../apollo/trusted-documents.js';
export { ConfigError, type Env } from './values.js';
