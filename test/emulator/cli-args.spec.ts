import { describe, expect, it } from 'vitest';
import { DEFAULT_CLI_PORT, EMULATOR_USAGE, EmulatorArgsError, parseEmulatorArgs, type EmulatorCommand } from '../../src/emulator/cli-args.js';
import { DEMO_TENANTS } from '../../src/emulator/options.js';

/** `npm run emulator -- <flags>`: the flags, read by a pure function (handed to startEmulator: settings-start.spec.ts). */

function optionsOf(argv: string[]): Extract<EmulatorCommand, { help: false }>['options'] {
  const command = parseEmulatorArgs(argv);
  if (command.help) throw new Error('expected options, got --help');
  return command.options;
}

function problemsOf(argv: string[]): string[] {
  try {
    parseEmulatorArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorArgsError);
    return (error as EmulatorArgsError).problems;
  }
  throw new Error(`expected an EmulatorArgsError for ${JSON.stringify(argv)}`);
}

describe('parseEmulatorArgs', () => {
  it('listens on 127.0.0.1:8090 by default and leaves everything else to the emulator', () => {
    expect(DEFAULT_CLI_PORT).toBe(8090);
    expect(parseEmulatorArgs([])).toStrictEqual({ help: false, options: { host: '127.0.0.1', port: 8090, faults: {} } });
  });

  it('takes --port and --host as separate or inline values', () => {
    expect(optionsOf(['--port', '9200']).port).toBe(9200);
    expect(optionsOf(['--port=9300']).port).toBe(9300);
    expect(optionsOf(['--port', '0']).port).toBe(0);
    expect(optionsOf(['--port', '65535']).port).toBe(65535);
    expect(optionsOf(['--host', '0.0.0.0']).host).toBe('0.0.0.0');
    expect(optionsOf(['--host=::1']).host).toBe('::1');
    expect(optionsOf(['--port', '1', '--port', '2']).port).toBe(2);
  });

  it('reads the seed, tenants and every fault knob', () => {
    const options = optionsOf([
      '--seed=42',
      '--tenants',
      ' tok-a:proj_1 , tok.b:PROJ-2 ,',
      '--latency-ms',
      '25',
      '--error-rate',
      '0.25',
      '--throttle-every',
      '10',
      '--throttle-burst',
      '3',
      '--retry-after-s',
      '5',
      '--malformed-rate',
      '1',
      '--fail-image-ids',
      ' a-1 , b-2 ,,',
    ]);
    expect(options).toStrictEqual({
      host: '127.0.0.1',
      port: 8090,
      seed: 42,
      tenants: [
        { token: 'tok-a', projectId: 'proj_1' },
        { token: 'tok.b', projectId: 'PROJ-2' },
      ],
      faults: { latencyMs: 25, errorRate: 0.25, throttleEvery: 10, throttleBurst: 3, retryAfterSeconds: 5, malformedRate: 1, failImageIds: ['a-1', 'b-2'] },
    });
  });

  it('only what is given ends up in the faults', () => {
    expect(optionsOf(['--throttle-burst', '2']).faults).toStrictEqual({ throttleBurst: 2 });
    expect(optionsOf(['--error-rate', '0']).faults).toStrictEqual({ errorRate: 0 });
    expect(optionsOf(['--fail-image-ids=']).faults).toStrictEqual({ failImageIds: [] });
  });

  it('--help (or -h) asks for the usage, whatever the other values', () => {
    expect(parseEmulatorArgs(['--help'])).toEqual({ help: true });
    expect(parseEmulatorArgs(['-h'])).toEqual({ help: true });
    expect(parseEmulatorArgs(['--port', 'abc', '--help'])).toEqual({ help: true });
  });

  it('the usage names every flag', () => {
    for (const flag of ['--port', '--host', '--seed', '--tenants', '--aksk', '--latency-ms', '--error-rate', '--throttle-every', '--throttle-burst', '--retry-after-s', '--malformed-rate', '--fail-image-ids', '--saving-ms', '--help']) {
      expect(EMULATOR_USAGE).toContain(flag);
    }
    expect(EMULATOR_USAGE).toContain('8090');
  });

  it.each<[string, string[], RegExp]>([
    ['--port abc', ['--port', 'abc'], /^--port must be a whole number from 0 to 65535/],
    ['--port=70000', ['--port=70000'], /^--port must be a whole number from 0 to 65535/],
    ['--port=-1', ['--port=-1'], /^--port must be a whole number from 0 to 65535/],
    ['--port 1.5', ['--port', '1.5'], /^--port must be a whole number from 0 to 65535/],
    ['--port= with an empty value', ['--port='], /^--port must be a whole number/],
    ['--port without a value', ['--port'], /^--port needs a value/],
    ['--port followed by another flag', ['--port', '--seed', '1'], /^--port needs a value, not "--seed"/],
    ['--port -1', ['--port', '-1'], /^--port needs a value, not "-1" \(write --port=-1/],
    ['--seed=-1', ['--seed=-1'], /^--seed must be a whole number from 0 to 4294967295/],
    ['--seed 2^32', ['--seed', String(2 ** 32)], /^--seed must be a whole number/],
    ['--error-rate 1.5', ['--error-rate', '1.5'], /^--error-rate must be a number from 0 to 1/],
    ['--malformed-rate half', ['--malformed-rate', 'half'], /^--malformed-rate must be a number from 0 to 1/],
    ['--latency-ms=-5', ['--latency-ms=-5'], /^--latency-ms must be a whole number from 0 to 60000/],
    ['--latency-ms 60001', ['--latency-ms', '60001'], /^--latency-ms must be a whole number/],
    ['--throttle-every x', ['--throttle-every', 'x'], /^--throttle-every must be a whole number/],
    ['--throttle-burst 1e3', ['--throttle-burst', '1e3'], /^--throttle-burst must be a whole number/],
    ['--retry-after-s 3601', ['--retry-after-s', '3601'], /^--retry-after-s must be a whole number from 0 to 3600/],
    ['--host a/b', ['--host', 'a/b'], /^--host must be a host name or IP address/],
    ['--host=', ['--host='], /^--host must not be empty/],
    ['an unknown flag', ['--verbose'], /^unknown flag --verbose \(see --help\)/],
    ['an unknown short flag', ['-p', '9000'], /^unknown flag -p/],
    ['the old PORT habit as an argument', ['9000'], /^unexpected argument "9000"/],
    ['--help with a value', ['--help=yes'], /^--help takes no value/],
  ])('%s is an EmulatorArgsError naming the flag', (_label, argv, pattern) => {
    const problems = problemsOf(argv);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
    expect(() => parseEmulatorArgs(argv)).toThrow(pattern);
  });

  it('lists every bad value at once', () => {
    const problems = problemsOf(['--port', 'x', '--tenants', 'nonsense', '--seed', 'y']);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/--port[\s\S]*--seed[\s\S]*--tenants|--port[\s\S]*--tenants[\s\S]*--seed/);
    expect(() => parseEmulatorArgs(['--port', 'x', '--seed', 'y'])).toThrow(/^Invalid settings:\n {2}- --port .*\n {2}- --seed /);
  });
});

describe('--tenants', () => {
  it('allows two tokens for one project', () => {
    expect(optionsOf(['--tenants', 'a:p,b:p']).tenants).toEqual([
      { token: 'a', projectId: 'p' },
      { token: 'b', projectId: 'p' },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['no colon', 'token-only', /^--tenants must be token:projectId pairs/],
    ['an empty token', ':proj', /token:projectId pairs/],
    ['an empty project', 'tok:', /token:projectId pairs/],
    ['a project with a colon', 'tok:proj:x', /token:projectId pairs/],
    ['a space inside a token', 'to k:proj', /token:projectId pairs/],
    ['a project with a slash', 'tok:proj/x', /token:projectId pairs/],
    ['one bad entry among good ones', 'a:p1,bad,b:p2', /token:projectId pairs separated by commas \(entry 2 is not\)$/],
    ['only separators', ' , ,', /^--tenants must name at least one/],
    ['nothing', '', /^--tenants must name at least one/],
    ['a repeated token', 'a:p1,a:p2', /^--tenants must not repeat a token/],
  ])('%s is an EmulatorArgsError', (_label, value, pattern) => {
    const problems = problemsOf([`--tenants=${value}`]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });
});

describe('--aksk', () => {
  const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
  const BOB_PROJECT = DEMO_TENANTS[1]!.projectId;

  it('parses ak:sk:projectId triples for the demo tenants, trimming spaces and skipping empty entries', () => {
    expect(optionsOf(['--aksk', ` AK1:sk-1:${ALICE_PROJECT} ,AK2:s/k+2=:${BOB_PROJECT},`]).aksk).toEqual([
      { ak: 'AK1', sk: 'sk-1', projectId: ALICE_PROJECT },
      { ak: 'AK2', sk: 's/k+2=', projectId: BOB_PROJECT },
    ]);
  });

  it('checks the projects against --tenants when given', () => {
    expect(optionsOf(['--tenants', 'tok:proj-x', '--aksk', 'AK1:sk:proj-x']).aksk).toEqual([{ ak: 'AK1', sk: 'sk', projectId: 'proj-x' }]);
    expect(problemsOf(['--tenants', 'tok:proj-x', '--aksk', `AK1:sk:${ALICE_PROJECT}`])).toEqual([
      `--aksk: access key AK1 maps to project ${ALICE_PROJECT}, which is none of the --tenants projects`,
    ]);
    // A bad --tenants is reported on its own: no second guess about the keys.
    expect(problemsOf(['--tenants', 'nonsense', '--aksk', 'AK1:sk:proj-x'])).toEqual([expect.stringMatching(/^--tenants /)]);
  });

  it.each<[string, string, RegExp]>([
    ['a pair without a project', 'AK1:SeCrEt', /^--aksk must be ak:sk:projectId triples separated by commas \(entry 1 is not\)$/],
    ['an empty SK', `AK1::${ALICE_PROJECT}`, /ak:sk:projectId triples/],
    ['an SK with a colon', `AK1:SeCrEt:x:${ALICE_PROJECT}`, /ak:sk:projectId triples/],
    ['a space inside an SK', `AK1:SeCrEt x:${ALICE_PROJECT}`, /ak:sk:projectId triples/],
    ['one bad entry among good ones', `AK1:SeCrEt:${ALICE_PROJECT},bad`, /\(entry 2 is not\)/],
    ['only separators', ' , ,', /^--aksk must name at least one ak:sk:projectId triple/],
    ['a repeated access key', `AK1:SeCrEt:${ALICE_PROJECT},AK1:SeCrEt2:${BOB_PROJECT}`, /^--aksk must not repeat an access key/],
    ['a project of no tenant', 'AK1:SeCrEt:nobody', /^--aksk: access key AK1 maps to project nobody, which is none of the tenants' projects/],
  ])('%s is an EmulatorArgsError that shows no SK', (_label, value, pattern) => {
    const problems = problemsOf([`--aksk=${value}`]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
    expect(problems[0]).not.toContain('SeCrEt');
  });
});
