import { afterAll, beforeAll } from 'vitest';

/**
 * A resource shared by the tests of one file (or of the describe that calls this): started in
 * beforeAll, stopped in afterAll. It is handed out at once, as a stand-in that passes every member
 * read on to the started resource, so that specs declare it at their top level and use it in their
 * tests as if it were the resource itself, with none of the start/close boilerplate.
 */
export function perFile<T extends object>(what: string, start: () => Promise<T>, stop: (resource: T) => Promise<void>): T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  });
  afterAll(async () => {
    if (resource) await stop(resource);
  });
  return new Proxy({} as T, {
    get(_standIn, key): unknown {
      if (!resource) throw new Error(`${what} is started in beforeAll: use it in tests and hooks, not while the file is collected`);
      const member: unknown = Reflect.get(resource, key, resource);
      // A method must run on the resource, whose state is not on the stand-in.
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(resource) : member;
    },
  });
}
