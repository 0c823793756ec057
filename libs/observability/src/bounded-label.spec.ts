import { boundedLabel } from './bounded-label';

describe('boundedLabel', () => {
  it('keeps values of a fixed list and maps the rest to other', () => {
    const label = boundedLabel(['android', 'iOS', 'unknown']);
    expect(['android', 'iOS', 'unknown', 'ios', 'windows', '', undefined].map(label)).toEqual([
      'android',
      'iOS',
      'unknown',
      'other',
      'other',
      'other',
      'other',
    ]);
  });

  it('keeps the first N distinct values and maps later new ones to other', () => {
    const label = boundedLabel({ max: 2 });
    expect(['1.0', '2.0', '1.0', '3.0', '2.0', '4.0'].map(label)).toEqual([
      '1.0',
      '2.0',
      '1.0',
      'other',
      '2.0',
      'other',
    ]);
  });

  it('does not spend a slot on "other", empty or overlong values', () => {
    const label = boundedLabel({ max: 1, maxLength: 5 });
    expect(label('other')).toBe('other');
    expect(label('')).toBe('other');
    expect(label('toolong')).toBe('other');
    expect(label(undefined)).toBe('other');
    expect(label('en')).toBe('en');
    expect(label('fr')).toBe('other');
  });

  it('never spends a slot on a value `accept` refuses', () => {
    const label = boundedLabel({ max: 1, accept: (v) => /^[a-z]{2}$/.test(v) });
    expect(label('10.0.0.1')).toBe('other');
    expect(label('en')).toBe('en');
  });

  it('bounds the number of distinct outputs whatever the input', () => {
    const label = boundedLabel({ max: 20 });
    const outputs = new Set(Array.from({ length: 10_000 }, (_, i) => label(`v${i % 500}`)));
    expect(outputs.size).toBe(21);
  });
});
