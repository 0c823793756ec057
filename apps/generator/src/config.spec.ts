import { isEnvironmentName } from '@login/config';
import type { VariableSpecs } from '@login/config';
import { ConfigError, generatorCommandLine, helpText, kindsText, loadGeneratorConfig, parseDuration } from './config';
import type { GeneratorConfig } from './config';
import { MALFORMED_KIND_NAMES } from './core/malformed';

/** Every setting that has a flag, with its environment variable. */
const SETTINGS = Object.entries(generatorCommandLine.spec.variables as VariableSpecs)
  .filter(([, setting]) => setting.flag !== undefined)
  .map(([name, setting]) => ({ flag: setting.flag, env: isEnvironmentName(name) ? name : undefined }));

function load(argv: string[], env: Record<string, string> = {}): GeneratorConfig {
  const result = loadGeneratorConfig({ argv, env, randomSeed: () => 42 });
  if (result.action !== 'run') throw new Error(`expected run, got ${result.action}`);
  return result.config;
}

function problems(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    loadGeneratorConfig({ argv, env, randomSeed: () => 42 });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('generator config', () => {
  it('has defaults for an endless run to user-login', () => {
    const c = load([]);
    expect(c).toMatchObject({
      topic: 'user-login',
      rate: 100,
      invalidRatio: 0,
      invalidKinds: [],
      seed: 42,
      seedGiven: false,
      users: 1000,
      batchSize: 1000,
      maxInFlight: 4,
      dryRun: false,
      httpPort: 0,
      logLevel: 'info',
      logFormat: 'json',
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'generator' },
    });
    expect(c.count).toBeUndefined();
    expect(c.durationMs).toBeUndefined();
  });

  it('reads every GENERATOR_* variable and the shared ones', () => {
    const c = load([], {
      INPUT_TOPIC: 'logins',
      GENERATOR_COUNT: '5000',
      GENERATOR_DURATION: '5m',
      GENERATOR_RATE: '20000',
      GENERATOR_INVALID_RATIO: '0.1',
      GENERATOR_INVALID_KINDS: 'bad-ip, tombstone',
      GENERATOR_SEED: '7',
      GENERATOR_USERS: '50',
      GENERATOR_BATCH_SIZE: '1000',
      GENERATOR_DRY_RUN: 'true',
      KAFKA_BROKERS: 'a:9092,b:9093',
      KAFKA_CLIENT_ID: 'gen-1',
      HTTP_PORT: '9464',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
    });
    expect(c).toMatchObject({
      topic: 'logins',
      count: 5000,
      durationMs: 300_000,
      rate: 20_000,
      invalidRatio: 0.1,
      seed: 7,
      seedGiven: true,
      users: 50,
      batchSize: 1000,
      dryRun: true,
      httpPort: 9464,
      logLevel: 'debug',
      logFormat: 'pretty',
      kafka: { brokers: ['a:9092', 'b:9093'], clientId: 'gen-1' },
    });
    expect(c.invalidKinds.map((k) => k.name)).toEqual(['bad-ip', 'tombstone']);
  });

  it('lets a flag override its variable', () => {
    const env = { GENERATOR_RATE: '5', INPUT_TOPIC: 'x', KAFKA_BROKERS: 'a:1', GENERATOR_SEED: '1' };
    const c = load(
      ['--rate', '0', '--topic', 'y', '--brokers', 'b:2', '--seed=9', '-n', '10', '--duration', '30s'],
      env,
    );
    expect(c).toMatchObject({ rate: 0, topic: 'y', seed: 9, count: 10, durationMs: 30_000 });
    expect(c.kafka.brokers).toEqual(['b:2']);
  });

  it('treats 0 and empty as "no limit" for count and duration', () => {
    const c = load(['--count', '0'], { GENERATOR_DURATION: '' });
    expect(c.count).toBeUndefined();
    expect(c.durationMs).toBeUndefined();
  });

  it('names every wrong flag and variable at once', () => {
    expect(
      problems(
        ['--rate', 'fast', '--invalid-ratio', '1.5', '--invalid-kinds', 'nope,bad-ip', '--duration', '5 minutes'],
        {
          GENERATOR_USERS: '0',
          LOG_FORMAT: 'xml',
          KAFKA_SASL_MECHANISM: 'md5',
        },
      ),
    ).toEqual([
      '--duration / GENERATOR_DURATION: must be a duration like 30s, 5m, 1h30m or 500ms (got "5 minutes")',
      '--rate / GENERATOR_RATE: must be a number between 0 and 10000000 (got "fast")',
      '--invalid-ratio / GENERATOR_INVALID_RATIO: must be a number between 0 and 1 (got "1.5")',
      expect.stringMatching(/^--invalid-kinds \/ GENERATOR_INVALID_KINDS: unknown kind "nope"; known: not-json, /),
      '--users / GENERATOR_USERS: must be an integer between 1 and 100000000 (got "0")',
      '--log-format / LOG_FORMAT: must be one of: json, pretty (got "xml")',
      expect.stringMatching(/^KAFKA_SASL_MECHANISM: /),
    ]);
  });

  it('binds the status server to 0.0.0.0 with a 64-connection cap unless told otherwise', () => {
    expect(load([])).toMatchObject({ httpHost: '0.0.0.0', httpMaxConnections: 64 });
    expect(load(['--http-host', '127.0.0.1'], { HTTP_HOST: '::', HTTP_MAX_CONNECTIONS: '8' })).toMatchObject({
      httpHost: '127.0.0.1',
      httpMaxConnections: 8,
    });
  });

  it('names a bad status server host and connection cap', () => {
    expect(problems(['--http-host', 'a b'], { HTTP_MAX_CONNECTIONS: '0' })).toEqual([
      expect.stringMatching(/^--http-host \/ HTTP_HOST: must be an IP address .*\(got "a b"\)/),
      'HTTP_MAX_CONNECTIONS: must be an integer between 1 and 10000 (got "0")',
    ]);
  });

  it('names an unknown flag, a missing value and a stray argument', () => {
    expect(problems(['--frobnicate'])).toEqual(['unknown option --frobnicate (see --help)']);
    expect(problems(['--rate'])).toEqual(['--rate: a value is required (see --help)']);
    expect(problems(['-n'])).toEqual(['--count: a value is required (see --help)']);
    expect(problems(['fast'])[0]).toMatch(/^unexpected argument fast/);
  });

  it('names --brokers and KAFKA_BROKERS together, whichever was wrong', () => {
    expect(problems(['--brokers', 'no port'])).toEqual([expect.stringMatching(/^--brokers \/ KAFKA_BROKERS: /)]);
    expect(problems([], { KAFKA_BROKERS: 'no port' })).toEqual([
      expect.stringMatching(/^--brokers \/ KAFKA_BROKERS: /),
    ]);
  });

  it('answers --help and --list-kinds before validating anything else', () => {
    expect(loadGeneratorConfig({ argv: ['--rate', 'x', '--help'], env: {} })).toEqual({ action: 'help' });
    expect(loadGeneratorConfig({ argv: ['--list-kinds'], env: {} })).toEqual({ action: 'list-kinds' });
  });

  it('lists every flag with its variable in --help, and every kind', () => {
    const help = helpText();
    for (const s of SETTINGS) {
      expect(help).toContain(`--${s.flag}`);
      if (s.env) expect(help).toContain(s.env);
    }
    for (const name of MALFORMED_KIND_NAMES) {
      expect(help).toContain(name);
      expect(kindsText()).toContain(name);
    }
  });

  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2d', 172_800_000],
    ['90', 90_000],
    ['1.5s', 1_500],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5 m', '5x', '-5s', 's'])('rejects the duration %p', (text) => {
    expect(() => parseDuration(text)).toThrow(/must be a duration/);
  });
});
