import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createSchema, printSortedSchema, printSubgraphSchema } from './schema.js';

/** `npm run schema:emit`: writes schema/schema.graphql and schema/subgraph.graphql (FEDERATION=true's `_service { sdl }`) from the code. */
const targets = {
  schema: fileURLToPath(new URL('../schema/schema.graphql', import.meta.url)),
  subgraph: fileURLToPath(new URL('../schema/subgraph.graphql', import.meta.url)),
};
await writeFile(targets.schema, printSortedSchema(await createSchema()));
await writeFile(targets.subgraph, await printSubgraphSchema(await createSchema({ federation: true })));
process.stdout.write(`wrote ${targets.schema}\nwrote ${targets.subgraph}\n`);
