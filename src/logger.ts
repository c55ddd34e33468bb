import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs on stdout. Nothing logs credentials on purpose; in case a header object, the config or
 * a credentials object is ever logged, every place a secret could sit is redacted by path.
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-api-key"]',
  'headers["x-sdk-date"]',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers["x-api-key"]',
  'token',
  '*.token',
  'credentials',
  '*.credentials',
  'sk',
  '*.sk',
  'aksk',
  '*.aksk',
  'upstreamAuth',
  '*.upstreamAuth',
  'apiKeys',
  '*.apiKeys',
  'callerAuth',
  '*.callerAuth',
  'redis.url',
  '*.redis.url',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'cloudimages-graphql' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
