import 'reflect-metadata';
import { getOperationAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { jitExecutor } from '../src/apollo/jit-gateway.js';
import { pino } from 'pino';
import { createContext } from '../src/context.js';
import { FairGate } from '../src/images/fair-gate.js';
import { ListingCache } from '../src/images/listing-cache.js';
import { createSchema } from '../src/schema.js';
import { CloudImagesClient, type Credentials, type ListImagesResult } from '../src/upstream/client.js';
import type { ImageInfo } from '../src/upstream/wire.js';

/**
 * `--floor`: the cost of the GraphQL layer for one page of 500, in process, against the least any
 * JSON-to-JSON layer must do with the same bytes.
 * - layer: `execute` of the list-500-all query through the real schema, resolvers and image source,
 *   whose client answers from upstream bodies recorded once from the emulator, parsing them with
 *   JSON.parse on every call (the page, and the limit=1 probe behind `hasNextPage`), then
 *   JSON.stringify of the result. The query document is parsed and validated once, as Apollo caches it.
 * - floor: JSON.parse + JSON.stringify of the page's bytes.
 * Both run in alternating batches after a warm-up; the ratio is of the medians.
 * The layer runs the server's own executor (graphql-jit, src/apollo/jit-gateway.ts).
 */

/** A client answering every listing URL from the body the emulator sent for it the first time. */
class RecordedClient extends CloudImagesClient {
  readonly bodies = new Map<string, string>();

  override async fetchList(credentials: Credentials | undefined, url: URL): Promise<ListImagesResult> {
    let body = this.bodies.get(url.href);
    if (body === undefined) {
      const response = await fetch(url, { headers: { 'x-auth-token': credentials && 'token' in credentials ? credentials.token : '' } });
      body = await response.text();
      if (response.status !== 200) throw new Error(`the emulator answered ${response.status} for ${url.href}: ${body.slice(0, 300)}`);
      this.bodies.set(url.href, body);
    }
    return { images: (JSON.parse(body) as { images: ImageInfo[] }).images, requestId: null, bytes: body.length };
  }
}

export interface FloorResult {
  /** ms per execution of the layer (median of the batches). */
  layerMs: number;
  /** ms per JSON.parse + JSON.stringify of the page's bytes (median of the batches). */
  floorMs: number;
  ratio: number;
  /** Bytes of the recorded upstream page of 500, and of the GraphQL response. */
  pageBytes: number;
  responseBytes: number;
  /** Upstream URLs the query makes. */
  upstreamCalls: string[];
  batches: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs `once` for about `ms` milliseconds; ms per run. */
async function batch(ms: number, once: () => unknown): Promise<number> {
  const started = performance.now();
  let runs = 0;
  while (performance.now() - started < ms) {
    await once();
    runs++;
  }
  return (performance.now() - started) / runs;
}

export async function measureFloor(emulatorUrl: string, token: string, query: string, batches = 6, batchMs = 500): Promise<FloorResult> {
  const schema: GraphQLSchema = await createSchema();
  const document: DocumentNode = parse(query);
  const operation = getOperationAST(document) ?? undefined;
  const execute = jitExecutor(schema);
  const client = new RecordedClient({ endpoint: emulatorUrl, timeoutMs: 10_000, maxAttempts: 1, retryBaseDelayMs: 200, totalBudgetMs: 20_000 });
  const gate = new FairGate(64);
  const snapshots = new ListingCache({ ttlMs: 0, maxBytes: 0 });
  const log = pino({ level: 'silent' });
  const credentials = { token };

  const layer = async (): Promise<string> => {
    const signal = new AbortController().signal;
    const contextValue = createContext({ client, gate, concurrency: 8, snapshots, maxSnapshotImages: 20_000, regions: [], log }, { credentials, requestId: 'floor', signal });
    const result = await execute({ document, operation, requestedName: null, variables: {}, contextValue });
    if (result.errors?.length) throw new Error(`the floor query failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
    return JSON.stringify(result);
  };

  try {
    const response = await layer(); // records the upstream bodies
    const page = [...client.bodies.values()].reduce((a, b) => (b.length > a.length ? b : a));
    const floor = (): string => JSON.stringify(JSON.parse(page));

    for (let i = 0; i < 3; i++) {
      await batch(batchMs, layer);
      await batch(batchMs, floor);
    }
    const layerMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < batches; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      layerMs.push(await batch(batchMs, layer));
      (globalThis as { gc?: () => void }).gc?.();
      floorMs.push(await batch(batchMs, floor));
    }
    return {
      layerMs: median(layerMs),
      floorMs: median(floorMs),
      ratio: median(layerMs) / median(floorMs),
      pageBytes: Buffer.byteLength(page),
      responseBytes: Buffer.byteLength(response),
      upstreamCalls: [...client.bodies.keys()],
      batches,
    };
  } finally {
    await client.close();
  }
}
