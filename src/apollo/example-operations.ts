import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** schema/operations.graphql, found from src/, dist/ or any other build folder below the package root. */
function examplesFile(): URL {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const candidate = new URL('schema/operations.graphql', dir);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('schema/operations.graphql not found above the server module');
}

/** The example operations the explorers (Apollo Sandbox, GraphiQL) open with. */
export function readExampleOperations(): Promise<string> {
  return readFile(examplesFile(), 'utf8');
}
