import { dryRunLine } from './dry-run-sink';

describe('dry-run line', () => {
  it('shows a valid event as an object', () => {
    const value = Buffer.from('{"user_id":"u","ip":"1.2.3.4"}');
    expect(JSON.parse(dryRunLine({ key: 'u', value, kind: 'valid', expectedReason: null }))).toEqual({
      key: 'u',
      kind: 'valid',
      value: { user_id: 'u', ip: '1.2.3.4' },
    });
  });

  it('shows malformed UTF-8 text JSON-escaped, other bytes as base64, a tombstone as null', () => {
    const text = dryRunLine({
      key: 'k',
      value: Buffer.from('{"a":1,}'),
      kind: 'not-json',
      expectedReason: 'INVALID_JSON',
    });
    expect(JSON.parse(text)).toEqual({
      key: 'k',
      kind: 'not-json',
      expected_reason: 'INVALID_JSON',
      value: '{"a":1,}',
    });
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const b64 = JSON.parse(
      dryRunLine({ key: 'k', value: bytes, kind: 'invalid-utf8', expectedReason: 'INVALID_ENCODING' }),
    ) as Record<string, string>;
    expect(Buffer.from(b64['value_base64']!, 'base64')).toEqual(bytes);
    expect(
      JSON.parse(dryRunLine({ key: 'k', value: null, kind: 'tombstone', expectedReason: 'EMPTY_VALUE' })),
    ).toMatchObject({ value: null });
    expect(dryRunLine({ key: 'k', value: Buffer.alloc(0), kind: 'empty', expectedReason: 'EMPTY_VALUE' })).toContain(
      '"value":""',
    );
  });
});
