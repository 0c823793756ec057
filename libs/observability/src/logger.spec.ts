import { PassThrough } from 'node:stream';
import { coloursFor, createLogger, escapeControls } from './logger';
import type { LoggerOptions } from './logger';

const NOW = Date.parse('2024-05-01T12:34:56.789Z');

function capture(options: Partial<LoggerOptions> = {}) {
  const destination = options.destination ?? new PassThrough();
  const chunks: string[] = [];
  destination.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({
    app: 'processor',
    level: 'debug',
    format: 'json',
    destination,
    now: () => NOW,
    ...options,
  });
  const lines = async (): Promise<string[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  };
  const entries = async (): Promise<Record<string, unknown>[]> =>
    (await lines()).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('createLogger (json)', () => {
  it('writes one JSON object per line with the core fields first', async () => {
    const { logger, lines } = capture();
    logger.info('consumer joined', { topic: 'user-login', partitions: [0, 1] });
    logger.child({ component: 'consumer' }).warn('slow batch', { ms: 1200 });
    expect(await lines()).toEqual([
      '{"timestamp":"2024-05-01T12:34:56.789Z","level":"info","message":"consumer joined","app":"processor",' +
        '"component":"main","topic":"user-login","partitions":[0,1]}',
      '{"timestamp":"2024-05-01T12:34:56.789Z","level":"warn","message":"slow batch","app":"processor",' +
        '"component":"consumer","ms":1200}',
    ]);
  });

  it('filters by level', async () => {
    const { logger, entries } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect((await entries()).map((entry) => entry['level'])).toEqual(['warn', 'error']);
    expect(logger.isLevelEnabled('info')).toBe(false);
    expect(logger.isLevelEnabled('error')).toBe(true);
  });

  it('redacts raw device_id and ip with redactPii by default, at any depth', async () => {
    const { logger, lines, entries } = capture();
    const event = { user_id: 'u-1', device_id: '593-47-5928', ip: '199.172.111.135' };
    logger.info('bad event', { event, nested: [{ deviceId: '593-47-5928' }] });
    logger.child({ component: 'x', ip: '10.1.2.3' }).info('bound');
    const text = (await lines()).join('\n');
    expect(text).not.toContain('593-47-5928');
    expect(text).not.toContain('199.172.111.135');
    expect(text).not.toContain('10.1.2.3');
    const [first] = await entries();
    expect(first?.['event']).toEqual({ user_id: 'u-1', device_id: '[REDACTED]', ip: '[REDACTED]' });
  });

  it('redacts other spellings of ip, array items, addresses in texts and in the message', async () => {
    const { logger, lines, entries } = capture();
    logger.warn('connection from 203.0.113.9:5555 and [2001:db8::7]:443 dropped', {
      clientIp: '198.51.100.1',
      ip_address: '198.51.100.2',
      remoteAddr: '::ffff:198.51.100.3',
      peers: ['198.51.100.4', { note: 'via 198.51.100.5' }],
      error: new Error('connect ECONNREFUSED 198.51.100.6:9092'),
      app_version: '1.2.3',
    });
    const text = (await lines()).join('\n');
    for (const address of ['203.0.113.9', '2001:db8::7', '198.51.100.']) expect(text).not.toContain(address);
    const [entry] = await entries();
    expect(entry).toMatchObject({
      message: 'connection from [REDACTED_IP] and [REDACTED_IP] dropped',
      clientIp: '[REDACTED]',
      ip_address: '[REDACTED]',
      remoteAddr: '[REDACTED]',
      peers: ['[REDACTED_IP]', { note: 'via [REDACTED_IP]' }],
      app_version: '1.2.3',
    });
  });

  it('takes an injected message redaction', async () => {
    const { logger, entries } = capture({ redactMessage: (message) => message.replace('hunter2', '***') });
    logger.info('password hunter2 from 1.2.3.4');
    expect((await entries())[0]).toMatchObject({ message: 'password *** from 1.2.3.4' });
  });

  it('redacts inside errors and class instances too', async () => {
    const { logger, lines } = capture();
    class Rec {
      constructor(readonly ip: string) {}
    }
    logger.info('x', { record: new Rec('199.172.111.135') });
    expect((await lines()).join('')).not.toContain('199.172.111.135');
  });

  it('uses an injected redaction', async () => {
    const { logger, entries } = capture({ redact: (meta) => ({ ...meta, secret: '***' }) });
    logger.info('x', { secret: 'hunter2' });
    expect((await entries())[0]).toMatchObject({ secret: '***' });
  });

  it('drops the metadata when the redaction throws (fails closed)', async () => {
    const { logger, entries } = capture({
      redact: () => {
        throw new Error('boom');
      },
    });
    logger.info('x', { device_id: 'raw' });
    const [entry] = await entries();
    expect(entry).toMatchObject({ message: 'x', redaction_failed: true });
    expect(JSON.stringify(entry)).not.toContain('raw');
  });

  it('logs errors as name, message and stack only', async () => {
    const { logger, entries } = capture();
    const error = Object.assign(new SyntaxError('Unexpected token'), {
      input: '{"device_id":"593-47-5928"',
      code: 'E1',
    });
    logger.error('parse failed', { error });
    logger.error('direct', error);
    const [first, second] = await entries();
    expect(first?.['error']).toEqual({
      name: 'SyntaxError',
      message: 'Unexpected token',
      stack: error.stack,
      code: 'E1',
    });
    expect(second?.['error']).toEqual(first?.['error']);
    expect(JSON.stringify([first, second])).not.toContain('593-47-5928');
  });

  it('never logs the bytes of a buffer', async () => {
    const { logger, entries } = capture();
    logger.info('record', { value: Buffer.from('{"ip":"199.172.111.135"}') });
    expect((await entries())[0]?.['value']).toBe('[Buffer 24 bytes]');
  });

  it('keeps metadata that reuses a core field name under a prefixed key', async () => {
    const { logger, entries } = capture();
    logger.info('real', { message: 'meta', level: 'x', timestamp: 1 });
    expect((await entries())[0]).toMatchObject({
      level: 'info',
      message: 'real',
      meta_message: 'meta',
      meta_level: 'x',
      meta_timestamp: 1,
    });
  });

  it('survives circular, bigint and throwing metadata without throwing', async () => {
    const { logger, entries } = capture();
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(() => logger.info('circular', { circular, big: 10n })).not.toThrow();
    expect(() => logger.info('hostile', hostile)).not.toThrow();
    expect(() => logger.info('symbolic', { s: Symbol('x'), f: () => 1 })).not.toThrow();
    const written = await entries();
    expect(written[0]).toMatchObject({ circular: { a: 1, self: '[Circular]' }, big: '10' });
    expect(written[1]).toMatchObject({ message: 'hostile', boom: '[Unreadable]' });
    expect(written[2]).toMatchObject({ s: 'Symbol(x)', f: '[Function f]' });
  });

  it('does not throw when the destination is broken', async () => {
    const destination = new PassThrough();
    destination.destroy();
    const logger = createLogger({ app: 'a', level: 'info', format: 'json', destination });
    expect(() => logger.info('into the void')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('createLogger (pretty)', () => {
  it('writes one coloured line per entry', async () => {
    const { logger, lines } = capture({ format: 'pretty', colours: true });
    logger.child({ component: 'consumer' }).info('batch done', { count: 3, topic: 'user-login', note: 'two words' });
    const [line] = await lines();
    // eslint-disable-next-line no-control-regex
    const plain = line?.replace(/\u001b\[\d+m/g, '');
    expect(plain).toBe('12:34:56.789 INFO  [processor/consumer] batch done count=3 topic=user-login note="two words"');
    expect(line).toContain('\u001b[32m');
  });

  it('writes no escape codes without colours', async () => {
    const { logger, lines } = capture({ format: 'pretty', colours: false });
    logger.child({ component: 'consumer' }).error('failed', { count: 3, error: new Error('nope') });
    const text = (await lines()).join('\n');
    expect(text).not.toContain('\u001b');
    expect(text).toMatch(
      /^12:34:56\.789 ERROR \[processor\/consumer\] failed count=3 error="Error: nope"\n {4}Error: nope\n\s+at /,
    );
  });

  it('asks the environment and the destination by default: NO_COLOR turns colours off', async () => {
    const saved = process.env['NO_COLOR'];
    process.env['NO_COLOR'] = '1';
    try {
      const { logger, lines } = capture({
        format: 'pretty',
        destination: Object.assign(new PassThrough(), { isTTY: true }),
      });
      logger.info('plain');
      const text = (await lines()).join('\n');
      expect(text).toContain('INFO  [processor/main] plain');
      expect(text).not.toContain('\u001b');
    } finally {
      if (saved === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = saved;
    }
  });

  it('prints an error with its stack on the following lines', async () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.error('failed', { error: new Error('nope') });
    // eslint-disable-next-line no-control-regex
    const text = (await lines()).join('\n').replace(/\u001b\[\d+m/g, '');
    expect(text).toContain('error="Error: nope"');
    expect(text).toMatch(/\n.* {4}at /);
  });
});

describe('createLogger (pretty) with hostile text', () => {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

  it('escapes control characters in the message, keys, values, component and stacks', async () => {
    const { logger, lines } = capture({ format: 'pretty', colours: false });
    const hostile = 'a\u001b[2J\u0007\rb\u007f\u009bc';
    const error = new Error(`bad ${hostile}`);
    logger.child({ component: `c${hostile}` }).error(`m${hostile}\nforged line`, {
      [`k${hostile}`]: `v${hostile}`,
      quoted: `two words ${hostile}`,
      bare: 'a\u001b[2J\u0007\u007f\u009bc',
      nested: { deep: hostile },
      error,
    });
    const text = (await lines()).join('\n');
    const [first, ...stack] = text.split('\n');
    expect(first).not.toMatch(RAW_CONTROL);
    expect(first).toContain('[processor/ca\\x1b[2J\\x07\\x0db\\x7f\\x9bc]');
    expect(first).toContain('ma\\x1b[2J\\x07\\x0db\\x7f\\x9bc\\x0aforged line');
    // A value with whitespace is JSON-quoted: JSON escapes C0 as \\u00XX, the rest is escaped here.
    expect(first).toContain('ka\\x1b[2J\\x07\\x0db\\x7f\\x9bc="va\\u001b[2J\\u0007\\rb\\x7f\\x9bc"');
    expect(first).toContain('bare=a\\x1b[2J\\x07\\x7f\\x9bc');
    expect(stack.length).toBeGreaterThan(1);
    for (const frame of stack) expect(frame).not.toMatch(RAW_CONTROL);
    expect(stack[0]).toBe('    Error: bad a\\x1b[2J\\x07\\x0db\\x7f\\x9bc');
  });

  it('keeps the palette: colours still come through, escaped text does not', async () => {
    const { logger, lines } = capture({ format: 'pretty', colours: true });
    logger.info('x\u001b[31mred');
    const [line] = await lines();
    expect(line).toContain('\u001b[32m');
    expect(line).toContain('x\\x1b[31mred');
    expect(line).not.toContain('\u001b[31m');
  });
});

describe('escapeControls', () => {
  it.each([
    ['plain text', 'plain text'],
    ['ESC', '\u001b[2J', '\\x1b[2J'],
    ['NUL, tab and newline', '\u0000\t\n', '\\x00\\x09\\x0a'],
    ['DEL and C1 CSI', '\u007f\u009b', '\\x7f\\x9b'],
    ['printable non-ASCII', 'é ü 日本', 'é ü 日本'],
  ])('%s', (_case, input, expected = input) => {
    expect(escapeControls(input)).toBe(expected);
  });
});

describe('coloursFor', () => {
  const terminal = { isTTY: true };
  const pipe = new PassThrough();
  it.each([
    ['colours on a terminal', terminal, {}, true],
    ['none in a pipe or a file', pipe, {}, false],
    ['none on a terminal with NO_COLOR', terminal, { NO_COLOR: '1' }, false],
    ['colours on a terminal with an empty NO_COLOR (unset, per no-color.org)', terminal, { NO_COLOR: '' }, true],
    ['colours in a pipe with FORCE_COLOR', pipe, { FORCE_COLOR: '1' }, true],
    ['none on a terminal with FORCE_COLOR=0', terminal, { FORCE_COLOR: '0' }, false],
    ['none with NO_COLOR, even with FORCE_COLOR', pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('%s', (_case, stream, env, expected) => {
    expect(coloursFor(stream, env)).toBe(expected);
  });
});
