import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { parseEmulatorArgs, type EmulatorCommand } from '../../src/emulator/cli-args.js';
import { DEFAULT_EMULATOR_SEED, DEMO_ACCESS_KEYS, DEMO_TENANTS, defaultEmulatorFaults } from '../../src/emulator/options.js';
import { startEmulator } from '../../src/emulator/server.js';

/**
 * What the emulator's two readers of settings give (the server's EMULATOR_* through loadConfig,
 * `npm run emulator`'s flags through parseEmulatorArgs), handed to startEmulator as they are: a
 * running emulator each. The readers alone, without starting anything: config.spec.ts and
 * cli-args.spec.ts.
 */

const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
const BOB_PROJECT = DEMO_TENANTS[1]!.projectId;

function optionsOf(argv: string[]): Extract<EmulatorCommand, { help: false }>['options'] {
  const command = parseEmulatorArgs(argv);
  if (command.help) throw new Error('expected options, got --help');
  return command.options;
}

describe('EMULATOR_AKSK', () => {
  it('are accepted by startEmulator; without EMULATOR_TENANTS a key of no demo tenant stops it', async () => {
    const emulator = await startEmulator(loadConfig({ EMULATOR_AKSK: `AK1:sk-1:${ALICE_PROJECT}` }).emulator);
    try {
      expect(emulator.accessKeys).toEqual([{ ak: 'AK1', sk: 'sk-1', projectId: ALICE_PROJECT }]);
    } finally {
      await emulator.close();
    }
    // Read by the emulator's own settings rules, the key stops the configuration before any start.
    expect(() => loadConfig({ EMULATOR_AKSK: 'AK1:sk-1:nobody' })).toThrow(/access key AK1 maps to project nobody, which is none of the tenants' projects/);
  });
});

describe('the embedded emulator overrides', () => {
  it('are accepted by startEmulator as they are, leaving everything unset to its defaults', async () => {
    const emulator = await startEmulator(loadConfig({}).emulator);
    try {
      expect(emulator.tenants).toEqual(DEMO_TENANTS);
      expect(emulator.faultSettings).toEqual(defaultEmulatorFaults());
      expect(new URL(emulator.url).hostname).toBe('127.0.0.1');
      const demo = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1?limit=1`, { headers: { 'X-Auth-Token': DEMO_TENANTS[0]!.token } });
      expect(demo.status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it('apply over the emulator defaults, knob by knob', async () => {
    const { emulator: overrides } = loadConfig({ EMULATOR_TENANTS: 'cfg-token:cfg-project', EMULATOR_SEED: '11', EMULATOR_THROTTLE_BURST: '2', EMULATOR_RETRY_AFTER_S: '7' });
    expect(overrides.tenants).toEqual([{ token: 'cfg-token', projectId: 'cfg-project' }]);
    expect(overrides.seed).toBe(11);
    const emulator = await startEmulator(overrides);
    try {
      expect(emulator.faultSettings).toEqual({ ...defaultEmulatorFaults(), throttleBurst: 2, retryAfterSeconds: 7 });
      emulator.resetFaults();
      const headers = { 'X-Auth-Token': 'cfg-token' };
      const ok = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1?visibility=private&limit=1`, { headers });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { images: { owner: string }[] }).images.map((i) => i.owner)).toEqual(['cfg-project']);
      const demo = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1`, { headers: { 'X-Auth-Token': 'demo-token-alice' } });
      expect(demo.status).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});

describe('--aksk', () => {
  it('are accepted by startEmulator, which then knows only those keys', async () => {
    const emulator = await startEmulator({ ...optionsOf(['--aksk', `AK1:sk-1:${BOB_PROJECT}`]), port: 0 });
    try {
      expect(emulator.accessKeys).toEqual([{ ak: 'AK1', sk: 'sk-1', projectId: BOB_PROJECT }]);
    } finally {
      await emulator.close();
    }
  });
});

describe('the parsed options', () => {
  it('are accepted by startEmulator as they are, over its defaults', async () => {
    const emulator = await startEmulator(optionsOf(['--port', '0', '--tenants', 'cli-token:cli-project', '--seed', '11', '--retry-after-s', '9']));
    try {
      expect(emulator.faultSettings).toEqual({ ...defaultEmulatorFaults(), retryAfterSeconds: 9 });
      expect(new URL(emulator.url).hostname).toBe('127.0.0.1');
      const headers = { 'X-Auth-Token': 'cli-token' };
      const ok = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1?visibility=private&limit=1`, { headers });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { images: { owner: string }[] }).images.map((i) => i.owner)).toEqual(['cli-project']);
      const demo = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1`, { headers: { 'X-Auth-Token': DEMO_TENANTS[0]!.token } });
      expect(demo.status).toBe(401);
    } finally {
      await emulator.close();
    }
  });

  it('without flags, give the documented demo data', async () => {
    const emulator = await startEmulator({ ...optionsOf([]), port: 0 });
    const reference = await startEmulator({ seed: DEFAULT_EMULATOR_SEED });
    try {
      expect(emulator.tenants).toEqual(DEMO_TENANTS);
      expect(emulator.accessKeys).toEqual(DEMO_ACCESS_KEYS);
      expect(emulator.faultSettings).toEqual(defaultEmulatorFaults());
      const url = (e: typeof emulator): string => `${e.url}/v1/cloudimages/cn-north-4?limit=3`;
      const headers = { 'X-Auth-Token': DEMO_TENANTS[0]!.token };
      const [a, b] = await Promise.all([fetch(url(emulator), { headers }).then((r) => r.text()), fetch(url(reference), { headers }).then((r) => r.text())]);
      expect(a).toBe(b);
    } finally {
      await emulator.close();
      await reference.close();
    }
  });
});
