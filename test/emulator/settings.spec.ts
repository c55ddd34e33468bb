import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_TENANTS } from '../../src/emulator/options.js';
import { checkEmulatorOptions, embeddedEmulatorOptions, givenByFlags, givenByVariables, readEmulatorSettings, SETTINGS, type GivenSettings } from '../../src/emulator/settings.js';

/** The emulator's settings: one schema for flags, EMULATOR_* and startEmulator's own check. */

const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;

function problemsOf(given: GivenSettings): string[] {
  const read = readEmulatorSettings(given);
  if (read.ok) throw new Error(`expected problems, read ${JSON.stringify(read.options)}`);
  return read.problems;
}

describe('where settings come from', () => {
  it('flags are named with --, and an empty flag value is given', () => {
    expect(givenByFlags({ port: '9000', 'retry-after-s': '3', 'fail-image-ids': '', help: false })).toStrictEqual({
      port: { name: '--port', text: '9000' },
      retryAfterSeconds: { name: '--retry-after-s', text: '3' },
      failImageIds: { name: '--fail-image-ids', text: '' },
    });
  });

  it('variables: EMULATOR_*, the ones named first winning, empty ones unset', () => {
    const env = { PORT: '9000', EMULATOR_PORT: '9001', HOST: '::1', EMULATOR_SEED: '', EMULATOR_TENANTS: 'a:b' };
    expect(givenByVariables(env)).toStrictEqual({ port: { name: 'EMULATOR_PORT', text: '9001' }, tenants: { name: 'EMULATOR_TENANTS', text: 'a:b' } });
    expect(givenByVariables(env, { port: 'PORT', host: 'HOST' })).toStrictEqual({
      port: { name: 'PORT', text: '9000' },
      host: { name: 'HOST', text: '::1' },
      tenants: { name: 'EMULATOR_TENANTS', text: 'a:b' },
    });
    expect(givenByVariables({ PORT: '', EMULATOR_PORT: '9001' }, { port: 'PORT' }).port).toStrictEqual({ name: 'EMULATOR_PORT', text: '9001' });
  });

  it("each variable is EMULATOR_ and its flag's name in capitals (as the usage says); the host has none", () => {
    for (const { flag, variable } of Object.values(SETTINGS)) {
      if (flag === 'host') expect(variable).toBeUndefined();
      else expect(variable).toBe(`EMULATOR_${flag.toUpperCase().replaceAll('-', '_')}`);
    }
  });
});

describe('readEmulatorSettings', () => {
  it('reads every setting into the options startEmulator takes, leaving out what is not given', () => {
    const read = readEmulatorSettings(
      givenByVariables({
        EMULATOR_PORT: '9100',
        EMULATOR_SEED: '7',
        EMULATOR_TENANTS: 'tok:proj',
        EMULATOR_AKSK: 'AK1:sk-1:proj',
        EMULATOR_LATENCY_MS: '5',
        EMULATOR_ERROR_RATE: '0.5',
        EMULATOR_THROTTLE_EVERY: '3',
        EMULATOR_THROTTLE_BURST: '1',
        EMULATOR_RETRY_AFTER_S: '9',
        EMULATOR_MALFORMED_RATE: '1.0',
        EMULATOR_FAIL_IMAGE_IDS: 'x, y',
        EMULATOR_SAVING_MS: '30000',
      }),
    );
    expect(read).toStrictEqual({
      ok: true,
      options: {
        port: 9100,
        seed: 7,
        tenants: [{ token: 'tok', projectId: 'proj' }],
        aksk: [{ ak: 'AK1', sk: 'sk-1', projectId: 'proj' }],
        savingMs: 30000,
        faults: { latencyMs: 5, errorRate: 0.5, throttleEvery: 3, throttleBurst: 1, retryAfterSeconds: 9, malformedRate: 1, failImageIds: ['x', 'y'] },
      },
    });
    expect(readEmulatorSettings({})).toStrictEqual({ ok: true, options: { faults: {} } });
  });

  it('names each setting as it was given, and lists every problem at once', () => {
    expect(
      problemsOf({
        port: { name: 'PORT', text: 'x' },
        host: { name: '--host', text: 'a b' },
        seed: { name: 'EMULATOR_SEED', text: '-1' },
        errorRate: { name: '--error-rate', text: '2' },
        tenants: { name: 'EMULATOR_TENANTS', text: 'tok' },
        savingMs: { name: '--saving-ms', text: '1e3' },
      }),
    ).toEqual([
      'PORT must be a whole number from 0 to 65535, not "x"',
      '--host must be a host name or IP address, not "a b"',
      'EMULATOR_SEED must be a whole number from 0 to 4294967295, not "-1"',
      'EMULATOR_TENANTS must be token:projectId pairs separated by commas (entry 1 is not)',
      '--error-rate must be a number from 0 to 1, not "2"',
      '--saving-ms must be a whole number from 0 to 86400000, not "1e3"',
    ]);
  });

  it("checks each key's project against the tenants given, whichever way each came", () => {
    expect(problemsOf({ tenants: { name: 'EMULATOR_TENANTS', text: 'tok:proj-x' }, aksk: { name: '--aksk', text: 'AK1:sk:proj-x,AK2:sk:proj-y,AK3:sk:proj-z' } })).toEqual([
      '--aksk: access key AK2 maps to project proj-y, which is none of the EMULATOR_TENANTS projects',
      '--aksk: access key AK3 maps to project proj-z, which is none of the EMULATOR_TENANTS projects',
    ]);
    expect(problemsOf({ aksk: { name: 'EMULATOR_AKSK', text: 'AK1:sk:proj-x' } })).toEqual([
      `EMULATOR_AKSK: access key AK1 maps to project proj-x, which is none of the tenants' projects (the demo tenants: ${DEMO_TENANTS.map((t) => t.projectId).join(', ')})`,
    ]);
    expect(readEmulatorSettings({ aksk: { name: 'EMULATOR_AKSK', text: `AK1:sk:${ALICE_PROJECT}` } }).ok).toBe(true);
  });

  it('checks the keys once both lists are readable, whatever else is wrong', () => {
    expect(problemsOf({ port: { name: '--port', text: 'x' }, tenants: { name: '--tenants', text: 'tok:proj-x' }, aksk: { name: '--aksk', text: 'AK1:sk:proj-y' } })).toEqual([
      expect.stringMatching(/^--port /),
      expect.stringMatching(/^--aksk: access key AK1 maps to project proj-y/),
    ]);
    expect(problemsOf({ tenants: { name: '--tenants', text: 'tok' }, aksk: { name: '--aksk', text: 'AK1:sk:proj-y' } })).toEqual([expect.stringMatching(/^--tenants /)]);
  });

  it('says what is wrong with an entry by its position, never showing it', () => {
    expect(problemsOf({ aksk: { name: 'EMULATOR_AKSK', text: `AK1:SeCrEt:${ALICE_PROJECT}, AK2:SeCrEt x:${ALICE_PROJECT}` } })).toEqual([
      'EMULATOR_AKSK must be ak:sk:projectId triples separated by commas (entry 2 is not: the SK must not be empty or hold spaces, commas or colons)',
    ]);
    expect(problemsOf({ tenants: { name: '--tenants', text: 'a:p, :p' } })).toEqual([
      '--tenants must be token:projectId pairs separated by commas (entry 2 is not: the token must be non-empty, without spaces, commas or colons)',
    ]);
    expect(problemsOf({ aksk: { name: '--aksk', text: 'AK1:SeCrEt:p/x' } })).toEqual([
      '--aksk must be ak:sk:projectId triples separated by commas (entry 1 is not: the project id must be letters, digits, - and _)',
    ]);
  });

  it('no message about access keys shows an SK, whatever is written after the AK', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('AK1:', ':', ' AK1 :', 'AK1:x:p,AK1:', `AK0:x:${ALICE_PROJECT},AK1:`), fc.constantFrom('', `:${ALICE_PROJECT}`, ':nobody', ':a:b'), (tail, before, after) => {
        const read = readEmulatorSettings({ aksk: { name: 'EMULATOR_AKSK', text: `${before}SeCrEt${tail}${after}` } });
        if (!read.ok) for (const problem of read.problems) expect(problem).not.toContain('SeCrEt');
      }),
    );
  });
});

describe('embeddedEmulatorOptions', () => {
  it('reads EMULATOR_* only: on a free port unless EMULATOR_PORT says otherwise, never HOST or PORT', () => {
    expect(embeddedEmulatorOptions({ PORT: '4000', HOST: '0.0.0.0' })).toStrictEqual({ ok: true, options: { port: 0, faults: {} } });
    expect(embeddedEmulatorOptions({ EMULATOR_PORT: '5001', EMULATOR_SEED: '3' })).toStrictEqual({ ok: true, options: { port: 5001, seed: 3, faults: {} } });
    expect(embeddedEmulatorOptions({ EMULATOR_PORT: 'x' })).toStrictEqual({ ok: false, problems: ['EMULATOR_PORT must be a whole number from 0 to 65535, not "x"'] });
  });
});

describe('checkEmulatorOptions (startEmulator, with options as objects)', () => {
  it('applies the same rules, naming the options', () => {
    expect(() => checkEmulatorOptions({ tenants: [{ token: 'a', projectId: 'p' }], aksk: [{ ak: 'AK1', sk: 'sk', projectId: 'p' }] })).not.toThrow();
    expect(() => checkEmulatorOptions({ tenants: [] })).toThrow(/^tenants must name at least one token:projectId pair$/);
    expect(() => checkEmulatorOptions({ tenants: [{ token: 'a', projectId: 'p' }, { token: 'a', projectId: 'q' }] })).toThrow(/^tenants must not repeat a token$/);
    expect(() => checkEmulatorOptions({ tenants: [{ token: 'a:b', projectId: 'p' }] })).toThrow(/^tenants must be token:projectId pairs separated by commas \(entry 1 is not: the token/);
    expect(() => checkEmulatorOptions({ aksk: [{ ak: 'AK1', sk: 'Se:CrEt', projectId: ALICE_PROJECT }] })).toThrow(/^aksk must be .*\(entry 1 is not: the SK must not be empty/);
    expect(() => checkEmulatorOptions({ tenants: [{ token: 'a', projectId: 'p' }], aksk: [{ ak: 'AK1', sk: 'sk', projectId: 'q' }] })).toThrow(
      /^aksk: access key AK1 maps to project q, which is none of the tenants projects$/,
    );
  });
});
