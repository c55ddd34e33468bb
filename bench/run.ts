import 'reflect-metadata';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/**
 * `npm run bench`: the GraphQL layer against the REST call it wraps, both over loopback HTTP to the
 * same emulator, in one run. Figures are ratios, since these machines are shared and noisy; each
 * target is a ratio too. Exits 1 when a target is missed.
 */

const TOKEN = 'demo-token-alice';
const REGION = 'cn-north-4';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const FIELDS = `id imageId name status visibility imageType registered owner protected tags
  os { type version bit platform } support { kvm xen arm amd kvmGpuType }
  diskFormat imageSize minDisk minRam virtualEnvType firmwareType createdAt updatedAt parentImageId raw`;

async function time(rounds: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, rounds); i++) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await run();
  return Number(process.hrtime.bigint() - started) / 1e6 / rounds;
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

// The product as `npm start` wires it (embedded emulator), on a free loopback port.
const app = await createApp(loadConfig({ PORT: '0', UPSTREAM_MAX_ATTEMPTS: '1' }), { log: pino({ level: 'silent' }) });
const emulator = app.emulator!;
const server = app.server;

const rest = (limit: number) => async () => {
  const response = await fetch(`${emulator.url}/v1/cloudimages/${REGION}?limit=${limit}&sort_key=created_at&sort_dir=desc`, { headers: { 'x-auth-token': TOKEN } });
  const body = (await response.json()) as { images: unknown[] };
  if (body.images.length !== limit) throw new Error('short REST page');
};
const graphql = (query: string) => async () => {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': TOKEN },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
};

const page20 = `{ images(region: "${REGION}", first: 20) { edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const page500 = `{ images(region: "${REGION}", first: 499) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } }`;

const rest21 = await time(ROUNDS, rest(21));
const gql20 = await time(ROUNDS, graphql(page20));
const rest500 = await time(Math.ceil(ROUNDS / 5), rest(500));
const gql500 = await time(Math.ceil(ROUNDS / 5), graphql(page500));

const heapBefore = heapMiB();
await time(ROUNDS * 2, graphql(page20));
const heapGrowth = heapMiB() - heapBefore;

emulator.clearRequests();
const ids = (await (await fetch(`${emulator.url}/v1/cloudimages/${REGION}?limit=3`, { headers: { 'x-auth-token': TOKEN } })).json()) as { images: { id: string }[] };
emulator.clearRequests();
const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: image(region: "${REGION}", imageId: "${ids.images[i % 3]!.id}") { name }`).join(' ');
await graphql(`{ ${aliases} }`)();
const callsFor10Aliases = emulator.apiRequests.length;

await app.close();

const rows: [string, number, number][] = [
  ['GraphQL page of 20 (all fields) / REST page of 21, mean latency', gql20 / rest21, 4],
  ['GraphQL page of 499 (all fields) / REST page of 500, mean latency', gql500 / rest500, 4],
  [`heap growth after ${ROUNDS * 2} more pages / heap before`, (heapBefore + heapGrowth) / heapBefore, 1.5],
  ['upstream calls for 10 aliases of 3 ids / 3', callsFor10Aliases / 3, 1],
];
let missed = 0;
for (const [what, ratio, target] of rows) {
  const ok = ratio <= target;
  if (!ok) missed++;
  process.stdout.write(`${ok ? 'ok  ' : 'MISS'}  ${ratio.toFixed(2).padStart(6)}  (target <= ${target})  ${what}\n`);
}
process.stdout.write(
  `\nabsolute, this run only: REST 21 ${rest21.toFixed(2)} ms, GraphQL 20 ${gql20.toFixed(2)} ms, REST 500 ${rest500.toFixed(2)} ms, GraphQL 499 ${gql500.toFixed(2)} ms, heap ${heapBefore.toFixed(1)} -> ${(heapBefore + heapGrowth).toFixed(1)} MiB\n`,
);
process.exit(missed > 0 ? 1 : 0);
