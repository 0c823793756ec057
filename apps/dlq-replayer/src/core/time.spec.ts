import { parseInstant } from './time';

describe('parseInstant', () => {
  it.each([
    ['1700000000000', 1700000000000],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T10:00Z', Date.UTC(2026, 0, 1, 10)],
    ['2026-01-01T10:00:00.5+02:00', Date.UTC(2026, 0, 1, 8, 0, 0, 500)],
    ['2026-01-01T10:00:00', undefined],
    ['yesterday', undefined],
    ['2026-13-01T00:00Z', undefined],
    ['', undefined],
  ])('%p → %p', (text, expected) => expect(parseInstant(text)).toBe(expected));
});
