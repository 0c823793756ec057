import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { eventIdFor } from './event-id';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const coordinates = fc.record({
  topic: fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/),
  partition: fc.nat({ max: 10_000 }),
  offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
});

describe('eventIdFor', () => {
  it('is pinned: ids already in the output topic must never change', () => {
    const id = eventIdFor({ topic: 'user-login', partition: 0, offset: '42' });
    expect(id).toBe('b4435276-affa-8030-9d0f-354a37f87023');
  });

  it('is the first 122 bits of SHA-256 with version and variant bits set, as the byte-wise derivation gives', () => {
    // The derivation as docs/contracts.md states it, on bytes: the hex shortcut in eventIdFor must agree for every id.
    const reference = ({ topic, partition, offset }: { topic: string; partition: number; offset: string }) => {
      const digest = createHash('sha256')
        .update(`login-pipeline:event-id:v1\n${topic}\n${partition}\n${offset}`)
        .digest();
      digest[6] = ((digest[6] as number) & 0x0f) | 0x80;
      digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
      const hex = digest.toString('hex', 0, 16);
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
    };
    fc.assert(
      fc.property(coordinates, (source) => expect(eventIdFor(source)).toBe(reference(source))),
      { numRuns: 2000 },
    );
  });

  it('is a UUIDv8 (version 8, RFC 9562 variant)', () => {
    fc.assert(fc.property(coordinates, (source) => expect(eventIdFor(source)).toMatch(UUID_V8)));
  });

  it('is deterministic', () => {
    fc.assert(fc.property(coordinates, (source) => expect(eventIdFor({ ...source })).toBe(eventIdFor(source))));
  });

  it('differs when any coordinate differs', () => {
    fc.assert(
      fc.property(coordinates, coordinates, (a, b) => {
        fc.pre(a.topic !== b.topic || a.partition !== b.partition || a.offset !== b.offset);
        expect(eventIdFor(a)).not.toBe(eventIdFor(b));
      }),
    );
  });

  it.each([
    [
      { topic: 'a', partition: 1, offset: '23' },
      { topic: 'a', partition: 12, offset: '3' },
    ],
    [
      { topic: 'a1', partition: 2, offset: '3' },
      { topic: 'a', partition: 12, offset: '3' },
    ],
    [
      { topic: 'user-login', partition: 0, offset: '1' },
      { topic: 'user-login', partition: 1, offset: '0' },
    ],
  ])('does not confuse %o with %o', (a, b) => {
    expect(eventIdFor(a)).not.toBe(eventIdFor(b));
  });

  it('gives unique ids over a large range of offsets', () => {
    const ids = new Set<string>();
    for (let offset = 0; offset < 20_000; offset++) {
      ids.add(eventIdFor({ topic: 't', partition: 0, offset: `${offset}` }));
    }
    expect(ids.size).toBe(20_000);
  });

  it.each([
    ['empty topic', { topic: '', partition: 0, offset: '0' }],
    ['topic with a newline', { topic: 'a\nb', partition: 0, offset: '0' }],
    ['topic with a slash', { topic: 'a/b', partition: 0, offset: '0' }],
    ['negative partition', { topic: 't', partition: -1, offset: '0' }],
    ['fractional partition', { topic: 't', partition: 1.5, offset: '0' }],
    ['NaN partition', { topic: 't', partition: Number.NaN, offset: '0' }],
    ['negative offset', { topic: 't', partition: 0, offset: '-1' }],
    ['zero-padded offset', { topic: 't', partition: 0, offset: '007' }],
    ['empty offset', { topic: 't', partition: 0, offset: '' }],
    ['numeric offset', { topic: 't', partition: 0, offset: 7 as unknown as string }],
  ])('rejects %s', (_name, source) => {
    expect(() => eventIdFor(source)).toThrow(TypeError);
  });
});
