import { DEFAULT_TOKEN } from './config.js';

/** The token this tab signed in with (sessionStorage: gone with the tab), else the build's default. */

const KEY = 'cloudimages-picker-token';

export function currentToken(): string {
  return sessionStorage.getItem(KEY) ?? DEFAULT_TOKEN;
}

export function rememberToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}
