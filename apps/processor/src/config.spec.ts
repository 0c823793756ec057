import { ConfigError, loadConfig } from '@login/config';
import { createMasker } from '@login/masking';
import { processorConfigSpec } from './config';

const LINEAGE_KEY = 'a-lineage-key-of-at-least-32-characters';
const key = { MASKING_KEY: 'a-masking-key-of-enough-length', LINEAGE_KEY };

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
      { readFile: () => 'key-from-a-mounted-secret\n' },
    );
    expect(cfg.MASKING_KEY).toBe('key-from-a-mounted-secret');
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
