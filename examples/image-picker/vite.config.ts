import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `vite build` writes dist/; `vite preview` serves it on 127.0.0.1:5174 (package.json). The API's
 * URL and the default token are read at build time from VITE_API_URL and VITE_API_TOKEN (src/config.ts).
 */
export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: dist/ works from any path it is served under.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
});
