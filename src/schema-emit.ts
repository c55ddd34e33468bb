import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createSchema, printSortedSchema } from './schema.js';

/** `npm run schema:emit`: writes schema/schema.graphql from the code. */
const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
await writeFile(target, printSortedSchema(await createSchema()));
process.stdout.write(`wrote ${target}\n`);
