import { describe, expect, it } from 'vitest';
import { FairGate } from '../../src/images/fair-gate.js';

/** The process-wide bound on upstream calls, with each request's own limit and fair turns between requests. */

/** A call that ends when told to, recording the order calls started in. */
function controlled(started: string[]) {
  const finishers = new Map<string, () => void>();
  const call = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      finishers.set(name, () => resolve(name));
    });
  const finish = (name: string): void => {
    const done = finishers.get(name);
    if (!done) throw new Error(`${name} has not started`);
    done();
  };
  return { call, finish };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FairGate', () => {
  it('never runs more than maxInFlight calls, nor more than a lane its own limit', async () => {
    const gate = new FairGate(3);
    const a = gate.lane(2);
    const b = gate.lane(5);
    const started: string[] = [];
    const { call, finish } = controlled(started);
    const results = [a.run(call('a1')), a.run(call('a2')), a.run(call('a3')), b.run(call('b1')), b.run(call('b2'))];
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    expect(gate.active).toBe(3);
    finish('a1');
    await settle();
    // a has room again, but b's turn comes first.
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2']);
    finish('b1');
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2', 'a3']);
    for (const name of ['a2', 'a3', 'b2']) finish(name);
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(gate.active).toBe(0);
  });

  it('serves waiting lanes in turn: a request with 50 queued calls does not starve one with 2', async () => {
    const gate = new FairGate(1);
    const greedy = gate.lane(8);
    const modest = gate.lane(8);
    const started: string[] = [];
    const { call, finish } = controlled(started);
    const all = Array.from({ length: 50 }, (_, i) => greedy.run(call(`g${i}`)));
    await settle();
    all.push(modest.run(call('m0')), modest.run(call('m1')));
    for (let step = 0; step < 6; step++) {
      finish(started[started.length - 1]!);
      await settle();
    }
    expect(started.slice(0, 7)).toEqual(['g0', 'g1', 'm0', 'g2', 'm1', 'g3', 'g4']);
    while (started.length < 52) {
      finish(started[started.length - 1]!);
      await settle();
    }
    finish(started[started.length - 1]!);
    await Promise.all(all);
  });

  it('takes a waiting call out of the queue when its signal fires, with the signal’s reason', async () => {
    const gate = new FairGate(1);
    const lane = gate.lane(1);
    const started: string[] = [];
    const { call, finish } = controlled(started);
    const first = lane.run(call('first'));
    const controller = new AbortController();
    const waiting = lane.run(call('never'), controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    const third = lane.run(call('third'));
    finish('first');
    await settle();
    expect(started).toEqual(['first', 'third']);
    finish('third');
    await Promise.all([first, third]);
    await expect(lane.run(call('late'), controller.signal)).rejects.toThrow('deadline');
  });

  it('a call that throws frees its place', async () => {
    const gate = new FairGate(1);
    const lane = gate.lane(1);
    await expect(lane.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      lane.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(await lane.run(async () => 'ok')).toBe('ok');
    expect(gate.active).toBe(0);
  });
});
