import { ConfigError, loadConfig } from '@login/config';
import { createMasker } from '@login/masking';
import { processorConfigSpec } from './config';

const key = { MASKING_KEY: 'a-masking-key-of-enough-length' };

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
      { MASKING_KEY_FILE: '/run/secrets/key' },
      { readFile: () => 'key-from-a-mounted-secret\n' },
    );
    expect(cfg.MASKING_KEY).toBe('key-from-a-mounted-secret');
  });
});
