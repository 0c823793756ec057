import { composeConfig, defineConfig } from './define-config';
import { loadConfig } from './load-config';
import type { ConfigValues } from './types';

// Compile-time assertions: the loaded config is typed from the spec.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

describe('defineConfig', () => {
  const spec = defineConfig({
    PORT: { schema: { type: 'integer' }, default: 1, description: 'p' },
    LEVEL: { schema: { type: 'string', enum: ['a', 'b'] }, default: 'a', description: 'l' },
    NAMES: { list: true, schema: { type: 'string' }, description: 'n' },
    KEY: { schema: { type: 'string' }, required: true, secret: true, description: 'k' },
    CERT: { file: true, description: 'c' },
    FLAG: { schema: { type: 'boolean' }, description: 'f' },
  });

  it('infers the config type from the spec', () => {
    type Config = ConfigValues<(typeof spec)['variables']>;
    assertType<Equal<Config['PORT'], number>>();
    assertType<Equal<Config['LEVEL'], 'a' | 'b'>>();
    assertType<Equal<Config['NAMES'], string[] | undefined>>();
    assertType<Equal<Config['KEY'], string>>();
    assertType<Equal<Config['CERT'], Buffer | undefined>>();
    assertType<Equal<Config['FLAG'], boolean | undefined>>();
    expect(loadConfig(spec, { KEY: 'k' })).toEqual({ PORT: 1, LEVEL: 'a', KEY: 'k' });
  });

  it.each([
    ['a name that is not UPPER_SNAKE_CASE', { port: { schema: { type: 'integer' }, description: 'x' } }, /UPPER_SNAKE/],
    [
      'a default that breaks its schema',
      { PORT: { schema: { type: 'integer', maximum: 10 }, default: 80, description: 'x' } },
      /default of PORT is invalid/,
    ],
    [
      'a name colliding with a secret file variable',
      {
        KEY: { schema: { type: 'string' }, secret: true, description: 'x' },
        KEY_FILE: { schema: { type: 'string' }, description: 'x' },
      },
      /KEY_FILE is reserved/,
    ],
    ['a schema ajv strict mode rejects', { X: { schema: { type: 'string', minimum: 3 }, description: 'x' } }, /strict/],
    [
      'a camelCase key without a flag',
      { dryRun: { schema: { type: 'boolean' }, description: 'x' } },
      /nor a camelCase key with a flag/,
    ],
    [
      'a secret with a flag',
      { KEY: { schema: { type: 'string' }, secret: true, flag: 'key', description: 'x' } },
      /secret KEY cannot have a flag/,
    ],
    [
      'a flag that is not kebab-case',
      { X: { schema: { type: 'string' }, flag: 'dryRun', description: 'x' } },
      /--dryRun is not a kebab-case flag/,
    ],
    [
      'a short flag of two letters',
      { X: { schema: { type: 'string' }, flag: 'x', short: 'xy', description: 'x' } },
      /-xy is not a one-letter flag/,
    ],
    [
      'a short flag without a flag',
      { X: { schema: { type: 'string' }, short: 'x', description: 'x' } },
      /short flag but no flag/,
    ],
    [
      'two settings with one flag',
      {
        X: { schema: { type: 'string' }, flag: 'x', description: 'x' },
        Y: { schema: { type: 'string' }, flag: 'y', short: 'x', description: 'y' },
        Z: { schema: { type: 'string' }, flag: 'x', description: 'z' },
      },
      /--x is defined by more than one setting/,
    ],
    [
      'a text default its parse refuses',
      {
        X: {
          parse: (text: string) => {
            throw new Error(`not a number: ${text}`);
          },
          default: 'abc',
          description: 'x',
        },
      },
      /default of X is invalid: not a number: abc/,
    ],
    [
      'a text default that parses to unset',
      { X: { parse: () => undefined, default: 'abc', description: 'x' } },
      /default of X parses to unset/,
    ],
  ])('throws at definition time for %s', (_case, variables, message) => {
    expect(() => defineConfig(variables as never)).toThrow(message);
  });
});

describe('composeConfig', () => {
  const a = defineConfig(
    { A: { schema: { type: 'integer' }, default: 1, description: 'a' } },
    { checks: (cfg) => (cfg.A > 5 ? [{ variable: 'A', message: 'too big' }] : []) },
  );
  const b = defineConfig(
    { B: { schema: { type: 'string' }, required: true, description: 'b' } },
    { checks: (cfg) => (cfg.B === 'bad' ? [{ variable: 'B', message: 'is bad' }] : []) },
  );

  it('merges variables and keeps every check', () => {
    const both = composeConfig(a, b);
    const cfg = loadConfig(both, { B: 'ok' });
    assertType<Equal<typeof cfg.A, number>>();
    assertType<Equal<typeof cfg.B, string>>();
    expect(cfg).toEqual({ A: 1, B: 'ok' });
    expect(() => loadConfig(both, { A: '9', B: 'bad' })).toThrow(/A: too big\n {2}- B: is bad/);
  });

  it('refuses a variable defined twice', () => {
    expect(() => composeConfig(a, a)).toThrow(/A is defined by more than one spec/);
  });
});
