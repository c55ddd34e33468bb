import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createCallerAuth } from '../../src/http/caller-auth.js';
import { isLoopbackHost } from '../../src/http/loopback-host.js';

/** The one loopback rule for a plain-http key-set URL, and that config and the key set both follow it. */

const hostOf = (url: string): string => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.255.255.254', '127.0.0.0', '127.1.2.3', 'localhost', '[::1]'])('accepts %s', (hostname) => {
    expect(isLoopbackHost(hostname)).toBe(true);
  });

  it.each([
    ['128.0.0.1', 'outside 127/8'],
    ['126.255.255.255', 'outside 127/8'],
    ['10.0.0.1', 'a private address is still off the machine'],
    ['0.0.0.0', 'not an address to send to'],
    ['localhost.example.com', 'a name under some other domain'],
    ['127.0.0.1.nip.io', 'a public DNS name, whatever it resolves to'],
    ['sub.localhost', 'only the name localhost itself'],
    ['localhost.', 'not the spelling a URL gives'],
    ['[::ffff:7f00:1]', 'IPv4-mapped ::ffff:127.0.0.1: only ::1 is IPv6 loopback'],
    ['[::]', 'the unspecified address'],
    ['[::2]', 'not ::1'],
    ['::1', 'not bracketed as a URL spells it'],
    ['127.0.0.256', 'no IPv4 address'],
    ['127.00.0.1', 'not the canonical spelling a URL gives'],
    ['127.0.0', 'not four parts'],
    ['', 'empty'],
  ])('refuses %s (%s)', (hostname) => {
    expect(isLoopbackHost(hostname)).toBe(false);
  });

  it('takes hosts as a URL spells them: other spellings of loopback addresses come out canonical', () => {
    const spelled = ['http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://LOCALHOST:8080/', 'http://[0:0:0:0:0:0:0:1]/'].map(hostOf);
    expect(spelled).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', 'localhost', '[::1]']);
    expect(spelled.every(isLoopbackHost)).toBe(true);
    expect(hostOf('http://[::ffff:127.0.0.1]/')).toBe('[::ffff:7f00:1]');
    expect(isLoopbackHost(hostOf('http://[::ffff:127.0.0.1]/'))).toBe(false);
  });
});

describe('one answer for AUTH_JWKS_URL (config) and the key set (caller auth)', () => {
  const AKSK = { HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0123456789', HUAWEICLOUD_SDK_SK: 'sk-example-0123456789abcdef' };
  const configAccepts = (jwksUrl: string): boolean => {
    try {
      return loadConfig({ ...AKSK, AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).callerAuth?.jwt?.jwksUrl === jwksUrl;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['AUTH_JWKS_URL must use https (plain http only on a loopback address)']);
      return false;
    }
  };
  // Building the key set fetches nothing (jose fetches on first use), so no URL here is ever a target.
  const keySetAccepts = (jwksUrl: string): boolean => {
    try {
      createCallerAuth({ mode: 'required', apiKeys: [], jwt: { jwksUrl, issuer: 'i', audience: 'a' } });
      return true;
    } catch (error) {
      expect((error as Error).message).toBe('The JWKS URL must be https (plain http only on a loopback host).');
      return false;
    }
  };

  it.each([
    ['http://127.0.0.1:9999/jwks.json', true],
    ['http://127.255.255.254/jwks.json', true],
    ['http://127.1.2.3/jwks.json', true],
    ['http://localhost:8080/jwks.json', true],
    ['http://[::1]:8080/jwks.json', true],
    ['https://login.example.com/jwks.json', true],
    ['http://10.0.0.1/jwks.json', false],
    ['http://128.0.0.1/jwks.json', false],
    ['http://localhost.example.com/jwks.json', false],
    ['http://127.0.0.1.nip.io/jwks.json', false],
    ['http://[::ffff:127.0.0.1]/jwks.json', false],
    ['http://login.example.com/jwks.json', false],
  ])('%s: accepted %s by both', (url, accepted) => {
    expect([configAccepts(url), keySetAccepts(url)]).toEqual([accepted, accepted]);
  });
});
