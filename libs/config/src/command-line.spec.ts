import { defineCommandLine, readCommandLine } from './command-line';
import { ConfigError } from './config-error';
import { defineConfig } from './define-config';

const settings = defineConfig(
  {
    TOPIC: {
      flag: 'topic',
      short: 't',
      placeholder: 'NAME',
      schema: { type: 'string', minLength: 1 },
      default: 'in',
      description: 'Topic.',
    },
    RATE: {
      flag: 'rate',
      placeholder: 'N',
      schema: { type: 'number', minimum: 0, maximum: 10 },
      default: 1,
      description: 'Rate.',
    },
    VERBOSE: { flag: 'verbose', schema: { type: 'boolean' }, default: false, description: 'Verbose.' },
    WAIT: {
      flag: 'wait',
      placeholder: 'TIME',
      parse: (text) => {
        if (!/^\d+s$/.test(text)) throw new Error(`expected seconds like 5s, got "${text}"`);
        return Number(text.slice(0, -1)) * 1000;
      },
      default: '2s',
      description: 'Wait.',
    },
    SEED: {
      flag: 'seed',
      placeholder: 'N',
      parse: (text) => (text === 'random' ? undefined : text),
      schema: { type: 'integer', minimum: 0 },
      description: 'Seed.',
    },
    PASSWORD: { schema: { type: 'string' }, secret: true, description: 'Password.' },
    reasons: {
      flag: 'reason',
      placeholder: 'CODE',
      list: true,
      schema: { type: 'string', enum: ['A', 'B', 'C'] },
      description: 'Reasons.',
    },
    dryRun: { flag: 'dry-run', schema: { type: 'boolean' }, default: false, description: 'Dry run.' },
  },
  {
    checks: (cfg) =>
      cfg.dryRun && cfg.VERBOSE ? [{ variable: 'dryRun', message: 'cannot be combined with --verbose' }] : [],
  },
);

const cli = defineCommandLine({
  program: 'tool',
  version: '1.2.3',
  about: 'Does things.',
  sections: [{ title: 'Options', spec: settings }],
  actions: { 'list-things': 'List the things, then exit.' },
});

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = readCommandLine(cli, argv, env, { readFile: () => 'from-a-file\n' });
  if (result.action !== 'run') throw new Error(`expected run, got ${result.action}`);
  return result.config;
}

describe('readCommandLine', () => {
  it('reads defaults, the environment, and flags over the environment', () => {
    expect(run([])).toEqual({ TOPIC: 'in', RATE: 1, VERBOSE: false, WAIT: 2000, dryRun: false });
    expect(run([], { TOPIC: 'env-topic', RATE: '2', VERBOSE: 'yes' })).toMatchObject({
      TOPIC: 'env-topic',
      RATE: 2,
      VERBOSE: true,
    });
    expect(run(['-t', 'flag-topic', '--rate=3', '--verbose'], { TOPIC: 'env-topic', RATE: '2' })).toMatchObject({
      TOPIC: 'flag-topic',
      RATE: 3,
      VERBOSE: true,
    });
  });

  it('reads flag-only settings (camelCase keys) from flags, never from the environment', () => {
    expect(run([], { dryRun: 'true', reasons: 'A' })).toMatchObject({ dryRun: false });
    expect(run(['--dry-run', '--reason', 'A,B', '--reason', ' C '])).toMatchObject({
      dryRun: true,
      reasons: ['A', 'B', 'C'],
    });
  });

  it('parses text with `parse`: defaults too, undefined means unset, a schema checks the result', () => {
    expect(run(['--wait', '5s']).WAIT).toBe(5000);
    expect(run(['--seed', 'random']).SEED).toBeUndefined();
    expect(run(['--seed', '7']).SEED).toBe(7);
    expect(problemsOf(() => run(['--wait', 'soon', '--seed=-1']))).toEqual([
      '--wait / WAIT: expected seconds like 5s, got "soon"',
      '--seed / SEED: must be an integer at least 0 (got "-1")',
    ]);
  });

  it('names every wrong setting at once, by its flag and its variable', () => {
    expect(problemsOf(() => run(['--rate', '11', '--reason', 'A,Z'], { TOPIC: ' ' }))).toEqual([
      '--rate / RATE: must be a number between 0 and 10 (got "11")',
      '--reason: item 2 must be one of: A, B, C (got "Z")',
    ]);
    expect(problemsOf(() => run([], { RATE: 'fast' }))).toEqual([
      '--rate / RATE: must be a number between 0 and 10 (got "fast")',
    ]);
  });

  it('runs the checks, naming the setting as its flag', () => {
    expect(problemsOf(() => run(['--dry-run', '--verbose']))).toEqual(['--dry-run: cannot be combined with --verbose']);
  });

  it('reads secrets from the environment or NAME_FILE', () => {
    expect(run([], { PASSWORD: 'pw' }).PASSWORD).toBe('pw');
    expect(run([], { PASSWORD_FILE: '/run/secrets/pw' }).PASSWORD).toBe('from-a-file');
  });

  it('answers --help, --version and the actions before validating anything', () => {
    expect(readCommandLine(cli, ['--rate', 'x', '--help'], {})).toEqual({ action: 'help' });
    expect(readCommandLine(cli, ['-h'], { RATE: 'x' })).toEqual({ action: 'help' });
    expect(readCommandLine(cli, ['--version', '--rate', 'x'], {})).toEqual({ action: 'version' });
    expect(readCommandLine(cli, ['--list-things'], { RATE: 'x' })).toEqual({ action: 'list-things' });
  });

  it('refuses what parseArgs refuses, as one problem', () => {
    expect(problemsOf(() => run(['--frobnicate', '--rate', 'x']))).toEqual([
      'unknown option --frobnicate (see --help)',
    ]);
    expect(problemsOf(() => run(['--rate']))).toEqual(['--rate: a value is required (see --help)']);
    expect(problemsOf(() => run(['stray']))).toEqual([
      'unexpected argument stray: this program takes only options (see --help)',
    ]);
    expect(problemsOf(() => run(['--verbose=yes']))).toHaveLength(1);
  });

  it('names a setting by its flag and its variable, in the one phrasing every app shares', () => {
    const error = (() => {
      try {
        readCommandLine(cli, ['--rate=-1'], {});
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems[0]).toMatch(/^--rate \/ RATE: must be .* \(got "-1"\)$/);
    expect(error.issues[0]).toEqual({ variable: '--rate / RATE', message: expect.stringMatching(/\(got "-1"\)$/) });
  });
});

describe('defineCommandLine', () => {
  it.each([
    [
      'a flag taken by --help',
      { X: { flag: 'help', schema: { type: 'boolean' }, description: 'x' } },
      /--help of X is taken/,
    ],
    ['-h', { X: { flag: 'x', short: 'h', schema: { type: 'boolean' }, description: 'x' } }, /-h of X is --help's/],
    [
      'a flag taken by an action',
      { X: { flag: 'list-things', schema: { type: 'boolean' }, description: 'x' } },
      /taken/,
    ],
  ])('refuses %s', (_case, variables, message) => {
    const spec = defineConfig(variables as never);
    expect(() =>
      defineCommandLine({
        program: 'p',
        version: '1',
        about: '',
        sections: [{ title: 'Options', spec }],
        actions: { 'list-things': 'x' },
      }),
    ).toThrow(message);
  });

  it('refuses a flag defined in two sections', () => {
    const a = defineConfig({ A: { flag: 'same', schema: { type: 'string' }, description: 'a' } });
    const b = defineConfig({ B: { flag: 'same', schema: { type: 'string' }, description: 'b' } });
    expect(() =>
      defineCommandLine({
        program: 'p',
        version: '1',
        about: '',
        sections: [
          { title: 'A', spec: a },
          { title: 'B', spec: b },
        ],
      }),
    ).toThrow(/--same is defined by more than one setting/);
  });
});
