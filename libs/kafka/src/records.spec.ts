import { chunk, toConsumedRecord, toKafkaMessage, toRecordHeaders } from './records';

describe('toKafkaMessage', () => {
  it('encodes string keys, values and headers as UTF-8 bytes and keeps buffers as they are', () => {
    const bin = Buffer.from([0x00, 0xff, 0x80]);
    const message = toKafkaMessage({
      topic: 't',
      key: 'ключ',
      value: bin,
      headers: { a: 'é', b: bin, c: ['x', Buffer.from('y')] },
      partition: 2,
      timestamp: '1700000000000',
    });
    expect(message.key).toEqual(Buffer.from('ключ', 'utf8'));
    expect(message.value).toBe(bin);
    expect(message.headers).toEqual({ a: Buffer.from('é', 'utf8'), b: bin, c: [Buffer.from('x'), Buffer.from('y')] });
    expect(message.partition).toBe(2);
    expect(message.timestamp).toBe('1700000000000');
  });

  it('keeps null keys and values (tombstones) and adds no optional fields that were not given', () => {
    expect(toKafkaMessage({ topic: 't', key: null, value: null })).toEqual({ key: null, value: null });
  });
});

describe('consumed records', () => {
  it('keep hostile header names as plain headers, and read a null header value as empty bytes (never throw)', () => {
    const decoded = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    const headers = toRecordHeaders({
      ...Object.fromEntries(Object.entries(decoded)),
      nothing: null as unknown as Buffer,
    });
    expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor', 'nothing']);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(headers['nothing']).toEqual(Buffer.alloc(0));
    const message = toKafkaMessage({ topic: 't', key: null, value: null, headers: headers as Record<string, Buffer> });
    expect(Object.keys(message.headers ?? {}).sort()).toEqual(['__proto__', 'constructor', 'nothing']);
  });

  it('normalise headers to buffers, keeping repeated headers as arrays and dropping undefined ones', () => {
    expect(toRecordHeaders({ a: 'x', b: Buffer.from('y'), c: ['1', Buffer.from('2')], d: undefined })).toEqual({
      a: Buffer.from('x'),
      b: Buffer.from('y'),
      c: [Buffer.from('1'), Buffer.from('2')],
    });
    expect(toRecordHeaders(undefined)).toEqual({});
  });

  it('carry their coordinates and bytes', () => {
    const record = toConsumedRecord('in', 1, {
      offset: '42',
      timestamp: '1700000000000',
      key: null,
      value: Buffer.from('v'),
      attributes: 0,
      headers: { h: Buffer.from('1') },
    });
    expect(record).toEqual({
      topic: 'in',
      partition: 1,
      offset: '42',
      timestamp: '1700000000000',
      key: null,
      value: Buffer.from('v'),
      headers: { h: Buffer.from('1') },
    });
  });
});

describe('chunk', () => {
  it('splits into consecutive chunks of at most the size, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2, 3], 3)).toEqual([[1, 2, 3]]);
    expect(chunk([1, 2], 1000)).toEqual([[1, 2]]);
    expect(chunk([], 10)).toEqual([]);
  });

  it('keeps every item exactly once and in order', () => {
    const items = Array.from({ length: 2503 }, (_, i) => i);
    const chunks = chunk(items, 1000);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 503]);
    expect(chunks.flat()).toEqual(items);
  });

  it('rejects a size below 1', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
