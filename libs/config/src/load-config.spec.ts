import { ConfigError } from './config-error';
import { defineConfig } from './define-config';
import { loadConfig, loadConfigOrExit } from './load-config';
import type { ReadFile } from './secrets';

const spec = defineConfig(
  {
    HTTP_PORT: { schema: { type: 'integer', minimum: 1, maximum: 65535 }, default: 8080, description: 'port' },
    MODE: { schema: { type: 'string', enum: ['fast', 'safe'] }, default: 'safe', description: 'mode' },
    TOPICS: { list: true, schema: { type: 'string', pattern: '^[a-z-]+$' }, default: ['a'], description: 'topics' },
    VERBOSE: { schema: { type: 'boolean' }, default: false, description: 'verbose' },
    MASKING_KEY: { schema: { type: 'string', minLength: 8 }, secret: true, required: true, description: 'key' },
    NICKNAME: { schema: { type: 'string' }, description: 'optional' },
    CA: { file: true, description: 'a file' },
  },
  {
    checks: (cfg) =>
      cfg.MODE === 'fast' && cfg.VERBOSE ? [{ variable: 'VERBOSE', message: 'cannot be true in fast mode' }] : [],
  },
);

const files: Record<string, string> = { '/run/secrets/key': 'from-a-file-123\n', '/etc/ca.pem': 'PEM' };
const readFile: ReadFile = (path) => {
  const contents = files[path];
  if (contents === undefined)
    throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return Buffer.from(contents);
};

function load(env: NodeJS.ProcessEnv) {
  return loadConfig(spec, env, { readFile });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and keeps required values', () => {
    const cfg = load({ MASKING_KEY: 'secret-key-1' });
    expect(cfg).toEqual({
      HTTP_PORT: 8080,
      MODE: 'safe',
      TOPICS: ['a'],
      VERBOSE: false,
      MASKING_KEY: 'secret-key-1',
    });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('coerces strings into the schema types', () => {
    const cfg = load({ MASKING_KEY: 'secret-key-1', HTTP_PORT: ' 9090 ', VERBOSE: 'YES', TOPICS: ' x, ,y-z ,' });
    expect(cfg.HTTP_PORT).toBe(9090);
    expect(cfg.VERBOSE).toBe(true);
    expect(cfg.TOPICS).toEqual(['x', 'y-z']);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['on', true],
    ['False', false],
    ['0', false],
    ['no', false],
  ])('reads boolean %p as %p', (raw, expected) => {
    expect(load({ MASKING_KEY: 'secret-key-1', VERBOSE: raw }).VERBOSE).toBe(expected);
  });

  it('treats empty and blank values as unset', () => {
    const cfg = load({ MASKING_KEY: 'secret-key-1', HTTP_PORT: '', MODE: '   ', TOPICS: ' , ' });
    expect(cfg).toMatchObject({ HTTP_PORT: 8080, MODE: 'safe', TOPICS: ['a'] });
  });

  it('names every wrong variable in one message, in spec order', () => {
    const error = errorOf(() => load({ HTTP_PORT: 'abc', MODE: 'turbo', TOPICS: 'ok,Not_OK', VERBOSE: 'maybe' }));
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '  - HTTP_PORT: must be an integer between 1 and 65535 (got "abc")',
        '  - MODE: must be one of: fast, safe (got "turbo")',
        '  - TOPICS: item 2 must match ^[a-z-]+$ (got "Not_OK")',
        '  - VERBOSE: must be true or false (got "maybe")',
        '  - MASKING_KEY: required (set MASKING_KEY or MASKING_KEY_FILE)',
      ].join('\n'),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'HTTP_PORT',
      'MODE',
      'TOPICS',
      'VERBOSE',
      'MASKING_KEY',
    ]);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'ERR_INVALID_CONFIG', canRetry: false });
  });

  it('reports an out-of-range number with the whole range', () => {
    expect(errorOf(() => load({ MASKING_KEY: 'secret-key-1', HTTP_PORT: '70000' })).issues).toEqual([
      { variable: 'HTTP_PORT', message: 'must be an integer between 1 and 65535 (got "70000")' },
    ]);
    expect(errorOf(() => load({ MASKING_KEY: 'secret-key-1', HTTP_PORT: '1.5' })).issues).toHaveLength(1);
  });

  it('never shows a secret value', () => {
    const error = errorOf(() => load({ MASKING_KEY: 'short' }));
    expect(error.message).toContain('MASKING_KEY: must be at least 8 characters long (got (hidden))');
    expect(error.message).not.toContain('short');
  });

  it('clips long values in messages', () => {
    const error = errorOf(() => load({ MASKING_KEY: 'secret-key-1', MODE: 'x'.repeat(500) }));
    expect(error.message.length).toBeLessThan(300);
  });

  describe('secrets from files', () => {
    it('reads NAME_FILE and trims the trailing newline', () => {
      expect(load({ MASKING_KEY_FILE: '/run/secrets/key' }).MASKING_KEY).toBe('from-a-file-123');
    });

    it('keeps spaces of a secret given directly', () => {
      expect(load({ MASKING_KEY: ' padded key ' }).MASKING_KEY).toBe(' padded key ');
    });

    it('refuses NAME and NAME_FILE together', () => {
      expect(errorOf(() => load({ MASKING_KEY: 'secret-key-1', MASKING_KEY_FILE: '/run/secrets/key' })).issues).toEqual(
        [{ variable: 'MASKING_KEY', message: 'set either MASKING_KEY or MASKING_KEY_FILE, not both' }],
      );
    });

    it('names the _FILE variable when the file cannot be read', () => {
      expect(errorOf(() => load({ MASKING_KEY_FILE: '/nope' })).issues).toEqual([
        { variable: 'MASKING_KEY_FILE', message: 'cannot read file "/nope" (ENOENT)' },
      ]);
    });

    it('refuses an empty secret file', () => {
      files['/run/secrets/empty'] = '\n';
      expect(errorOf(() => load({ MASKING_KEY_FILE: '/run/secrets/empty' })).issues).toEqual([
        { variable: 'MASKING_KEY_FILE', message: 'file "/run/secrets/empty" is empty' },
      ]);
    });

    it('validates a secret read from a file without showing it', () => {
      files['/run/secrets/weak'] = 'weak\n';
      const error = errorOf(() => load({ MASKING_KEY_FILE: '/run/secrets/weak' }));
      expect(error.issues).toEqual([
        { variable: 'MASKING_KEY', message: 'must be at least 8 characters long (got (hidden))' },
      ]);
    });
  });

  describe('file variables', () => {
    it('loads the file contents as a Buffer', () => {
      expect(load({ MASKING_KEY: 'secret-key-1', CA: '/etc/ca.pem' }).CA).toEqual(Buffer.from('PEM'));
    });

    it('names the variable of a missing file', () => {
      expect(errorOf(() => load({ MASKING_KEY: 'secret-key-1', CA: '/missing.pem' })).issues).toEqual([
        { variable: 'CA', message: 'cannot read file "/missing.pem" (ENOENT)' },
      ]);
    });
  });

  describe('cross-field checks', () => {
    it('reports check issues', () => {
      expect(errorOf(() => load({ MASKING_KEY: 'secret-key-1', MODE: 'fast', VERBOSE: 'true' })).issues).toEqual([
        { variable: 'VERBOSE', message: 'cannot be true in fast mode' },
      ]);
    });

    it('reports check issues together with schema issues', () => {
      const error = errorOf(() => load({ MODE: 'fast', VERBOSE: 'true' }));
      expect(error.issues.map((issue) => issue.variable)).toEqual(['VERBOSE', 'MASKING_KEY']);
    });

    it('does not run checks against a variable that is already wrong', () => {
      const error = errorOf(() => load({ MASKING_KEY: 'secret-key-1', MODE: 'fast', VERBOSE: 'perhaps' }));
      expect(error.issues).toEqual([{ variable: 'VERBOSE', message: 'must be true or false (got "perhaps")' }]);
    });

    it('rethrows a check that fails on a valid config (a programmer error)', () => {
      const broken = defineConfig(
        { A: { schema: { type: 'string' }, default: 'x', description: 'a' } },
        {
          checks: () => {
            throw new TypeError('bug');
          },
        },
      );
      expect(() => loadConfig(broken, {})).toThrow(TypeError);
    });
  });

  it('reads process.env and the disk by default', () => {
    const simple = defineConfig({
      LOGIN_CONFIG_TEST_UNSET_VARIABLE: { schema: { type: 'integer' }, default: 3, description: 'x' },
    });
    expect(loadConfig(simple)).toEqual({ LOGIN_CONFIG_TEST_UNSET_VARIABLE: 3 });
  });
});

describe('loadConfigOrExit', () => {
  it('returns the config when it is valid', () => {
    expect(loadConfigOrExit(spec, { MASKING_KEY: 'secret-key-1' }).HTTP_PORT).toBe(8080);
  });

  it('prints the message to stderr and exits with code 2', () => {
    const written: string[] = [];
    const exit = jest.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    expect(() =>
      loadConfigOrExit(spec, { HTTP_PORT: 'abc' }, { exit, stderr: { write: (text: string) => written.push(text) } }),
    ).toThrow('exit 2');
    expect(exit).toHaveBeenCalledWith(2);
    expect(written.join('')).toMatch(/^Invalid configuration:\n {2}- HTTP_PORT: .*\n {2}- MASKING_KEY: required.*\n$/);
  });
});
