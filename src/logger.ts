import { pino, type Logger } from 'pino';

/** JSON logs on stdout. Credentials are redacted by path in case a header object is ever logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'cloudimages-graphql' },
    redact: {
      paths: ['headers["x-auth-token"]', 'headers.authorization', 'req.headers["x-auth-token"]', 'req.headers.authorization', 'token', 'credentials'],
      censor: '[redacted]',
    },
  });
}
