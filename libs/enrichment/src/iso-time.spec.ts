import fc from 'fast-check';
import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('is toISOString for every integer time from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) =>
        expect(isoTime(ms)).toBe(new Date(ms).toISOString()),
      ),
      { numRuns: 20_000 },
    );
  });

  it.each([
    0, 951_782_400_000 /* 2000-02-29 */, 4_107_456_000_000 /* 2100-02-28 */, 4_107_542_399_999, 253_402_300_799_999,
    1_709_251_199_999 /* 2024-02-29T23:59:59.999 */,
  ])('is toISOString at the edge %d', (ms) => {
    expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('leaves times outside 1970–9999 and fractions to Date, with its output', () => {
    for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 8.64e15, 1.5])
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws RangeError for no time, as toISOString does', () => {
    for (const ms of [Number.NaN, 8.64e15 + 1, Number.POSITIVE_INFINITY]) expect(() => isoTime(ms)).toThrow(RangeError);
  });
});
