import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Imports point one way (DESIGN.md, "Data flow"): the emulator owns its options and defaults and
 * imports nothing of the product but the upstream's wire types; the product path reaches the
 * emulator only from its entry points, which start it as the embedded default, and from the
 * configuration, which reads EMULATOR_* by the emulator's own settings rules. The upstream client
 * knows nothing above it, and resolvers speak GraphQL and page plans, never wire parameters.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

/** Source files under a directory, as paths relative to the repository with `/` separators. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => posix(relative(root, join(dir, name))))
    .sort();
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

/** Every import specifier of a file: static imports, re-exports, `import type`, `import()` and `require`. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Where a relative specifier leads, as a repository path of the .ts source (`./x.js` is `./x.ts`); undefined for packages. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const path = posix(relative(root, resolve(join(root, dirname(file)), specifier)));
  return path.replace(/\.js$/, '.ts');
}

const emulatorFiles = sourceFiles(join(src, 'emulator'));
const productFiles = sourceFiles(src).filter((file) => !file.startsWith('src/emulator/'));

describe('import boundaries', () => {
  it('finds the files it checks', () => {
    expect(emulatorFiles).toEqual(expect.arrayContaining(['src/emulator/server.ts', 'src/emulator/options.ts', 'src/emulator/cli.ts', 'src/emulator/cli-args.ts']));
    expect(productFiles).toEqual(expect.arrayContaining(['src/config/load.ts', 'src/main.ts', 'src/upstream/wire.ts']));
    expect(specifiers('src/emulator/server.ts')).toContain('./options.js');
  });

  it('the request path imports only down: http/ → apollo/ and observability/ → graphql/ → shared-state/ → images/ → upstream/', () => {
    const rank: Record<string, number> = { upstream: 1, images: 2, 'shared-state': 3, graphql: 4, apollo: 5, observability: 5, http: 6 };
    const layerOf = (path: string): string | undefined => /^src\/([^/]+)\//.exec(path)?.[1];
    const offending = Object.keys(rank).flatMap((layer) =>
      sourceFiles(join(src, layer)).flatMap((file) =>
        specifiers(file).flatMap((s) => {
          const to = target(file, s);
          if (to === undefined) return [];
          const into = layerOf(to);
          // Top-level modules (app, server, context, main) and the configuration are above every layer.
          return into !== undefined && rank[into] !== undefined && rank[into]! <= rank[layer]! ? [] : [`${file} imports ${to}`];
        }),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('no layer imports the configuration: the settings types flow from the layers to src/config/, which composes them', () => {
    const layers = ['upstream', 'images', 'shared-state', 'graphql', 'apollo', 'observability', 'http', 'emulator'];
    const offending = layers.flatMap((layer) =>
      sourceFiles(join(src, layer)).flatMap((file) =>
        specifiers(file)
          .filter((s) => target(file, s)?.startsWith('src/config/'))
          .map((s) => `${file} imports ${s}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('src/emulator/ imports only its own files, the upstream wire types and node: built-ins (and zod, for its settings)', () => {
    const offending = emulatorFiles.flatMap((file) =>
      specifiers(file)
        .filter((s) => {
          const to = target(file, s);
          if (to === undefined) return !s.startsWith('node:') && !(s === 'zod' && file === 'src/emulator/settings.ts');
          return !to.startsWith('src/emulator/') && to !== 'src/upstream/wire.ts';
        })
        .map((s) => `${file} imports ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('outside src/emulator/, only src/main.ts and src/app.ts import the emulator; the config, only its settings', () => {
    const isConfig = (file: string): boolean => file.startsWith('src/config/');
    const imports = productFiles.flatMap((file) => specifiers(file).map((s) => ({ file, to: target(file, s) })));
    const intoEmulator = imports.filter(({ to }) => to?.startsWith('src/emulator/'));
    expect(intoEmulator.filter(({ file, to }) => file !== 'src/main.ts' && file !== 'src/app.ts' && !(isConfig(file) && to === 'src/emulator/settings.ts'))).toEqual([]);
    // It does read them there (the rule above is not met by accident).
    expect(new Set(intoEmulator.filter(({ file }) => isConfig(file)).map(({ to }) => to))).toEqual(new Set(['src/emulator/settings.ts']));
  });

  it('src/upstream/ imports only its own files, packages and node: built-ins', () => {
    const offending = sourceFiles(join(src, 'upstream')).flatMap((file) =>
      specifiers(file)
        .filter((s) => {
          const to = target(file, s);
          return to !== undefined && !to.startsWith('src/upstream/');
        })
        .map((s) => `${file} imports ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/images/ builds no URL and no key of its own: the client builds both', () => {
    for (const file of sourceFiles(join(src, 'images'))) {
      expect(specifiers(file).map((s) => target(file, s))).not.toContain('src/upstream/request-url.ts');
      expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/LIST_QUERY_PARAMS|URLSearchParams/);
    }
  });

  it('federation stays in src/graphql/federation.ts, and nothing in src/ needs @apollo/gateway (a devDependency, for the tests)', () => {
    const importers = (pkg: string): string[] => productFiles.filter((file) => specifiers(file).some((s) => s === pkg || s.startsWith(`${pkg}/`)));
    expect(importers('@apollo/subgraph')).toEqual(['src/graphql/federation.ts']);
    expect(importers('@apollo/gateway')).toEqual([]);
  });

  it('shared state (Redis) is wired in app.ts only (src/config/ reads its settings): the caches and the client know it by interface', () => {
    const importers = productFiles.filter((file) => !file.startsWith('src/shared-state/') && !file.startsWith('src/config/') && specifiers(file).some((s) => s.includes('shared-state/')));
    expect(importers).toEqual(['src/app.ts']);
    const redisUsers = productFiles.filter((file) => specifiers(file).some((s) => s === 'ioredis' || s === 'rate-limiter-flexible'));
    expect(redisUsers.length).toBeGreaterThan(0);
    expect(redisUsers.every((file) => file.startsWith('src/shared-state/'))).toBe(true);
  });

  it('resolvers name no wire parameter (limit, marker, sort_dir) and reach the upstream only through the image source', () => {
    const resolvers = sourceFiles(join(src, 'graphql')).filter((file) => file.endsWith('.resolver.ts'));
    expect(resolvers.length).toBeGreaterThanOrEqual(2);
    for (const file of resolvers) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text, file).not.toMatch(/\bsort_dir\b|\blimit\b|\bmarker\b/);
      expect(specifiers(file).map((s) => target(file, s)).filter((to) => to?.startsWith('src/upstream/client') || to?.startsWith('src/upstream/request-url'))).toEqual([]);
    }
  });
});
