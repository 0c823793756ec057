import { logLevel } from 'kafkajs';
import { createKafkaClient, toKafkaConfig } from './client';
import { KafkaAdapterError } from './errors';
import { kafkajsLogCreator, sanitizeLogFields } from './kafkajs-logger';
import type { KafkaClientConfig, LoggerLike } from './options';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; meta?: object }> = [];
  const at = (level: string) => (message: string, meta?: object) => lines.push({ level, message, meta });
  const logger: LoggerLike = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { logger, lines };
}

const base: KafkaClientConfig = { brokers: ['127.0.0.1:9092'], clientId: 'test' };

describe('toKafkaConfig', () => {
  const { logger } = recordingLogger();

  it('maps brokers and client id, with no TLS or SASL by default', () => {
    const config = toKafkaConfig({ brokers: [' a:9092', 'b:9093 '], clientId: 'app' }, logger);
    expect(config).toMatchObject({ clientId: 'app', brokers: ['a:9092', 'b:9093'] });
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
  });

  it('turns on TLS with the system CAs for ssl: true', () => {
    expect(toKafkaConfig({ ...base, ssl: true }, logger).ssl).toBe(true);
  });

  it('passes CA, certificate and key buffers through', () => {
    const ca = Buffer.from('ca');
    const cert = Buffer.from('cert');
    const key = Buffer.from('key');
    expect(toKafkaConfig({ ...base, ssl: { ca, cert, key } }, logger).ssl).toEqual({
      ca: [ca],
      cert,
      key,
      rejectUnauthorized: true,
    });
    expect(toKafkaConfig({ ...base, ssl: { ca, rejectUnauthorized: false } }, logger).ssl).toEqual({
      ca: [ca],
      rejectUnauthorized: false,
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('maps SASL %s', (mechanism) => {
    expect(toKafkaConfig({ ...base, sasl: { mechanism, username: 'u', password: 'p' } }, logger).sasl).toEqual({
      mechanism,
      username: 'u',
      password: 'p',
    });
  });

  it.each<[string, KafkaClientConfig, string]>([
    ['no brokers', { ...base, brokers: [] }, '/options/brokers'],
    ['a broker without port', { ...base, brokers: ['kafka'] }, '/options/brokers/0'],
    ['an empty client id', { ...base, clientId: '' }, '/options/clientId'],
    ['a cert without key', { ...base, ssl: { cert: Buffer.from('c') } }, '/options/ssl'],
    [
      'an unknown SASL mechanism',
      { ...base, sasl: { mechanism: 'gssapi' as never, username: 'u', password: 'p' } },
      '/options/sasl/mechanism',
    ],
    [
      'an empty SASL user',
      { ...base, sasl: { mechanism: 'plain', username: '', password: 'p' } },
      '/options/sasl/username',
    ],
  ])('rejects %s, naming the path', (_name, config, path) => {
    expect(() => createKafkaClient(config, logger)).toThrow(KafkaAdapterError);
    expect(() => createKafkaClient(config, logger)).toThrow(path);
  });
});

/** A kafkajs log line as kafkajs hands it to the log creator. */
function kafkajsLine(namespace: string, label: 'WARN' | 'ERROR', content: { message: string; error?: string }) {
  return { namespace, level: logLevel[label], label, log: { timestamp: 'now', logger: 'kafkajs', ...content } };
}

describe('kafkajs logs', () => {
  it('reach the injected logger at the mapped level (kafkajs errors as warnings: libs/kafka logs its own errors), with the namespace as component', () => {
    const { logger, lines } = recordingLogger();
    const log = kafkajsLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel, message: string, extra: object = {}) =>
      log({ namespace: 'Consumer', level, label: '', log: { timestamp: 'now', logger: 'kafkajs', message, ...extra } });
    entry(logLevel.ERROR, 'crash', { groupId: 'g', error: new Error('boom'), stack: 'at x' });
    entry(logLevel.WARN, 'slow');
    entry(logLevel.INFO, 'joined');
    entry(logLevel.DEBUG, 'fetch');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn', 'info', 'debug']);
    expect(lines[0]).toEqual({
      level: 'warn',
      message: 'crash',
      meta: { component: 'kafkajs.Consumer', groupId: 'g', error: 'Error: boom' },
    });
  });

  it('never carry record bytes, payloads or nested objects', () => {
    expect(
      sanitizeLogFields({
        topic: 't',
        partition: 1,
        value: Buffer.from('secret'),
        key: 'user',
        messages: [{ value: 'secret' }],
        payload: { ip: '1.2.3.4' },
        nested: { a: 1 },
        buf: Buffer.from('x'),
        list: ['a', 'b'],
      }),
    ).toEqual({ topic: 't', partition: 1, list: 'a,b' });
  });

  it('log the deliberate finite-retries warning of the idempotent producer at debug', () => {
    const { logger, lines } = recordingLogger();
    kafkajsLogCreator(logger)(logLevel.INFO)(
      kafkajsLine('Producer', 'WARN', {
        message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      }),
    );
    expect(lines.map((l) => l.level)).toEqual(['debug']);
  });

  it('log the CONCURRENT_TRANSACTIONS answers kafkajs retries (a transaction right after a commit) at debug', () => {
    const { logger, lines } = recordingLogger();
    const log = kafkajsLogCreator(logger)(logLevel.INFO);
    const busy =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    log(
      kafkajsLine('Connection', 'ERROR', { message: 'Response AddPartitionsToTxn(key: 24, version: 1)', error: busy }),
    );
    log(kafkajsLine('Producer', 'ERROR', { message: `Failed to send messages: ${busy}` }));
    log(kafkajsLine('Producer', 'ERROR', { message: 'Failed to send messages: Not authorized' }));
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug', 'warn']);
  });

  it('log protocol error responses at debug: kafkajs retries them or throws them to libs/kafka, which reports them', () => {
    const { logger, lines } = recordingLogger();
    const log = kafkajsLogCreator(logger)(logLevel.INFO);
    log(
      kafkajsLine('Connection', 'ERROR', {
        message: 'Response FindCoordinator(key: 10, version: 2)',
        error: 'The coordinator is loading',
      }),
    );
    expect(lines.map((l) => l.level)).toEqual(['debug']);
  });

  it('write one warning per kafkajs line and window during an outage, then how often it repeated', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const log = kafkajsLogCreator(logger, () => now)(logLevel.INFO);
    const refused = () =>
      log(kafkajsLine('Connection', 'ERROR', { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' }));
    for (let i = 0; i < 270; i++) {
      refused();
      now += 300; // 270 errors in 81 s
    }
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(lines[1]?.meta).toMatchObject({ repeated: 199 });
  });
});

describe('batchConsumer options', () => {
  const { logger } = recordingLogger();
  const client = createKafkaClient(base, logger);
  const valid = { groupId: 'g', topics: ['in'], logger, transform: () => ({ records: [], outcomes: [] }) };

  it.each<[string, object, string]>([
    ['an empty group id', { groupId: '' }, '/options/groupId'],
    ['no topics', { topics: [] }, '/options/topics'],
    ['a chunk size of 0', { maxRecordsPerChunk: 0 }, '/options/maxRecordsPerChunk'],
    ['a heartbeat not below the session timeout', { heartbeatInterval: 30_000 }, '/options/heartbeatInterval'],
    ['a backoff factor below 1', { retry: { factor: 0.5 } }, '/options/retry/factor'],
    ['a jitter above 1', { retry: { jitter: 2 } }, '/options/retry/jitter'],
    ['a cap below the first delay', { retry: { initialMs: 500, maxMs: 100 } }, '/options/retry/maxMs'],
  ])('rejects %s, naming the path', (_name, patch, path) => {
    expect(() => client.batchConsumer({ ...valid, ...patch })).toThrow(path);
  });

  it('builds a consumer that is not ready before start', () => {
    const consumer = client.batchConsumer(valid);
    expect(consumer.isReady().ready).toBe(false);
    expect(consumer.isReady().reasons).toContain('not started');
  });
});
