import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // esbuild drops decorator metadata; swc keeps it for type-graphql.
  plugins: [swc.vite({ jsc: { target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false } } })],
  resolve: {
    // One graphql realm: node_modules load graphql/index.js, so source files must too.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.spec.ts'],
    setupFiles: ['reflect-metadata'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the CPUs: one, on a 2-core machine, and most specs wait on
    // loopback I/O and timers rather than the CPU. Two workers: 127 s instead of 205 s for the whole suite here.
    maxWorkers: 2,
  },
});
