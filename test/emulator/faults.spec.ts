import { performance } from 'node:perf_hooks';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultEmulatorFaults } from '../../src/emulator/options.js';
import { startEmulator } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, get, listPage, listUrl, useEmulator, type Answer } from '../helpers/emulator-client.js';

const REGION = 'ap-southeast-3';

const emulator = useEmulator();
let sample: ImageInfo[];

beforeAll(async () => {
  sample = await listPage(emulator, REGION, { limit: 5 });
});
afterEach(() => {
  emulator.resetFaults();
  emulator.clearRequests();
});

function call(query: Record<string, string | number> = { limit: 1 }, token: string | null = ALICE.token): Promise<Answer> {
  return get(listUrl(emulator, REGION, query), token);
}

async function sequential(count: number, make: () => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await make());
  return answers;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('latency', () => {
  it('adds at least latencyMs to every answer, errors included', async () => {
    emulator.setFaults({ latencyMs: 60 });
    for (const make of [() => call(), () => call({}, null), () => get(`${emulator.url}/nowhere`)]) {
      const start = performance.now();
      await make();
      // 2 ms of slack for timer granularity: Node timers run on a clock cached per loop turn.
      expect(performance.now() - start).toBeGreaterThanOrEqual(58);
    }
  });

  it('is off by default', () => {
    expect(emulator.faultSettings).toEqual(defaultEmulatorFaults());
  });
});

describe('errorRate', () => {
  it('at 1, every call answers 500 (IMS JSON body) or 503 (HTML), and both occur', async () => {
    emulator.setFaults({ errorRate: 1 });
    const answers = await sequential(30, () => call());
    const statuses = new Set(answers.map((a) => a.status));
    expect(statuses).toEqual(new Set([500, 503]));
    for (const answer of answers) {
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      if (answer.status === 500) {
        const body = JSON.parse(answer.text) as { error: Record<string, unknown> };
        expect(Object.keys(body)).toEqual(['error']);
        expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
        expect(body.error.code).toBe('IMG.0001');
        expect(typeof body.error.message).toBe('string');
      } else {
        expect(parses(answer.text)).toBe(false);
        expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
        expect(answer.text).toContain('503');
      }
    }
    const faults = emulator.apiRequests.map((r) => r.fault);
    expect(faults).toEqual(answers.map((a) => (a.status === 500 ? 'server-error' : 'unavailable')));
  });

  it('at 1, credentials are still checked first', async () => {
    emulator.setFaults({ errorRate: 1 });
    expect((await call({}, null)).status).toBe(401);
  });

  it('at 0, nothing fails', async () => {
    const answers = await sequential(20, () => call());
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it('a fractional rate fails some calls and passes others', async () => {
    emulator.setFaults({ errorRate: 0.5 });
    const statuses = new Set((await sequential(40, () => call())).map((a) => a.status));
    expect(statuses.has(200)).toBe(true);
    expect(statuses.has(500) || statuses.has(503)).toBe(true);
  });
});

describe('throttling', () => {
  it('lets throttleEvery calls through, then throttles throttleBurst, and repeats', async () => {
    emulator.setFaults({ throttleEvery: 3, throttleBurst: 2, retryAfterSeconds: 7 });
    const answers = await sequential(11, () => call());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429, 200, 200, 200, 429, 429, 200]);
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(answer.headers.get('retry-after')).toBe('7');
      const body = JSON.parse(answer.text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
      expect(body.error_code).toBe('APIGW.0308');
      expect(body.request_id).toBe(answer.headers.get('x-request-id'));
    }
    for (const answer of answers.filter((a) => a.status === 200)) expect(answer.headers.get('retry-after')).toBeNull();
    expect(emulator.apiRequests.map((r) => r.fault ?? null)).toEqual(answers.map((a) => (a.status === 429 ? 'throttled' : null)));
  });

  it('throttles before authentication; calls off the API path do not count', async () => {
    emulator.setFaults({ throttleEvery: 1, throttleBurst: 1 });
    const first = await call({}, null);
    const offPath = await get(`${emulator.url}/v2/elsewhere`);
    const second = await call({}, null);
    const third = await call({}, 'bad-token');
    expect([first.status, offPath.status, second.status, third.status]).toEqual([401, 404, 429, 401]);
    const throttled = emulator.apiRequests.find((r) => r.status === 429)!;
    expect(throttled.projectId).toBeUndefined();
    expect(throttled.fault).toBe('throttled');
  });

  it('throttleEvery 0 with a burst throttles every call', async () => {
    emulator.setFaults({ throttleEvery: 0, throttleBurst: 1 });
    expect((await sequential(4, () => call())).map((a) => a.status)).toEqual([429, 429, 429, 429]);
  });

  it('the default Retry-After is 2 seconds', async () => {
    emulator.setFaults({ throttleEvery: 0, throttleBurst: 5 });
    expect((await call()).headers.get('retry-after')).toBe('2');
  });

  it('resetFaults turns it off and restarts the count', async () => {
    emulator.setFaults({ throttleEvery: 0, throttleBurst: 1 });
    expect((await call()).status).toBe(429);
    emulator.resetFaults();
    expect((await call()).status).toBe(200);
    emulator.setFaults({ throttleEvery: 1, throttleBurst: 1 });
    expect((await sequential(2, () => call())).map((a) => a.status)).toEqual([200, 429]);
  });
});

describe('malformed bodies', () => {
  it('at 1, every success is a 200 whose body fails JSON.parse', async () => {
    emulator.setFaults({ malformedRate: 1 });
    for (const query of [{ limit: 1 }, { limit: 0 }, { limit: 500 }]) {
      const answer = await call(query);
      expect(answer.status).toBe(200);
      expect(answer.text.length).toBeGreaterThan(0);
      expect(parses(answer.text)).toBe(false);
    }
    expect(emulator.apiRequests.every((r) => r.fault === 'malformed')).toBe(true);
  });

  it('leaves error bodies intact', async () => {
    emulator.setFaults({ malformedRate: 1 });
    const answer = await call({ limit: 'abc' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error_code: 'IEC.000006' });
  });
});

describe('failImageIds', () => {
  it('fails ?id= lookups of those ids with 500, and nothing else', async () => {
    const [failing, other, healthy] = sample;
    emulator.setFaults({ failImageIds: [failing!.id, other!.id] });
    for (const id of [failing!.id, other!.id]) {
      const answer = await call({ id });
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'IMG.0001' } });
    }
    const fine = await call({ id: healthy!.id });
    expect(fine.status).toBe(200);
    expect((JSON.parse(fine.text) as { images: ImageInfo[] }).images.map((i) => i.id)).toEqual([healthy!.id]);
    const listing = await call({ limit: 5 });
    expect(listing.status).toBe(200);
    expect((JSON.parse(listing.text) as { images: ImageInfo[] }).images.map((i) => i.id)).toContain(failing!.id);
    expect(emulator.apiRequests.map((r) => r.fault ?? null)).toEqual(['failed-id', 'failed-id', null, null]);
  });
});

describe('setting knobs', () => {
  it('a knob given as undefined keeps its value instead of breaking the emulator', async () => {
    const id = sample[0]!.id;
    emulator.setFaults({ failImageIds: [id], retryAfterSeconds: 4 });
    emulator.setFaults({ failImageIds: undefined, retryAfterSeconds: undefined, latencyMs: undefined });
    expect(emulator.faultSettings).toEqual({ ...defaultEmulatorFaults(), failImageIds: [id], retryAfterSeconds: 4 });
    expect((await call({ id })).status).toBe(500);
    expect((await call({ id: sample[1]!.id })).status).toBe(200);
  });

  it('keeps its own copy of failImageIds', async () => {
    const list = [sample[0]!.id];
    emulator.setFaults({ failImageIds: list });
    list.push(sample[1]!.id);
    expect((await call({ id: sample[1]!.id })).status).toBe(200);
  });
});

describe('faults given at start', () => {
  const faulty = useEmulator({ faults: { errorRate: 1, retryAfterSeconds: 9, latencyMs: undefined, failImageIds: undefined } });

  it('apply from the first call, and resetFaults returns to the defaults', async () => {
    expect(faulty.faultSettings).toEqual({ ...defaultEmulatorFaults(), errorRate: 1, retryAfterSeconds: 9 });
    expect([500, 503]).toContain((await get(listUrl(faulty, REGION))).status);
    faulty.resetFaults();
    expect(faulty.faultSettings).toEqual(defaultEmulatorFaults());
    expect((await get(listUrl(faulty, REGION))).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, region, query, project, status, request id and fault; never the token', async () => {
    const ok = await call({ limit: 2, sort_key: 'name' });
    const denied = await call({}, null);
    const unknown = await call({}, 'secret-token-value');
    const invalid = await call({ limit: 'abc' }, BOB.token);
    const posted = await get(listUrl(emulator, REGION), ALICE.token, { method: 'POST' });
    const elsewhere = await get(`${emulator.url}/v2/elsewhere?x=1`);
    const answers = [ok, denied, unknown, invalid, posted, elsewhere];

    const log = emulator.requests;
    expect(log.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.map((r) => r.requestId)).toEqual(answers.map((a) => a.headers.get('x-request-id')));
    expect(log.map((r) => r.status)).toEqual([200, 401, 401, 400, 404, 404]);
    expect(log.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'POST', 'GET']);
    expect(log.map((r) => r.path)).toEqual([...Array(5).fill(`/v1/cloudimages/${REGION}`), '/v2/elsewhere']);
    expect(log.map((r) => r.region)).toEqual([REGION, REGION, REGION, REGION, undefined, undefined]);
    expect(log.map((r) => r.projectId)).toEqual([ALICE.projectId, undefined, undefined, BOB.projectId, undefined, undefined]);
    expect(log.map((r) => r.query)).toEqual([{ limit: '2', sort_key: 'name' }, {}, {}, { limit: 'abc' }, {}, { x: '1' }]);
    expect(log.every((r) => r.fault === undefined)).toBe(true);
    expect(log.every((r) => r.aborted === undefined)).toBe(true);

    const serialized = JSON.stringify(log);
    for (const secret of [ALICE.token, BOB.token, 'secret-token-value']) expect(serialized).not.toContain(secret);

    expect(emulator.apiRequests.map((r) => r.requestId)).toEqual(log.slice(0, 4).map((r) => r.requestId));
  });

  it('is a copy, and clearRequests empties it', async () => {
    await call();
    const snapshot = emulator.requests as unknown[];
    snapshot.length = 0;
    expect(emulator.requests).toHaveLength(1);
    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
    expect(emulator.apiRequests).toEqual([]);
    await call();
    expect(emulator.requests.map((r) => r.seq)).toEqual([1]);
  });

  it('numbers overlapping requests uniquely', async () => {
    emulator.setFaults({ latencyMs: 20 });
    await Promise.all(Array.from({ length: 6 }, () => call()));
    expect(emulator.requests.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('request log capacity', () => {
  it('keeps only the newest `logCapacity` entries, numbered on', async () => {
    const emulator = await startEmulator({ logCapacity: 50 });
    try {
      for (let i = 0; i < 60; i++) await (await fetch(`${emulator.url}/v2/not-an-api`)).arrayBuffer();
      const log = emulator.requests;
      expect(log).toHaveLength(50);
      expect(log[0]?.seq).toBe(11);
      expect(log.at(-1)?.seq).toBe(60);
    } finally {
      await emulator.close();
    }
  });
});
