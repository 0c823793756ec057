import { DEFAULT_RECORD_LIMITS, headerSize, recordOverLimit } from './record-limits';
import type { HeaderValues } from './record-headers';

const limits = { maxKeyBytes: 8, maxHeaderCount: 3, maxHeaderBytes: 20 };
const b = (text: string) => Buffer.from(text);

describe('recordOverLimit', () => {
  it.each<[string, Buffer | null, HeaderValues, ReturnType<typeof recordOverLimit>]>([
    ['no key, no headers', null, {}, undefined],
    ['a key at the limit', b('12345678'), {}, undefined],
    ['a key one byte over', b('123456789'), {}, 'KEY_TOO_LARGE'],
    ['headers at the count limit', null, { a: b('1'), b: b('2'), c: b('3') }, undefined],
    ['one header value too many', null, { a: b('1'), b: b('2'), c: b('3'), d: b('4') }, 'HEADERS_TOO_LARGE'],
    ['a repeated header counts once per value', null, { a: [b('1'), b('2'), b('3'), b('4')] }, 'HEADERS_TOO_LARGE'],
    ['header bytes at the limit (names count)', null, { name: b('x'.repeat(16)) }, undefined],
    ['header bytes one over', null, { name: b('x'.repeat(17)) }, 'HEADERS_TOO_LARGE'],
    ['an undefined header counts nothing', null, { a: undefined, b: undefined, c: undefined, d: undefined }, undefined],
    ['the key is checked first', b('123456789'), { a: [b('1'), b('2'), b('3'), b('4')] }, 'KEY_TOO_LARGE'],
  ])('%s → %s', (_name, key, headers, expected) => {
    expect(recordOverLimit(key, headers, limits)).toBe(expected);
  });

  it('measures 20,000 headers in linear time (a liveness bound: ~ms when linear, far over when quadratic)', () => {
    const headers: Record<string, Buffer> = {};
    for (let i = 0; i < 20_000; i++) headers[`h${i}`] = b('v');
    const started = Date.now();
    expect(recordOverLimit(null, headers, DEFAULT_RECORD_LIMITS)).toBe('HEADERS_TOO_LARGE');
    expect(headerSize(headers)).toEqual({
      count: 20_000,
      bytes: 20_000 + [...Object.keys(headers)].reduce((n, k) => n + k.length, 0),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('counts names in UTF-8 bytes', () => {
    expect(headerSize({ ü: b('12') })).toEqual({ count: 1, bytes: 4 });
  });
});
