export { CloudImagesClient, type ClientOptions, type Credentials, type ListImagesResult } from './client.js';
export { CloudImagesError, type CloudImagesErrorCode, type UpstreamDetails } from './errors.js';
export * from './wire.js';
