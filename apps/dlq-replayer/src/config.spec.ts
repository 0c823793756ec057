import { parseCommandLine, type ReplayConfig } from './config';

const LINEAGE_KEY = 'replayer-config-test-lineage-key-0123456789';
const env = { LINEAGE_KEY };
const ok = (argv: string[], e: Record<string, string> = env) => {
  const parsed = parseCommandLine(argv, e);
  if (parsed.kind !== 'ok') throw new Error(JSON.stringify(parsed));
  return parsed.config;
};
const error = (argv: string[], e: Record<string, string> = env) => {
  const parsed = parseCommandLine(argv, e);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
};

describe('parseCommandLine', () => {
  it('has the documented defaults', () => {
    const c = ok(['replay']) as ReplayConfig;
    expect(c).toMatchObject({
      command: 'replay',
      dlqTopic: 'user-login-dlq',
      inputTopic: 'user-login',
      outputTopic: 'processed-user-login',
      parkedTopic: 'user-login-dlq-parked',
      group: 'login-dlq-replayer',
      maxReplays: 3,
      dryRun: false,
      includeNonRetryable: false,
      logLevel: 'info',
      logFormat: 'json',
      selection: {},
    });
    expect(c.httpPort).toBeUndefined();
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('reads the environment, and flags override it', () => {
    const e = {
      LINEAGE_KEY,
      DLQ_TOPIC: 'dlq-a',
      INPUT_TOPIC: 'in-a',
      REPLAYER_GROUP: 'g-a',
      HTTP_PORT: '9100',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      LOG_LEVEL: 'debug',
    };
    expect(ok(['inspect'], e)).toMatchObject({
      dlqTopic: 'dlq-a',
      inputTopic: 'in-a',
      group: 'g-a',
      httpPort: 9100,
      logLevel: 'debug',
      kafka: { brokers: ['k1:9092', 'k2:9092'] },
    });
    expect(
      ok(['inspect', '--dlq-topic', 'dlq-b', '--group', 'g-b', '--http-port', '0', '--brokers', 'k3:9093'], e),
    ).toMatchObject({
      dlqTopic: 'dlq-b',
      group: 'g-b',
      httpPort: 0,
      kafka: { brokers: ['k3:9093'] },
    });
  });

  it('parses the selection: repeated and comma lists, times, offsets, keys', () => {
    const c = ok([
      'replay',
      '--reason',
      'INVALID_JSON,SCHEMA_VIOLATION',
      '--reason',
      'EMPTY_VALUE',
      '--stage',
      'VALIDATE',
      '--since',
      '2026-01-01T00:00:00Z',
      '--until',
      '1767229200000',
      '--partition',
      '0,2',
      '--from-offset',
      '10',
      '--to-offset',
      '20',
      '--key',
      'user-1',
      '--include-non-retryable',
      '--max',
      '5',
      '--rate',
      '2.5',
      '--max-replays',
      '0',
    ]) as ReplayConfig;
    expect(c.selection).toEqual({
      reasons: ['INVALID_JSON', 'SCHEMA_VIOLATION', 'EMPTY_VALUE'],
      stages: ['VALIDATE'],
      sinceMs: Date.UTC(2026, 0, 1),
      untilMs: 1767229200000,
      partitions: [0, 2],
      fromOffset: 10n,
      toOffset: 20n,
      keys: ['user-1'],
    });
    expect(c).toMatchObject({ includeNonRetryable: true, max: 5, rate: 2.5, maxReplays: 0 });
  });

  it.each([
    [['replay', '--reason', 'NOPE'], '--reason: "NOPE" is not a reason code'],
    [['replay', '--stage', 'PARSE'], '--stage: "PARSE" is not a stage'],
    [['replay', '--since', '2026-01-01T00:00:00'], '--since: must be an ISO-8601 time with a zone'],
    [['replay', '--since', '2026-01-02', '--until', '2026-01-01'], '--since: must be before --until'],
    [['replay', '--from-offset', '9', '--to-offset', '3'], '--from-offset: must not be after --to-offset'],
    [['replay', '--from-offset', '-1'], "replay: --from-offset: Option '--from-offset' argument is ambiguous"],
    [['replay', '--from-offset=-1'], '--from-offset: must be a non-negative integer offset (got "-1")'],
    [['replay', '--max', '0'], '--max: must be an integer at least 1 (got "0")'],
    [['replay', '--rate', 'fast'], '--rate: must be a number greater than 0 (got "fast")'],
    [['replay', '--include-non-retryable'], '--include-non-retryable: needs --reason'],
    [['replay', '--input-topic', 'user-login-dlq'], 'must not be the DLQ topic'],
    [['replay', '--input-topic', 'processed-user-login'], 'must not be the output topic'],
    [['replay', '--parked-topic', 'user-login'], 'must differ from the DLQ, input and output topics'],
    [['replay', '--log-format', 'xml'], '--log-format / LOG_FORMAT: must be one of: json, pretty (got "xml")'],
    [['replay', '--brokers', 'nohost'], '--brokers'],
    [['inspect', '--dry-run'], 'unknown option --dry-run (see --help)'],
    [['inspect', 'extra'], 'unexpected argument extra'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [[], 'a command is required'],
  ])('%j is refused: %s', (argv, message) => {
    expect(error(argv)).toContain(message);
  });

  it('names every problem in one message', () => {
    const message = error(['replay', '--max', '0', '--rate', '0', '--reason', 'X']);
    expect(message).toContain('--max');
    expect(message).toContain('--rate');
    expect(message).toContain('--reason');
  });

  it('answers --help per command', () => {
    for (const [argv, title] of [
      [['--help'], 'Usage: dlq-replayer <command>'],
      [['inspect', '--help'], 'Usage: dlq-replayer inspect'],
      [['replay', '-h'], 'Usage: dlq-replayer replay'],
    ] as const) {
      const parsed = parseCommandLine([...argv], env);
      expect(parsed.kind).toBe('help');
      if (parsed.kind === 'help') expect(parsed.text).toContain(title);
    }
  });

  it('answers --version, for the program and for each command', () => {
    for (const argv of [['--version'], ['inspect', '--version'], ['replay', '--version', '--max', '0']]) {
      const parsed = parseCommandLine(argv, env);
      expect(parsed).toEqual({ kind: 'version', text: expect.stringMatching(/^dlq-replayer \d+\.\d+\.\d+\n$/) });
    }
  });

  it('takes an empty variable for unset, as every app does', () => {
    expect(ok(['inspect'], { DLQ_TOPIC: '', LOG_LEVEL: '', HTTP_PORT: '' })).toMatchObject({
      dlqTopic: 'user-login-dlq',
      logLevel: 'info',
    });
  });

  it('binds the HTTP server to 0.0.0.0 with a 64-connection cap unless told otherwise', () => {
    expect(ok(['inspect'])).toMatchObject({ httpHost: '0.0.0.0', httpMaxConnections: 64 });
    const e = { LINEAGE_KEY, HTTP_HOST: '::', HTTP_MAX_CONNECTIONS: '8' };
    expect(ok(['replay', '--http-host', '127.0.0.1'], e)).toMatchObject({
      httpHost: '127.0.0.1',
      httpMaxConnections: 8,
    });
  });

  it('names a bad HTTP host and connection cap', () => {
    const message = error(['inspect'], { LINEAGE_KEY, HTTP_HOST: '1.2.3.4:80', HTTP_MAX_CONNECTIONS: '10001' });
    expect(message).toContain('--http-host / HTTP_HOST: must be an IP address');
    expect(message).toContain('HTTP_MAX_CONNECTIONS: must be an integer between 1 and 10000');
  });

  it('refuses a topic name Kafka would refuse', () => {
    expect(error(['inspect', '--dlq-topic', 'no spaces'])).toContain('--dlq-topic / DLQ_TOPIC: must match');
  });

  it('reports a wrong KAFKA_* variable with its name', () => {
    expect(error(['inspect'], { KAFKA_SASL_MECHANISM: 'kerberos' })).toContain('KAFKA_SASL_MECHANISM');
  });

  it('signs with LINEAGE_KEY (or LINEAGE_KEY_FILE) and LINEAGE_KEY_ID, default k1', () => {
    expect((ok(['replay']) as ReplayConfig).lineageKey).toEqual({ id: 'k1', secret: Buffer.from(LINEAGE_KEY) });
    expect((ok(['replay'], { LINEAGE_KEY, LINEAGE_KEY_ID: 'k2' }) as ReplayConfig).lineageKey.id).toBe('k2');
    const fromFile = parseCommandLine(
      ['replay'],
      { LINEAGE_KEY_FILE: '/run/secrets/lineage' },
      () => `${LINEAGE_KEY}\n`,
    );
    expect(fromFile.kind === 'ok' && (fromFile.config as ReplayConfig).lineageKey.secret).toEqual(
      Buffer.from(LINEAGE_KEY),
    );
  });

  it('refuses to replay without a lineage key of at least 32 characters, never printing it', () => {
    expect(error(['replay'], {})).toContain('LINEAGE_KEY');
    const short = 'x'.repeat(31);
    const message = error(['replay'], { LINEAGE_KEY: short });
    expect(message).toContain('LINEAGE_KEY');
    expect(message).not.toContain(short);
    expect(error(['replay'], { LINEAGE_KEY, LINEAGE_KEY_ID: 'a b' })).toContain('LINEAGE_KEY_ID');
  });

  it('inspects without a lineage key (it signs nothing)', () => {
    expect(ok(['inspect'], {})).toMatchObject({ command: 'inspect' });
  });
});
