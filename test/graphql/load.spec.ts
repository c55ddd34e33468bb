import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { listPage, REGIONS } from '../helpers/emulator-client.js';

/**
 * A bounded load test on loopback: for LOAD_SECONDS (default 20) seconds, 8 clients send a mix of
 * operations back to back while the emulator fails 10% of its answers. `errorRate` plays two faults
 * (src/emulator/faults.ts), half each: 500 with an IMS-style JSON body (UPSTREAM_ERROR, not
 * retried) and 503 with an HTML body (UPSTREAM_UNAVAILABLE, retried once here: maxAttempts 2). The
 * breaker gets 1000 failures of room so that it never opens and every failure is a real upstream one.
 *
 * Every request must end (none hung past its 10 s timeout) with a JSON body, and every error it
 * carries must be one of the upstream codes: never an internal error. Partial data is allowed.
 */

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error(`LOAD_SECONDS must be a positive number of seconds, not ${process.env.LOAD_SECONDS}`);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 10_000;
const UPSTREAM_CODES = ['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'];

const PAGE = `query Page($region: String!, $after: String) {
  images(region: $region, first: 20, after: $after) {
    edges { cursor node { imageId name status createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const BY_ID = `query ById($region: String!, $imageId: String!) { image(region: $region, imageId: $imageId) { imageId name status minDisk } }`;
const PARENTS = `query Parents($region: String!) {
  images(region: $region, first: 20, filter: { imageType: PRIVATE }) { nodes { imageId name parentImage { imageId name } } }
}`;

type PageData = { images: { edges: { cursor: string; node: { imageId: string } | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

type Outcome = 'ok' | 'partial' | 'error';

interface Sample {
  outcome: Outcome;
  codes: unknown[];
  status: number;
  ms: number;
}

/** What went wrong with a request other than an upstream failure; each is a test failure. */
interface Problem {
  operation: string;
  problem: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function hasData(data: unknown): boolean {
  return data !== null && typeof data === 'object' && Object.values(data).some((value) => value !== null);
}

const api = useApi({ client: { maxAttempts: 2, breakerFailures: 1_000 } });
let ids: { region: string; imageId: string }[];
beforeAll(async () => {
  // By-id targets, read straight from the emulator before the faults are turned on.
  ids = [];
  for (const region of REGIONS) {
    for (const image of await listPage(api.emulator, region, { limit: 10 })) ids.push({ region, imageId: image.id });
  }
  api.emulator.setFaults({ errorRate: 0.1 });
  api.emulator.clearRequests();
});

describe(`load: ${SECONDS} s at concurrency ${CONCURRENCY}, 10% upstream errors`, () => {
  it(
    'every request ends with JSON, and every error is an upstream one',
    async () => {
      const samples: Sample[] = [];
      const problems: Problem[] = [];
      let timeouts = 0;

      async function send<T>(operation: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T> | undefined> {
        const started = performance.now();
        let response: Response;
        let text: string;
        try {
          response = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          text = await response.text();
        } catch (error) {
          if (error instanceof Error && error.name === 'TimeoutError') timeouts++;
          else problems.push({ operation, problem: `transport: ${String(error)}` });
          return undefined;
        }
        const ms = performance.now() - started;
        if (!(response.status === 200 || (response.status >= 400 && response.status < 600))) {
          problems.push({ operation, problem: `HTTP ${response.status}` });
        }
        let body: GraphQLResponse<T>;
        try {
          body = JSON.parse(text) as GraphQLResponse<T>;
        } catch {
          problems.push({ operation, problem: `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}` });
          return undefined;
        }
        const codes = (body.errors ?? []).map((error) => error.extensions?.code);
        for (const [i, code] of codes.entries()) {
          if (typeof code !== 'string' || !UPSTREAM_CODES.includes(code)) {
            problems.push({ operation, problem: `error code ${String(code)}: ${body.errors?.[i]?.message}` });
          }
        }
        const outcome: Outcome = codes.length === 0 ? 'ok' : hasData(body.data) ? 'partial' : 'error';
        if (outcome === 'ok' && (body.data === null || body.data === undefined)) problems.push({ operation, problem: 'no data and no errors' });
        samples.push({ outcome, codes, status: response.status, ms });
        return body;
      }

      /** One operation of the mix, chosen by turn; checks the shape of whatever came back whole. */
      async function step(turn: number): Promise<void> {
        const region = REGIONS[turn % REGIONS.length]!;
        switch (turn % 4) {
          case 0: {
            const result = await send<PageData>('page', PAGE, { region });
            if (result?.data && !result.errors && result.data.images.edges.length !== 20) problems.push({ operation: 'page', problem: 'not 20 edges' });
            return;
          }
          case 1: {
            const first = await send<PageData>('page', PAGE, { region });
            const page = first?.data?.images;
            if (!page || first.errors || !page.pageInfo.endCursor) return;
            const next = await send<PageData>('page after', PAGE, { region, after: page.pageInfo.endCursor });
            const seen = new Set(page.edges.map((edge) => edge.node?.imageId));
            if (next?.data && !next.errors && next.data.images.edges.some((edge) => seen.has(edge.node?.imageId))) {
              problems.push({ operation: 'page after', problem: 'the next page repeats a row' });
            }
            return;
          }
          case 2: {
            const target = ids[turn % ids.length]!;
            const result = await send<{ image: { imageId: string } | null }>('by id', BY_ID, target);
            if (result?.data && !result.errors && result.data.image?.imageId !== target.imageId) problems.push({ operation: 'by id', problem: 'wrong or missing image' });
            return;
          }
          default: {
            const result = await send<{ images: { nodes: unknown[] } }>('parents', PARENTS, { region });
            if (result?.data && !result.errors && result.data.images.nodes.length !== 20) problems.push({ operation: 'parents', problem: 'not 20 nodes' });
          }
        }
      }

      const started = performance.now();
      const end = started + SECONDS * 1_000;
      let turns = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < end) await step(turns++);
        }),
      );
      const elapsedS = (performance.now() - started) / 1_000;

      const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
      const count = (outcome: Outcome): number => samples.filter((sample) => sample.outcome === outcome).length;
      const byCode = new Map<string, number>();
      for (const code of samples.flatMap((sample) => sample.codes)) byCode.set(String(code), (byCode.get(String(code)) ?? 0) + 1);
      const byStatus = new Map<number, number>();
      for (const { status } of samples) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const faults = new Map<string, number>();
      for (const call of api.emulator.apiRequests) if (call.fault) faults.set(call.fault, (faults.get(call.fault) ?? 0) + 1);
      const total = samples.length + timeouts;
      console.log(
        `load: ${total} requests in ${elapsedS.toFixed(1)} s (${(total / elapsedS).toFixed(0)}/s) at concurrency ${CONCURRENCY}; ` +
          `ok ${count('ok')}, partial ${count('partial')}, error ${count('error')}, timed out ${timeouts}; ` +
          `error codes ${JSON.stringify(Object.fromEntries(byCode))}; HTTP ${JSON.stringify(Object.fromEntries(byStatus))}; ` +
          `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
          `emulator faults (last ${api.emulator.apiRequests.length} calls) ${JSON.stringify(Object.fromEntries(faults))}`,
      );

      expect(timeouts).toBe(0);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(samples.length).toBeGreaterThan(0);
      // The faults did play, and most requests still succeeded.
      expect(count('ok')).toBeGreaterThan(samples.length / 2);
      expect(count('partial') + count('error')).toBeGreaterThan(0);
      expect(api.emulator.inFlight).toBe(0);
    },
    (SECONDS + 30) * 1_000,
  );
});
