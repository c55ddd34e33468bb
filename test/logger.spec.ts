import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCESS_KEYS } from '../src/emulator/options.js';
import { createLogger } from '../src/logger.js';
import { ALICE } from './helpers/tenants.js';

/**
 * The logger alone (src/logger.ts): a secret in an object someone logs is redacted by its path.
 * What the server actually writes per request is in logging.spec.ts and graphql/aksk-mode.spec.ts.
 */

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsb2ctdGVzdCJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw';
const API_KEY = 'api-key-that-must-not-leak-0123456789';
const PORTAL_API_KEY = 'portal-backend-0123456789abcdef';
const KEY = DEMO_ACCESS_KEYS[0]!;

/** A logger of src/logger.ts writing into `captured`. */
function capturing(captured: string[]): ReturnType<typeof createLogger> {
  return createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        captured.push(chunk.toString());
        done();
      },
    }),
  );
}

describe('createLogger', () => {
  it('redacts with the paths of src/logger.ts should a request object ever be logged', () => {
    const captured: string[] = [];
    capturing(captured).info({ req: { headers: { authorization: `Bearer ${JWT}`, 'x-auth-token': ALICE.token, 'x-api-key': API_KEY } }, credentials: { token: ALICE.token } }, 'x');
    const all = captured.join('');
    for (const value of [JWT, ALICE.token, API_KEY]) expect(all).not.toContain(value);
  });

  it('redacts secrets from anything logged by path: headers, credentials, the config', () => {
    const captured: string[] = [];
    const log = capturing(captured);
    log.info({ headers: { authorization: 'Bearer eyJ.secret.jwt', 'x-api-key': PORTAL_API_KEY, 'x-auth-token': 'tok-secret' } }, 'headers');
    log.info({ credentials: { aksk: { ak: KEY.ak, sk: KEY.sk } } }, 'credentials');
    log.info({ config: { upstreamAuth: { kind: 'aksk', sk: KEY.sk }, callerAuth: { apiKeys: [PORTAL_API_KEY] } } }, 'config');
    const text = captured.join('');
    for (const secret of ['eyJ.secret.jwt', PORTAL_API_KEY, 'tok-secret', KEY.sk]) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
