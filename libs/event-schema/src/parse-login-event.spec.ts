import fc from 'fast-check';
import { DLQ_MESSAGE_MAX_BYTES } from './dead-letter/headers';
import { INPUT_SCHEMA_ID } from './input-schema';
import { DEFAULT_PARSE_LIMITS, DEVICE_ID_SEARCH_MIN_LENGTH, parseLoginEvent } from './parse-login-event';
import { REASON_CODES } from './reasons';
import { CONTRACT_EXAMPLE_EVENT, CONTRACT_EXAMPLE_INPUT, IP_ADDRESS_TABLE } from './testing';
import type { ParseFailure, ParseOptions, ParseResult, ReasonCode } from './types';

const NOW_MS = Date.UTC(2023, 8, 12, 0, 50, 0);
const OPTIONS: ParseOptions = { ...DEFAULT_PARSE_LIMITS, nowMs: NOW_MS };

const VALID = CONTRACT_EXAMPLE_INPUT;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const encode = (value: unknown): Uint8Array => bytes(JSON.stringify(value));
const withFields = (fields: Record<string, unknown>): Uint8Array => encode({ ...VALID, ...fields });
const without = (field: keyof typeof VALID): Uint8Array => {
  const copy: Record<string, unknown> = { ...VALID };
  delete copy[field];
  return encode(copy);
};

function expectFailure(result: ParseResult): ParseFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.event)}`);
  return result.failure;
}

function expectEvent(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${JSON.stringify(result.failure)}`);
  return result.event;
}

describe('parseLoginEvent', () => {
  it('normalises the contract example', () => {
    expect(expectEvent(parseLoginEvent(encode(VALID), OPTIONS))).toEqual(CONTRACT_EXAMPLE_EVENT);
  });

  it('carries the parsed address, which no key listing, copy or JSON of the event shows', () => {
    const event = expectEvent(parseLoginEvent(withFields({ ip: '::FFFF:c0a8:0101' }), OPTIONS));
    expect(event.address).toEqual({ version: 4, bytes: Uint8Array.of(192, 168, 1, 1) });
    expect(Object.keys(event)).not.toContain('address');
    expect({ ...event }).not.toHaveProperty('address');
    expect(JSON.stringify(event)).not.toContain('bytes');
  });

  it('accepts a Buffer as well as a Uint8Array', () => {
    expect(parseLoginEvent(Buffer.from(JSON.stringify(VALID)), OPTIONS).ok).toBe(true);
  });

  it('leaves device_type out when absent (enrichment defaults it)', () => {
    const event = expectEvent(parseLoginEvent(without('device_type'), OPTIONS));
    expect('device_type' in event).toBe(false);
  });

  describe('one case per reason code', () => {
    const big = withFields({ device_id: 'x'.repeat(200) });
    interface Case {
      reason: ReasonCode;
      name: string;
      value: Uint8Array | null | undefined;
      options?: Partial<ParseOptions>;
      retryable?: boolean;
    }
    const exceptionClassOf: Partial<Record<ReasonCode, string>> = {
      EMPTY_VALUE: 'EmptyValue',
      VALUE_TOO_LARGE: 'ValueTooLarge',
      INVALID_ENCODING: 'TypeError',
      INVALID_JSON: 'SyntaxError',
      NOT_AN_OBJECT: 'TypeError',
      SCHEMA_VIOLATION: 'SchemaViolation',
      TIMESTAMP_OUT_OF_RANGE: 'RangeError',
    };
    const cases: Case[] = [
      { reason: 'EMPTY_VALUE', name: 'tombstone (null)', value: null },
      { reason: 'EMPTY_VALUE', name: 'undefined', value: undefined },
      { reason: 'EMPTY_VALUE', name: 'zero bytes', value: new Uint8Array(0) },
      {
        reason: 'VALUE_TOO_LARGE',
        name: 'one byte over the limit',
        value: big,
        options: { maxValueBytes: big.byteLength - 1 },
      },
      {
        reason: 'VALUE_TOO_LARGE',
        name: 'over the limit and not UTF-8 (size is checked first)',
        value: Uint8Array.of(0xff, 0xff, 0xff),
        options: { maxValueBytes: 2 },
      },
      { reason: 'INVALID_ENCODING', name: 'lone continuation byte', value: Uint8Array.of(0x7b, 0x80, 0x7d) },
      { reason: 'INVALID_ENCODING', name: 'overlong encoding', value: Uint8Array.of(0xc0, 0xaf) },
      { reason: 'INVALID_ENCODING', name: 'encoded surrogate', value: Uint8Array.of(0xed, 0xa0, 0x80) },
      { reason: 'INVALID_ENCODING', name: 'truncated sequence', value: Uint8Array.of(0x22, 0xe2, 0x82) },
      { reason: 'INVALID_JSON', name: 'truncated object', value: bytes('{"user_id": "abc') },
      { reason: 'INVALID_JSON', name: 'plain text', value: bytes('hello') },
      { reason: 'INVALID_JSON', name: 'single quotes', value: bytes("{'a': 1}") },
      { reason: 'INVALID_JSON', name: 'BOM only', value: Uint8Array.of(0xef, 0xbb, 0xbf) },
      { reason: 'NOT_AN_OBJECT', name: 'array', value: bytes('[1,2]') },
      { reason: 'NOT_AN_OBJECT', name: 'null', value: bytes('null') },
      { reason: 'NOT_AN_OBJECT', name: 'number', value: bytes('42') },
      { reason: 'NOT_AN_OBJECT', name: 'string', value: bytes('"text"') },
      { reason: 'NOT_AN_OBJECT', name: 'boolean', value: bytes('true') },
      { reason: 'SCHEMA_VIOLATION', name: 'empty object', value: bytes('{}') },
      { reason: 'SCHEMA_VIOLATION', name: 'ip with port', value: withFields({ ip: '1.2.3.4:80' }) },
      { reason: 'TIMESTAMP_OUT_OF_RANGE', name: 'before 2000', value: withFields({ timestamp: 946_684_799 }) },
      {
        reason: 'TIMESTAMP_OUT_OF_RANGE',
        name: 'in the future',
        value: withFields({ timestamp: NOW_MS + 300_001 }),
        retryable: true,
      },
    ];

    it.each(cases)('$reason: $name', ({ reason, value, options, retryable = false }) => {
      const failure = expectFailure(parseLoginEvent(value, { ...OPTIONS, ...options }));
      const stage = reason === 'SCHEMA_VIOLATION' || reason === 'TIMESTAMP_OUT_OF_RANGE' ? 'VALIDATE' : 'DESERIALIZE';
      const exceptionClass = exceptionClassOf[reason];
      expect(failure).toMatchObject({ reason, stage, exceptionClass, retryable, schemaId: INPUT_SCHEMA_ID });
      expect(failure.message.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(failure.message)).toBeLessThanOrEqual(DLQ_MESSAGE_MAX_BYTES);
    });

    it('covers every reason code parseLoginEvent can produce', () => {
      const produced = new Set(cases.map(({ reason }) => reason));
      // The others are decided outside the value: by the processor (record limits, masking, enrichment, its guard).
      const notParse = new Set<ReasonCode>([
        'MASKING_FAILED',
        'ENRICH_FAILED',
        'KEY_TOO_LARGE',
        'HEADERS_TOO_LARGE',
        'INTERNAL_ERROR',
        'BATCH_TOO_LARGE',
      ]);
      const parseReasons = REASON_CODES.filter((r) => !notParse.has(r));
      expect([...produced].sort()).toEqual([...parseReasons].sort());
    });
  });

  it('accepts a value of exactly maxValueBytes', () => {
    const value = encode(VALID);
    expect(parseLoginEvent(value, { ...OPTIONS, maxValueBytes: value.byteLength }).ok).toBe(true);
  });

  it('strips a UTF-8 byte order mark', () => {
    const value = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(VALID)]);
    expect(expectEvent(parseLoginEvent(value, OPTIONS)).device_id).toBe('593-47-5928');
  });

  it('keeps decoding after an invalid value (the shared decoder resets)', () => {
    expect(expectFailure(parseLoginEvent(Uint8Array.of(0x7b, 0xe2, 0x82), OPTIONS)).reason).toBe('INVALID_ENCODING');
    expect(parseLoginEvent(encode(VALID), OPTIONS).ok).toBe(true);
  });

  describe(`device ids shorter than ${DEVICE_ID_SEARCH_MIN_LENGTH} letters and digits are only compared whole`, () => {
    it.each([
      ['device_type', { device_type: 'android', device_id: 'droid' }],
      ['device_type', { device_type: 'x1234567', device_id: '1234567' }],
      ['device_type', { device_type: 'x1234567', device_id: '12-34-567' }],
      ['app_version', { app_version: '2.3.0', device_id: '2.3' }],
      ['locale', { locale: 'en-US', device_id: 'en' }],
      ['user_id', { device_id: '424cdd2' }],
    ])('%s holding a short device id is accepted: %j', (_field, fields) => {
      expect(parseLoginEvent(withFields(fields), OPTIONS).ok).toBe(true);
    });

    it('from the threshold on, the device id is searched for', () => {
      expect(DEVICE_ID_SEARCH_MIN_LENGTH).toBe(8);
      const result = parseLoginEvent(withFields({ device_type: 'x12345678', device_id: '12345678' }), OPTIONS);
      expect(expectFailure(result).validation).toEqual([
        { instancePath: '/device_type', keyword: 'notDeviceId', params: {} },
      ]);
    });

    it('a short device id equal to a field is still refused', () => {
      const result = parseLoginEvent(withFields({ locale: 'en-US', device_id: 'EN-us' }), OPTIONS);
      expect(expectFailure(result).reason).toBe('SCHEMA_VIOLATION');
    });
  });

  it('a device id in a field is a SCHEMA_VIOLATION whose message does not quote it', () => {
    const failure = expectFailure(parseLoginEvent(withFields({ device_id: VALID.user_id }), OPTIONS));
    expect(failure.reason).toBe('SCHEMA_VIOLATION');
    expect(failure.stage).toBe('VALIDATE');
    expect(failure.message).toBe('event does not match the input schema: /user_id must not hold device_id');
    expect(JSON.stringify(failure)).not.toContain(VALID.user_id);
  });

  it('decodes multi-byte UTF-8 in device_id (it is pseudonymised, never shown)', () => {
    const event = expectEvent(parseLoginEvent(withFields({ device_id: 'устройство-😀' }), OPTIONS));
    expect(event.device_id).toBe('устройство-😀');
  });

  describe('never echoes input in messages', () => {
    const secret = 'SECRET-593-47-5928';
    it.each([
      ['INVALID_JSON', bytes(`{"device_id": "${secret}", oops}`)],
      ['INVALID_JSON', bytes(`${secret}`)],
      [
        'SCHEMA_VIOLATION',
        withFields({ ip: secret, user_id: secret, app_version: secret, locale: secret, timestamp: secret }),
      ],
      ['SCHEMA_VIOLATION', withFields({ device_id: `${secret}${'x'.repeat(300)}` })],
      ['TIMESTAMP_OUT_OF_RANGE', withFields({ timestamp: '1', device_id: secret })],
    ])('%s', (reason, value) => {
      const failure = expectFailure(parseLoginEvent(value, OPTIONS));
      expect(failure.reason).toBe(reason);
      expect(JSON.stringify(failure)).not.toContain('SECRET');
    });
  });

  describe('schema violations', () => {
    const issueFor = (value: Uint8Array) => expectFailure(parseLoginEvent(value, OPTIONS)).validation ?? [];

    it.each([
      ['user_id missing', without('user_id'), '', 'required'],
      ['app_version missing', without('app_version'), '', 'required'],
      ['ip missing', without('ip'), '', 'required'],
      ['locale missing', without('locale'), '', 'required'],
      ['device_id missing', without('device_id'), '', 'required'],
      ['timestamp missing', without('timestamp'), '', 'required'],
      ['user_id not a UUID', withFields({ user_id: 'not-a-uuid' }), '/user_id', 'pattern'],
      ['user_id urn form', withFields({ user_id: `urn:uuid:${VALID.user_id}` }), '/user_id', 'pattern'],
      ['user_id a number', withFields({ user_id: 42 }), '/user_id', 'type'],
      ['app_version one part', withFields({ app_version: '2' }), '/app_version', 'pattern'],
      ['app_version five parts', withFields({ app_version: '1.2.3.4.5' }), '/app_version', 'pattern'],
      ['app_version with suffix', withFields({ app_version: '2.3.0-beta' }), '/app_version', 'pattern'],
      ['app_version with v', withFields({ app_version: 'v2.3.0' }), '/app_version', 'pattern'],
      ['device_type empty', withFields({ device_type: '' }), '/device_type', 'minLength'],
      ['device_type too long', withFields({ device_type: 'a'.repeat(33) }), '/device_type', 'maxLength'],
      ['device_type null', withFields({ device_type: null }), '/device_type', 'type'],
      ['device_type an IPv4 address', withFields({ device_type: '203.0.113.66' }), '/device_type', 'pattern'],
      ['device_type an IP in text', withFields({ device_type: 'phone 203.0.113.66' }), '/device_type', 'pattern'],
      ['device_type an IPv6 address', withFields({ device_type: 'fe80::1' }), '/device_type', 'pattern'],
      ['device_type a device id', withFields({ device_type: '593-47-5928' }), '/device_type', 'pattern'],
      [
        "device_type repeating this event's device_id",
        withFields({ device_type: 'Pixel7', device_id: 'pixel7' }),
        '/device_type',
        'notDeviceId',
      ],
      // The copied fields (user_id is also the output's record key) never carry the event's own device_id.
      ['user_id equal to device_id', withFields({ device_id: VALID.user_id }), '/user_id', 'notDeviceId'],
      [
        'user_id equal to device_id in upper case (an iOS IDFV)',
        withFields({ device_id: VALID.user_id.toUpperCase() }),
        '/user_id',
        'notDeviceId',
      ],
      [
        'user_id holding device_id',
        withFields({ device_id: '7ca1a833afae' }), // the tail of VALID.user_id
        '/user_id',
        'notDeviceId',
      ],
      [
        'device_type holding device_id (an IMEI)',
        withFields({ device_type: 'imei356938035643809', device_id: '356938035643809' }),
        '/device_type',
        'notDeviceId',
      ],
      [
        'device_type holding device_id in another case',
        withFields({ device_type: 'androidA4C3F0851D2E', device_id: 'a4c3f0851d2e' }),
        '/device_type',
        'notDeviceId',
      ],
      [
        'device_type holding device_id without its separators (a MAC)',
        withFields({ device_type: 'mac-a4c3f0851d2e', device_id: 'A4:C3:F0:85:1D:2E' }),
        '/device_type',
        'notDeviceId',
      ],
      [
        'device_type holding the contract example device_id without dashes',
        withFields({ device_type: 'id593475928' }),
        '/device_type',
        'notDeviceId',
      ],
      [
        'app_version holding device_id',
        withFields({ app_version: '123456.789012', device_id: '3456.7890' }),
        '/app_version',
        'notDeviceId',
      ],
      [
        'locale holding device_id',
        withFields({ locale: 'eng-Latn-US', device_id: 'NG-LATN-US' }),
        '/locale',
        'notDeviceId',
      ],
      ['device_type with a NUL', withFields({ device_type: 'andr\u0000oid' }), '/device_type', 'pattern'],
      ['device_type a lone surrogate', withFields({ device_type: '\udfff' }), '/device_type', 'pattern'],
      ['device_type not ASCII', withFields({ device_type: 'Смартфон' }), '/device_type', 'pattern'],
      ['device_type with a space', withFields({ device_type: 'smart tv' }), '/device_type', 'pattern'],
      ['app_version an IPv4 address', withFields({ app_version: '203.0.113.66' }), '/app_version', 'pattern'],
      ['app_version four parts', withFields({ app_version: '1.2.3.4' }), '/app_version', 'pattern'],
      ['app_version a part of 7 digits', withFields({ app_version: '1234567.0' }), '/app_version', 'pattern'],
      ['app_version with a newline', withFields({ app_version: '2.3.0\n' }), '/app_version', 'pattern'],
      ['locale an IPv4 address', withFields({ locale: '203.0.113.66' }), '/locale', 'pattern'],
      ['locale an IPv6 address', withFields({ locale: '2001:db8::1' }), '/locale', 'pattern'],
      ['locale four subtags', withFields({ locale: 'en-Latn-US-posix' }), '/locale', 'pattern'],
      ['locale a lone surrogate', withFields({ locale: 'en-\udfff' }), '/locale', 'pattern'],
      ['locale with a NUL', withFields({ locale: 'R\u0000U' }), '/locale', 'pattern'],
      ['device_id with a NUL', withFields({ device_id: '593\u000047' }), '/device_id', 'pattern'],
      ['device_id with DEL', withFields({ device_id: '593\u007f47' }), '/device_id', 'pattern'],
      ['device_id a lone surrogate', withFields({ device_id: 'id-\udfff' }), '/device_id', 'pattern'],
      ['ip hostname', withFields({ ip: 'example.com' }), '/ip', 'format'],
      ['ip CIDR', withFields({ ip: '10.0.0.0/8' }), '/ip', 'format'],
      ['ip zone id', withFields({ ip: 'fe80::1%eth0' }), '/ip', 'format'],
      ['ip leading zero', withFields({ ip: '010.1.1.1' }), '/ip', 'format'],
      ['ip number', withFields({ ip: 3232235777 }), '/ip', 'type'],
      ['locale empty', withFields({ locale: '' }), '/locale', 'pattern'],
      ['locale sentence', withFields({ locale: 'Russian Federation' }), '/locale', 'pattern'],
      ['locale too long', withFields({ locale: `en${'-abcdefgh'.repeat(4)}` }), '/locale', 'maxLength'],
      ['locale a variant subtag', withFields({ locale: 'de-DE-1996' }), '/locale', 'pattern'],
      ['device_id empty', withFields({ device_id: '' }), '/device_id', 'minLength'],
      ['device_id too long', withFields({ device_id: 'd'.repeat(257) }), '/device_id', 'maxLength'],
      ['device_id a number', withFields({ device_id: 5934759 }), '/device_id', 'type'],
      ['timestamp decimal number', withFields({ timestamp: 1694479551.5 }), '/timestamp', 'anyOf'],
      ['timestamp negative number', withFields({ timestamp: -1694479551 }), '/timestamp', 'anyOf'],
      ['timestamp decimal string', withFields({ timestamp: '1694479551.0' }), '/timestamp', 'anyOf'],
      ['timestamp negative string', withFields({ timestamp: '-1694479551' }), '/timestamp', 'anyOf'],
      ['timestamp exponent string', withFields({ timestamp: '1.694479551e9' }), '/timestamp', 'anyOf'],
      ['timestamp empty string', withFields({ timestamp: '' }), '/timestamp', 'anyOf'],
      ['timestamp padded string', withFields({ timestamp: ' 1694479551' }), '/timestamp', 'anyOf'],
      ['timestamp ISO string', withFields({ timestamp: '2023-09-12T00:45:51Z' }), '/timestamp', 'anyOf'],
      ['timestamp 16 digits', withFields({ timestamp: '1694479551000000' }), '/timestamp', 'anyOf'],
      ['timestamp boolean', withFields({ timestamp: true }), '/timestamp', 'anyOf'],
      ['timestamp null', withFields({ timestamp: null }), '/timestamp', 'anyOf'],
    ])('%s', (_name, value, instancePath, keyword) => {
      const issues = issueFor(value);
      expect(issues).toContainEqual(expect.objectContaining({ instancePath, keyword }));
    });

    it('reports every violation at once (allErrors) with only schema-side params', () => {
      const failure = expectFailure(
        parseLoginEvent(withFields({ user_id: 'x', ip: 'y', locale: 'z', device_id: '' }), OPTIONS),
      );
      expect(failure.validation).toEqual([
        { instancePath: '/user_id', keyword: 'pattern', params: { pattern: expect.any(String) } },
        { instancePath: '/ip', keyword: 'format', params: { format: 'login-ip-address' } },
        { instancePath: '/locale', keyword: 'pattern', params: { pattern: expect.any(String) } },
        { instancePath: '/device_id', keyword: 'minLength', params: { limit: 1 } },
      ]);
      expect(failure.message).toContain('/ip must match format');
    });

    it('keeps the message within 1 KiB however many issues there are', () => {
      const value = withFields({ user_id: 1, app_version: 1, device_type: 1, ip: 1, locale: 1, timestamp: [] });
      const failure = expectFailure(parseLoginEvent(value, OPTIONS));
      expect(Buffer.byteLength(failure.message)).toBeLessThanOrEqual(1024);
    });
  });

  describe('timestamp forms', () => {
    const eventTime = (timestamp: unknown, nowMs = NOW_MS) =>
      parseLoginEvent(withFields({ timestamp }), { ...OPTIONS, nowMs });

    it.each([
      ['seconds as integer', 1694479551, 1_694_479_551_000],
      ['seconds as string', '1694479551', 1_694_479_551_000],
      ['seconds as zero-padded string', '001694479551', 1_694_479_551_000],
      ['milliseconds as integer', 1694479551123, 1_694_479_551_123],
      ['milliseconds as string', '1694479551123', 1_694_479_551_123],
      ['exactly 2000-01-01T00:00:00Z in seconds', 946_684_800, 946_684_800_000],
      ['exactly 2000-01-01T00:00:00Z as string', '946684800', 946_684_800_000],
      ['integer-valued JSON number with a fraction part', 1694479551.0, 1_694_479_551_000],
    ])('%s', (_name, timestamp, expectedMs) => {
      expect(expectEvent(eventTime(timestamp)).event_time_ms).toBe(expectedMs);
    });

    it('treats 10^12 as milliseconds and 10^12 - 1 as seconds', () => {
      expect(expectFailure(eventTime(999_999_999_999)).reason).toBe('TIMESTAMP_OUT_OF_RANGE');
      expect(expectEvent(eventTime(1_000_000_000_000, 1_000_000_000_000)).event_time_ms).toBe(1_000_000_000_000);
    });

    it.each([
      ['one second before 2000 (seconds)', 946_684_799, false],
      // Below 10^12 a value is seconds, so 2000-01-01 in ms minus 1 reads as a date far in the future.
      // …in year 31969: no replay can ever fix it.
      ['2000-01-01 in ms minus one, read as seconds', 946_684_799_999, false],
      ['zero', 0, false],
      ['zero as string', '0', false],
      ['just past the skew', NOW_MS + 300_001, true],
      ['a day past the skew (a clock that is wrong by hours)', NOW_MS + 300_000 + 86_400_000, true],
      ['a day and a millisecond past the skew', NOW_MS + 300_000 + 86_400_001, false],
      ['year 9999 (seconds)', '253402300799', false],
      ['far future in seconds', '99999999999', false],
      ['largest accepted value', 999_999_999_999_999, false],
    ])('%s → TIMESTAMP_OUT_OF_RANGE (retryable: %p)', (_name, timestamp, retryable) => {
      const failure = expectFailure(eventTime(timestamp));
      expect(failure).toMatchObject({ reason: 'TIMESTAMP_OUT_OF_RANGE', stage: 'VALIDATE', retryable });
    });

    it('accepts an event exactly maxClockSkewMs in the future', () => {
      expect(eventTime(NOW_MS + 300_000).ok).toBe(true);
    });

    it('uses the configured skew', () => {
      const value = withFields({ timestamp: NOW_MS + 1_000 });
      expect(parseLoginEvent(value, { ...OPTIONS, maxClockSkewMs: 999 }).ok).toBe(false);
      expect(parseLoginEvent(value, { ...OPTIONS, maxClockSkewMs: 1_000 }).ok).toBe(true);
    });
  });

  describe('ip normalisation', () => {
    it.each(IP_ADDRESS_TABLE.valid.map(([ip, expected, version]) => [ip, expected, version] as const))(
      '%s → %s',
      (ip, expected, version) => {
        const event = expectEvent(parseLoginEvent(withFields({ ip }), OPTIONS));
        expect(event.ip).toBe(expected);
        expect(event.ip_version).toBe(version);
      },
    );
  });

  describe('unknown properties', () => {
    it('drops them', () => {
      const event = expectEvent(
        parseLoginEvent(withFields({ email: 'a@example.com', password: 'hunter2', nested: { ssn: '1' } }), OPTIONS),
      );
      expect(Object.keys(event).sort()).toEqual(
        ['app_version', 'device_id', 'device_type', 'event_time_ms', 'ip', 'ip_version', 'locale', 'user_id'].sort(),
      );
      expect(JSON.stringify(event)).not.toMatch(/email|password|hunter2|ssn/);
    });

    it.each([
      ['__proto__', '{"__proto__": {"polluted": "yes"}, '],
      ['constructor', '{"constructor": {"prototype": {"polluted": "yes"}}, '],
      ['prototype', '{"prototype": {"polluted": "yes"}, '],
      ['__proto__ as string', '{"__proto__": "x", '],
    ])('%s neither pollutes prototypes nor reaches the output', (_name, prefix) => {
      const text = prefix + JSON.stringify(VALID).slice(1);
      const event = expectEvent(parseLoginEvent(bytes(text), OPTIONS));
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(event, '__proto__')).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(event, 'constructor')).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(event, 'prototype')).toBe(false);
      expect(JSON.stringify(event)).not.toContain('polluted');
    });

    it('does not take known fields from a polluted prototype', () => {
      const value = without('device_type');
      Object.defineProperty(Object.prototype, 'device_type', { value: 'from-prototype', configurable: true });
      try {
        const event = expectEvent(parseLoginEvent(value, OPTIONS));
        expect(Object.prototype.hasOwnProperty.call(event, 'device_type')).toBe(false);
      } finally {
        delete (Object.prototype as Record<string, unknown>)['device_type'];
      }
    });
  });

  describe('properties', () => {
    const isFailure = (result: ParseResult) => {
      if (result.ok) return;
      expect(REASON_CODES).toContain(result.failure.reason);
      expect(Buffer.byteLength(result.failure.message)).toBeLessThanOrEqual(1024);
    };

    it('never throws on arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), fc.integer({ min: 0, max: 600 }), (value, maxValueBytes) => {
          isFailure(parseLoginEvent(value, { ...OPTIONS, maxValueBytes }));
        }),
        { numRuns: 2000 },
      );
    });

    it('never throws on arbitrary JSON values', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          isFailure(parseLoginEvent(encode(value), OPTIONS));
        }),
        { numRuns: 1000 },
      );
    });

    it('never throws on arbitrary objects mixed into a valid event', () => {
      const anyValue = fc.jsonValue({ maxDepth: 2 });
      const field = fc.constantFrom(...Object.keys(VALID), '__proto__', 'constructor', 'toString', 'extra');
      fc.assert(
        fc.property(fc.dictionary(field, anyValue, { maxKeys: 10 }), (fields) => {
          isFailure(parseLoginEvent(withFields(fields), OPTIONS));
        }),
        { numRuns: 1000 },
      );
    });

    it('never echoes a distinctive input string in a failure', () => {
      const marker = fc.string({ minLength: 1, maxLength: 20 }).map((s) => `ZQX${s}`);
      const field = fc.constantFrom(...Object.keys(VALID));
      fc.assert(
        fc.property(field, marker, (name, value) => {
          const result = parseLoginEvent(withFields({ [name]: value }), OPTIONS);
          if (!result.ok) expect(JSON.stringify(result.failure)).not.toContain('ZQX');
        }),
      );
    });

    it('accepts generated valid events and returns only known fields', () => {
      const validEvent = fc.record(
        {
          user_id: fc.uuid(),
          app_version: fc
            .array(fc.nat({ max: 999_999 }), { minLength: 2, maxLength: 3 })
            .map((parts) => parts.join('.')),
          device_type: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/),
          ip: fc.oneof(fc.ipV4(), fc.ipV6()),
          locale: fc.constantFrom('RU', 'en', 'en-US', 'pt_BR', 'zh-Hant-TW', 'es-419', 'fil-PH'),
          // Any text without control characters or lone surrogates: full Unicode, emoji (surrogate pairs) included.
          device_id: fc
            .string({ minLength: 1, maxLength: 256, unit: 'grapheme' })
            .filter((id) => !/[\p{Cc}\p{Cs}]/u.test(id) && id.length <= 256),
          timestamp: fc.integer({ min: 946_684_800, max: Math.floor(NOW_MS / 1000) }),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['user_id', 'app_version', 'ip', 'locale', 'device_id', 'timestamp'] },
      );
      fc.assert(
        fc.property(validEvent, (raw) => {
          // The generated fields may hold the generated device id by chance; then the event is refused (tested above).
          const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
          const id = letters(raw.device_id);
          fc.pre(
            ![raw.user_id, raw.device_type, raw.app_version, raw.locale].some(
              (f) =>
                f !== undefined &&
                (f.toLowerCase() === raw.device_id.toLowerCase() || (id.length >= 8 && letters(f).includes(id))),
            ),
          );
          const event = expectEvent(parseLoginEvent(encode(raw), OPTIONS));
          expect(Object.keys(event)).not.toContain('extra');
          expect(event.event_time_ms).toBe(raw.timestamp * 1000);
          expect(event.device_id).toBe(raw.device_id);
        }),
        { numRuns: 500 },
      );
    });
  });
});
