import { ConfigError } from './config-error';
import { composeConfig, defineConfig } from './define-config';
import { kafkaConfigSpec, kafkaSecurity, kafkaSecurityWarning, toKafkaClientConfig } from './kafka-config';
import { loadConfig } from './load-config';
import { httpServerConfigSpec, observabilityConfigSpec } from './observability-config';
import type { ReadFile } from './secrets';

const files: Record<string, string> = {
  '/tls/ca.pem': 'CA',
  '/tls/cert.pem': 'CERT',
  '/tls/key.pem': 'KEY',
  '/run/secrets/kafka-password': 'pa ss\r\n',
};
const readFile: ReadFile = (path) => {
  const contents = files[path];
  if (contents === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  return Buffer.from(contents);
};

const load = (env: NodeJS.ProcessEnv) => loadConfig(kafkaConfigSpec, env, { readFile });

function issuesOf(env: NodeJS.ProcessEnv) {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('kafkaConfigSpec', () => {
  it('defaults to a plaintext local broker', () => {
    const cfg = load({});
    expect(cfg).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_REQUEST_TIMEOUT_MS: 30_000,
      KAFKA_SSL: false,
      KAFKA_SASL_ALLOW_PLAINTEXT: false,
    });
    expect(toKafkaClientConfig(cfg, 'processor')).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'processor',
      requestTimeoutMs: 30_000,
    });
  });

  it('reads brokers as a list of host:port', () => {
    const cfg = load({ KAFKA_BROKERS: 'kafka-0.kafka:9092, [::1]:9093,10.0.0.1:9094', KAFKA_CLIENT_ID: 'me' });
    expect(toKafkaClientConfig(cfg, 'processor')).toEqual({
      brokers: ['kafka-0.kafka:9092', '[::1]:9093', '10.0.0.1:9094'],
      clientId: 'me',
      requestTimeoutMs: 30_000,
    });
  });

  it.each(['kafka', 'kafka:', 'http://kafka:9092', 'kafka:9092/x'])('rejects broker %p', (broker) => {
    expect(issuesOf({ KAFKA_BROKERS: broker })).toEqual([
      { variable: 'KAFKA_BROKERS', message: expect.stringMatching(/^item 1 must match .* \(e\.g\. kafka-0:9092/) },
    ]);
  });

  it('builds TLS with the certificate files read into Buffers', () => {
    const cfg = load({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/tls/ca.pem',
      KAFKA_SSL_CERT_FILE: '/tls/cert.pem',
      KAFKA_SSL_KEY_FILE: '/tls/key.pem',
    });
    expect(toKafkaClientConfig(cfg, 'x').ssl).toEqual({
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
    });
  });

  it('uses the system CAs when TLS is on without files', () => {
    expect(toKafkaClientConfig(load({ KAFKA_SSL: 'true' }), 'x').ssl).toBe(true);
  });

  it('builds SASL with a password from a file', () => {
    const cfg = load({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
    });
    expect(toKafkaClientConfig(cfg, 'x').sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'alice',
      password: 'pa ss',
    });
  });

  it.each<[string, NodeJS.ProcessEnv, { variable: string; message: string }[]]>([
    [
      'a mechanism without credentials',
      { KAFKA_SASL_MECHANISM: 'scram-sha-256' },
      [
        { variable: 'KAFKA_SASL_USERNAME', message: 'required when KAFKA_SASL_MECHANISM is set' },
        { variable: 'KAFKA_SASL_PASSWORD', message: 'required when KAFKA_SASL_MECHANISM is set' },
      ],
    ],
    [
      'SASL PLAIN without TLS (the password would cross the network in clear text)',
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'pw' },
      [
        {
          variable: 'KAFKA_SASL_MECHANISM',
          message:
            'plain without KAFKA_SSL=true would send the password in clear text: set KAFKA_SSL=true (or KAFKA_SASL_ALLOW_PLAINTEXT=true for a local test broker)',
        },
      ],
    ],
    [
      'credentials without a mechanism',
      { KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'pw' },
      [
        { variable: 'KAFKA_SASL_USERNAME', message: 'set but KAFKA_SASL_MECHANISM is not' },
        { variable: 'KAFKA_SASL_PASSWORD', message: 'set but KAFKA_SASL_MECHANISM is not' },
      ],
    ],
    [
      'an unknown mechanism',
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'pw' },
      [
        {
          variable: 'KAFKA_SASL_MECHANISM',
          message: 'must be one of: plain, scram-sha-256, scram-sha-512 (got "gssapi")',
        },
      ],
    ],
    [
      'a certificate without a key',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/tls/cert.pem' },
      [{ variable: 'KAFKA_SSL_KEY_FILE', message: 'required when KAFKA_SSL_CERT_FILE is set' }],
    ],
    [
      'a key without a certificate',
      { KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/tls/key.pem' },
      [{ variable: 'KAFKA_SSL_CERT_FILE', message: 'required when KAFKA_SSL_KEY_FILE is set' }],
    ],
    [
      'TLS files while TLS is off',
      { KAFKA_SSL_CA_FILE: '/tls/ca.pem' },
      [{ variable: 'KAFKA_SSL_CA_FILE', message: 'set but KAFKA_SSL is not true' }],
    ],
    [
      'a missing certificate file',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/tls/nope.pem' },
      [{ variable: 'KAFKA_SSL_CA_FILE', message: 'cannot read file "/tls/nope.pem" (ENOENT)' }],
    ],
    [
      'a missing key file (no extra "key required" line)',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/tls/cert.pem', KAFKA_SSL_KEY_FILE: '/tls/nope.pem' },
      [{ variable: 'KAFKA_SSL_KEY_FILE', message: 'cannot read file "/tls/nope.pem" (ENOENT)' }],
    ],
    [
      'a non-boolean KAFKA_SSL',
      { KAFKA_SSL: 'tls' },
      [{ variable: 'KAFKA_SSL', message: 'must be true or false (got "tls")' }],
    ],
  ])('refuses %s', (_case, env, issues) => {
    expect(issuesOf(env)).toEqual(issues);
  });

  it.each([
    ['over TLS', { KAFKA_SSL: 'true' }],
    ['without TLS when explicitly allowed', { KAFKA_SASL_ALLOW_PLAINTEXT: 'true' }],
  ])('accepts SASL PLAIN %s', (_case, env) => {
    const cfg = load({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'pw',
      ...env,
    });
    expect(toKafkaClientConfig(cfg, 'x').sasl).toEqual({ mechanism: 'plain', username: 'alice', password: 'pw' });
  });

  it('accepts SCRAM without TLS (it never sends the password itself)', () => {
    expect(() =>
      load({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'pw' }),
    ).not.toThrow();
  });

  it('never shows the SASL password', () => {
    const issues = issuesOf({
      KAFKA_SASL_PASSWORD: 'hunter2',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
    });
    expect(JSON.stringify(issues)).not.toContain('hunter2');
    expect(JSON.stringify(issues)).not.toContain('pa ss');
  });

  it('refuses a SASL config built without loadConfig', () => {
    const cfg = {
      KAFKA_BROKERS: ['b:1'],
      KAFKA_REQUEST_TIMEOUT_MS: 30_000,
      KAFKA_SSL: false,
      KAFKA_SASL_ALLOW_PLAINTEXT: false,
      KAFKA_SASL_MECHANISM: 'plain' as const,
    };
    expect(() => toKafkaClientConfig(cfg, 'x')).toThrow(TypeError);
  });
});

describe('observabilityConfigSpec', () => {
  it('has the documented defaults', () => {
    expect(loadConfig(observabilityConfigSpec, {})).toEqual({
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      HTTP_PORT: 8080,
      HTTP_HOST: '0.0.0.0',
      HTTP_MAX_CONNECTIONS: 64,
    });
  });

  it('accepts port 0 (ephemeral) and rejects an unknown level', () => {
    expect(loadConfig(observabilityConfigSpec, { HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
    expect(() => loadConfig(observabilityConfigSpec, { LOG_LEVEL: 'trace', HTTP_PORT: '-1' })).toThrow(
      'Invalid configuration:\n' +
        '  - LOG_LEVEL: must be one of: error, warn, info, debug (got "trace")\n' +
        '  - HTTP_PORT: must be an integer between 0 and 65535 (got "-1")',
    );
  });
});

describe('httpServerConfigSpec', () => {
  it('takes an IPv4 or IPv6 address or a host name', () => {
    for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'metrics.internal']) {
      expect(loadConfig(httpServerConfigSpec, { HTTP_HOST: host }).HTTP_HOST).toBe(host);
    }
    expect(loadConfig(httpServerConfigSpec, { HTTP_MAX_CONNECTIONS: '1' }).HTTP_MAX_CONNECTIONS).toBe(1);
  });

  it('rejects a bad address and an out-of-range cap, naming both variables', () => {
    const attempt = () => loadConfig(observabilityConfigSpec, { HTTP_HOST: '0.0.0.0:8080', HTTP_MAX_CONNECTIONS: '0' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/HTTP_HOST: .*"0\.0\.0\.0:8080"/);
    expect(attempt).toThrow(/HTTP_MAX_CONNECTIONS: must be an integer between 1 and 10000 \(got "0"\)/);
    for (const bad of ['x y', 'http://a', '-a.b', 'a..b']) {
      expect(() => loadConfig(httpServerConfigSpec, { HTTP_HOST: bad })).toThrow(/HTTP_HOST/);
    }
    expect(() => loadConfig(httpServerConfigSpec, { HTTP_MAX_CONNECTIONS: '10001' })).toThrow(/HTTP_MAX_CONNECTIONS/);
    expect(() => loadConfig(httpServerConfigSpec, { HTTP_MAX_CONNECTIONS: '1.5' })).toThrow(/HTTP_MAX_CONNECTIONS/);
  });
});

describe('kafkaSecurity', () => {
  const sasl = { username: 'u', password: 'secret-password' };
  const security = (env: NodeJS.ProcessEnv) => kafkaSecurity(toKafkaClientConfig(load(env), 'x'));

  it('names the protocol and mechanism the client uses', () => {
    expect(security({})).toEqual({ protocol: 'PLAINTEXT' });
    expect(security({ KAFKA_SSL: 'true' })).toEqual({ protocol: 'SSL' });
    expect(security({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/tls/ca.pem' })).toEqual({ protocol: 'SSL' });
    const scram = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(security(scram)).toEqual({ protocol: 'SASL_PLAINTEXT', saslMechanism: 'scram-sha-512' });
    expect(security({ ...scram, KAFKA_SSL: 'true' })).toEqual({ protocol: 'SASL_SSL', saslMechanism: 'scram-sha-512' });
  });

  it('never carries credentials', () => {
    const result = kafkaSecurity({ ssl: true, sasl: { mechanism: 'plain', ...sasl } });
    expect(result).toEqual({ protocol: 'SASL_SSL', saslMechanism: 'plain' });
    expect(JSON.stringify(result)).not.toContain('secret-password');
  });

  it('warns for SASL without TLS only', () => {
    expect(kafkaSecurityWarning({ protocol: 'SASL_PLAINTEXT', saslMechanism: 'plain' })).toMatch(
      /SASL \(plain\) without TLS.*KAFKA_SSL=true/,
    );
    for (const protocol of ['PLAINTEXT', 'SSL', 'SASL_SSL'] as const) {
      expect(kafkaSecurityWarning({ protocol })).toBeUndefined();
    }
  });
});

describe('an app spec composed from the pieces', () => {
  const processorSpec = composeConfig(
    kafkaConfigSpec,
    observabilityConfigSpec,
    defineConfig({
      MASKING_KEY: { schema: { type: 'string', minLength: 16 }, secret: true, required: true, description: 'HMAC key' },
    }),
  );

  it('reports wrong variables of every piece in one error', () => {
    expect(() =>
      loadConfig(processorSpec, { HTTP_PORT: 'abc', KAFKA_SASL_MECHANISM: 'scram-sha-256' }, { readFile }),
    ).toThrow(
      'Invalid configuration:\n' +
        '  - KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set\n' +
        '  - KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set\n' +
        '  - HTTP_PORT: must be an integer between 0 and 65535 (got "abc")\n' +
        '  - MASKING_KEY: required (set MASKING_KEY or MASKING_KEY_FILE)',
    );
  });

  it('loads a typed config usable by toKafkaClientConfig', () => {
    const cfg = loadConfig(processorSpec, { MASKING_KEY: '0123456789abcdef' }, { readFile });
    const port: number = cfg.HTTP_PORT;
    expect(port).toBe(8080);
    expect(toKafkaClientConfig(cfg, 'processor').clientId).toBe('processor');
  });
});
