import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator, type SavingImage } from '../../src/emulator/server.js';
import { ALICE, BOB, listPage, REGIONS } from '../helpers/emulator-client.js';

/**
 * EMULATOR_SAVING_MS: the private images saving in the data set finish while the emulator runs,
 * one per region and tenant every `savingMs`, so a watch can see SAVING become ACTIVE (or KILLED).
 * The emulator's clock is faked (Date only), so a save is over without waiting for it.
 */

const SAVING_MS = 60_000;
let live: Emulator;
let fixed: Emulator;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  [live, fixed] = await Promise.all([startEmulator({ savingMs: SAVING_MS }), startEmulator()]);
});
afterAll(async () => {
  await Promise.all([live.close(), fixed.close()]);
});
afterEach(() => {
  vi.useRealTimers();
});

const byId = async (emulator: Emulator, image: SavingImage, token: string = ALICE.token) => (await listPage(emulator, image.region, { id: image.imageId }, token))[0];
const alices = (): SavingImage[] => live.savingImages.filter((image) => image.projectId === ALICE.projectId);

describe('the saving schedule', () => {
  it("is the data set's private saving images, one per region and tenant every savingMs from the start, some ending killed", () => {
    const schedule = live.savingImages;
    const saving = [...live.catalog.values()].flat().filter((image) => image.visibility === 'private' && image.status === 'saving');
    expect(new Set(schedule.map((image) => image.imageId))).toEqual(new Set(saving.map((image) => image.id)));
    for (const region of REGIONS) {
      for (const projectId of [ALICE.projectId, BOB.projectId]) {
        const turns = schedule.filter((image) => image.region === region && image.projectId === projectId).map((image) => image.finishesAt);
        const offsets = turns.map((at) => Math.round((at - turns[0]!) / SAVING_MS));
        expect(offsets).toEqual(offsets.map((_, index) => index));
        if (turns.length > 0) expect(turns[0]! - startedAt).toBeGreaterThanOrEqual(SAVING_MS - 1000);
      }
    }
    expect(schedule.filter((image) => image.outcome === 'killed').length).toBeGreaterThan(5);
    expect(schedule.filter((image) => image.outcome === 'active').length).toBeGreaterThan(schedule.length / 2);
    expect(fixed.savingImages).toEqual([]);
  });

  it('follows from the seed: the same images and outcomes on every start', async () => {
    const twin = await startEmulator({ savingMs: 1 });
    try {
      const outcomes = (emulator: Emulator) => new Map(emulator.savingImages.map((image) => [image.imageId, image.outcome]));
      expect(outcomes(twin)).toEqual(outcomes(live));
    } finally {
      await twin.close();
    }
  });
});

describe('an image finishing', () => {
  it('answers saving until its time, then its outcome with updated_at at that moment; lookups, filters and sorts agree', async () => {
    const image = alices().find((each) => each.outcome === 'active')!;
    const killed = alices().find((each) => each.outcome === 'killed')!;
    const before = await byId(live, image);
    expect(before).toMatchObject({ id: image.imageId, status: 'saving' });
    expect((await listPage(live, image.region, { status: 'saving', limit: 500 })).map((each) => each.id)).toContain(image.imageId);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(image.finishesAt - 1);
    expect((await byId(live, image))!.status).toBe('saving');
    vi.setSystemTime(Math.max(image.finishesAt, killed.finishesAt));
    const after = await byId(live, image);
    expect(after).toEqual({ ...before, status: 'active', updated_at: new Date(image.finishesAt).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    expect((await byId(live, killed))!.status).toBe('killed');
    expect((await listPage(live, image.region, { status: 'saving', limit: 500 })).map((each) => each.id)).not.toContain(image.imageId);
    expect((await listPage(live, image.region, { status: 'active', limit: 500, sort_key: 'status' })).map((each) => each.id)).toContain(image.imageId);
    // The same moment in an emulator without a schedule: still saving.
    expect((await byId(fixed, image))!.status).toBe('saving');
  });

  it('stays invisible to other tenants, as in the data set', async () => {
    const image = alices()[0]!;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(image.finishesAt + 1);
    expect(await listPage(live, image.region, { id: image.imageId }, BOB.token)).toEqual([]);
  });
});
