import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '@login/config';
import { DEVELOPMENT_KEY_SHA256, createMasker } from '@login/masking';
import { processorConfigSpec } from './config';

const LINEAGE_KEY = 'a-lineage-key-of-at-least-32-characters';
const key = { MASKING_KEY: 'a-masking-key-of-enough-length-for-hmac', LINEAGE_KEY };

const repoRoot = path.resolve(__dirname, '../../..');
const DOCKER_DEV_KEY_FILE = path.join(repoRoot, 'docker/secrets/masking-key.dev-only');
// The key `npm start` and `nx serve` use, read from the script's source (Jest does not load its ESM).
const npmStartDevKey = (): string => {
  const source = readFileSync(path.join(repoRoot, 'tools/scripts/dev-env.mjs'), 'utf8');
  const found = /export const DEV_MASKING_KEY = '([^']+)';/.exec(source);
  if (!found?.[1]) throw new Error('tools/scripts/dev-env.mjs no longer declares DEV_MASKING_KEY as a string literal');
  return found[1];
};

/** The issues of `env`, with a valid LINEAGE_KEY unless `env` sets one: these cases are about the masking key. */
function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(processorConfigSpec, { LINEAGE_KEY, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw err;
  }
  return [];
}

describe('processor configuration', () => {
  it('has the docs/contracts.md "Configuration" defaults', () => {
    const cfg = loadConfig(processorConfigSpec, key);
    expect(cfg).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      INPUT_TOPIC: 'user-login',
      OUTPUT_TOPIC: 'processed-user-login',
      DLQ_TOPIC: 'user-login-dlq',
      CONSUMER_GROUP: 'login-processor',
      HTTP_PORT: 8080,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      SUMMARY_INTERVAL_MS: 10_000,
      MAX_CLOCK_SKEW_MS: 300_000,
      MAX_VALUE_BYTES: 65_536,
      MASKING_IP_STRATEGY: 'truncate',
    });
  });

  it('names every wrong variable in one error and never prints the key', () => {
    const attempt = () =>
      loadConfig(processorConfigSpec, {
        MASKING_KEY: 'short',
        DLQ_TOPIC: 'user-login',
        HTTP_PORT: 'abc',
        MASKING_IP_STRATEGY: 'zap',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    for (const name of ['MASKING_KEY', 'DLQ_TOPIC', 'HTTP_PORT', 'MASKING_IP_STRATEGY'])
      expect(message).toContain(name);
    expect(message).not.toContain('"short"');
  });

  it('requires a masking key', () => {
    expect(() => loadConfig(processorConfigSpec, {})).toThrow(/MASKING_KEY/);
  });

  it('refuses a DLQ topic equal to the output topic', () => {
    expect(() => loadConfig(processorConfigSpec, { ...key, DLQ_TOPIC: 'out', OUTPUT_TOPIC: 'out' })).toThrow(
      /DLQ_TOPIC: must differ from OUTPUT_TOPIC/,
    );
  });

  it("takes the masking library's key id rule: what the config accepts, the masker accepts", () => {
    for (const id of ['k1', 'prod.2026-05', 'a'.repeat(64)]) {
      const cfg = loadConfig(processorConfigSpec, { ...key, MASKING_KEY_ID: id });
      expect(() =>
        createMasker({ key: { id: cfg.MASKING_KEY_ID, secret: cfg.MASKING_KEY }, ipStrategy: 'truncate' }),
      ).not.toThrow();
    }
    for (const id of ['a'.repeat(65), 'k/1', 'k 1']) {
      expect(() => loadConfig(processorConfigSpec, { ...key, MASKING_KEY_ID: id })).toThrow(
        /MASKING_KEY_ID: must match/,
      );
      expect(() => createMasker({ key: { id, secret: key.MASKING_KEY }, ipStrategy: 'truncate' })).toThrow();
    }
  });

  it('reads the key from MASKING_KEY_FILE', () => {
    const cfg = loadConfig(
      processorConfigSpec,
      { MASKING_KEY_FILE: '/run/secrets/key', LINEAGE_KEY },
      { readFile: () => 'key-from-a-mounted-secret-of-enough-length\n' },
    );
    expect(cfg.MASKING_KEY).toBe('key-from-a-mounted-secret-of-enough-length');
  });

  it('runs in development unless NODE_ENV says otherwise, and knows only three environments', () => {
    expect(loadConfig(processorConfigSpec, key).NODE_ENV).toBe('development');
    for (const nodeEnv of ['development', 'production', 'test'])
      expect(loadConfig(processorConfigSpec, { ...key, NODE_ENV: nodeEnv }).NODE_ENV).toBe(nodeEnv);
    expect(issuesOf({ ...key, NODE_ENV: 'staging' })).toEqual([expect.stringMatching(/^NODE_ENV: must be one of/)]);
  });

  it('refuses a key shorter than 32 characters (16 were enough before)', () => {
    expect(issuesOf({ MASKING_KEY: 'sixteen-chars-ok' })).toEqual([
      'MASKING_KEY: must be at least 32 characters long (got (hidden))',
    ]);
    expect(issuesOf({ MASKING_KEY: 'a-key-of-exactly-32-characters-x' })).toEqual([]);
  });

  it('refuses a trivially repetitive key, also one 32 characters long', () => {
    for (const weak of ['a'.repeat(32), 'abcd'.repeat(8), 'password1234'.repeat(3)])
      expect(issuesOf({ MASKING_KEY: weak })).toEqual([expect.stringMatching(/^MASKING_KEY: is trivially repetitive/)]);
  });

  it('refuses key id "dev" with NODE_ENV=production, and names every wrong variable with it', () => {
    expect(issuesOf({ ...key, MASKING_KEY_ID: 'dev', NODE_ENV: 'production' })).toEqual([
      'MASKING_KEY_ID: "dev" marks a development key and is refused with NODE_ENV=production: give the production key its own id',
    ]);
    expect(
      issuesOf({ MASKING_KEY: 'x'.repeat(40), MASKING_KEY_ID: 'dev', NODE_ENV: 'production', HTTP_PORT: 'abc' }),
    ).toEqual([
      expect.stringMatching(/^HTTP_PORT: /),
      expect.stringMatching(/^MASKING_KEY: is trivially repetitive/),
      expect.stringMatching(/^MASKING_KEY_ID: "dev" marks a development key/),
    ]);
    expect(issuesOf({ ...key, MASKING_KEY_ID: 'dev', NODE_ENV: 'development' })).toEqual([]);
    expect(issuesOf({ ...key, MASKING_KEY_ID: 'dev', NODE_ENV: 'test' })).toEqual([]);
  });

  describe('the committed development keys', () => {
    it('are the keys DEVELOPMENT_KEY_SHA256 lists, as the processor reads them', () => {
      const fromFile = loadConfig(processorConfigSpec, {
        MASKING_KEY_FILE: DOCKER_DEV_KEY_FILE,
        MASKING_KEY_ID: 'dev',
        LINEAGE_KEY,
      });
      const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
      expect([...DEVELOPMENT_KEY_SHA256].sort()).toEqual(
        [sha256(fromFile.MASKING_KEY), sha256(npmStartDevKey())].sort(),
      );
    });

    it('run under key id "dev" outside production', () => {
      expect(
        issuesOf({ MASKING_KEY_FILE: DOCKER_DEV_KEY_FILE, MASKING_KEY_ID: 'dev', NODE_ENV: 'development' }),
      ).toEqual([]);
      expect(issuesOf({ MASKING_KEY: npmStartDevKey(), MASKING_KEY_ID: 'dev' })).toEqual([]);
    });

    it.each(['k1', 'prod-2024', undefined])('are refused under key id %s, without being printed', (keyId) => {
      const shownId = keyId ?? 'k1';
      const expected = `MASKING_KEY: is a development key committed to this repository (public): it runs only under key id "dev", not "${shownId}"`;
      for (const env of [{ MASKING_KEY_FILE: DOCKER_DEV_KEY_FILE }, { MASKING_KEY: npmStartDevKey() }]) {
        const issues = issuesOf({ ...env, ...(keyId && { MASKING_KEY_ID: keyId }), NODE_ENV: 'production' });
        expect(issues).toEqual([expected]);
        expect(issues.join('\n')).not.toMatch(/DEV-ONLY-masking|dev-only-masking/i);
      }
    });

    it('are refused in production even under key id "dev"', () => {
      expect(
        issuesOf({ MASKING_KEY_FILE: DOCKER_DEV_KEY_FILE, MASKING_KEY_ID: 'dev', NODE_ENV: 'production' }),
      ).toEqual([expect.stringMatching(/^MASKING_KEY_ID: "dev" marks a development key/)]);
    });
  });
});

describe('processor configuration: the lineage keys', () => {
  it('requires LINEAGE_KEY of at least 32 characters, and never prints it', () => {
    expect(() => loadConfig(processorConfigSpec, { MASKING_KEY: key.MASKING_KEY })).toThrow(/LINEAGE_KEY/);
    const short = 'x'.repeat(31);
    expect(() => loadConfig(processorConfigSpec, { ...key, LINEAGE_KEY: short })).toThrow(/LINEAGE_KEY/);
    expect(() => loadConfig(processorConfigSpec, { ...key, LINEAGE_KEY: short })).not.toThrow(short);
    expect(loadConfig(processorConfigSpec, key)).toMatchObject({ LINEAGE_KEY, LINEAGE_KEY_ID: 'k1' });
  });

  it('reads the key from LINEAGE_KEY_FILE', () => {
    const cfg = loadConfig(
      processorConfigSpec,
      { MASKING_KEY: key.MASKING_KEY, LINEAGE_KEY_FILE: '/run/secrets/lineage' },
      { readFile: () => `${LINEAGE_KEY}\n` },
    );
    expect(cfg.LINEAGE_KEY).toBe(LINEAGE_KEY);
  });

  it('refuses a malformed LINEAGE_KEY_ID', () => {
    expect(() => loadConfig(processorConfigSpec, { ...key, LINEAGE_KEY_ID: 'a b' })).toThrow(/LINEAGE_KEY_ID/);
  });

  it('takes a previous key for a rotation only with its own, different id', () => {
    const previous = 'the-previous-lineage-key-of-32-characters';
    expect(
      loadConfig(processorConfigSpec, {
        ...key,
        LINEAGE_KEY_ID: 'k2',
        LINEAGE_PREVIOUS_KEY: previous,
        LINEAGE_PREVIOUS_KEY_ID: 'k1',
      }),
    ).toMatchObject({ LINEAGE_PREVIOUS_KEY: previous, LINEAGE_PREVIOUS_KEY_ID: 'k1' });
    expect(() => loadConfig(processorConfigSpec, { ...key, LINEAGE_PREVIOUS_KEY: previous })).toThrow(
      /LINEAGE_PREVIOUS_KEY_ID: is required with LINEAGE_PREVIOUS_KEY/,
    );
    expect(() => loadConfig(processorConfigSpec, { ...key, LINEAGE_PREVIOUS_KEY_ID: 'k0' })).toThrow(
      /LINEAGE_PREVIOUS_KEY: is required/,
    );
    expect(() =>
      loadConfig(processorConfigSpec, { ...key, LINEAGE_PREVIOUS_KEY: previous, LINEAGE_PREVIOUS_KEY_ID: 'k1' }),
    ).toThrow(/LINEAGE_PREVIOUS_KEY_ID: must differ from LINEAGE_KEY_ID/);
  });
});
