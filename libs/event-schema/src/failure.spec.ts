import { failure, truncateUtf8, errorClassOf } from './failure';
import { INPUT_SCHEMA_ID } from './input-schema';
import { OUTPUT_SCHEMA_ID } from './output-schema';
import { REASON_CODES, STAGES } from './reasons';

describe('failure', () => {
  it('builds a sanitised MASK failure from a caught error', () => {
    const error = new TypeError('cannot mask device 593-47-5928 at 199.172.111.135');
    const result = failure('MASK', 'MASKING_FAILED', error);
    expect(result).toEqual({
      stage: 'MASK',
      reason: 'MASKING_FAILED',
      retryable: false,
      exceptionClass: 'TypeError',
      message: expect.stringContaining('masking failed'),
      schemaId: INPUT_SCHEMA_ID,
    });
    expect(result.message).not.toContain('593-47-5928');
    expect(result.message).not.toContain('199.172');
  });

  it('builds an ENRICH failure against the output schema', () => {
    const result = failure('ENRICH', 'ENRICH_FAILED', new RangeError('Invalid time value'));
    expect(result).toMatchObject({ stage: 'ENRICH', reason: 'ENRICH_FAILED', exceptionClass: 'RangeError' });
    expect(result.schemaId).toBe(OUTPUT_SCHEMA_ID);
    expect(result.message).not.toContain('Invalid time value');
  });

  it.each([
    ['a string', 'raw value 593-47-5928', 'Error'],
    ['a number', 42, 'Error'],
    ['null', null, 'Error'],
    ['an object', { message: '593-47-5928' }, 'Error'],
    ['an error with an odd name', Object.assign(new Error('x'), { name: 'Bad name 593-47-5928' }), 'Error'],
    ['a custom error', Object.assign(new Error('x'), { name: 'MaskingKeyError' }), 'MaskingKeyError'],
  ])('copes with %s thrown', (_name, thrown, exceptionClass) => {
    const result = failure('MASK', 'MASKING_FAILED', thrown);
    expect(result.exceptionClass).toBe(exceptionClass);
    expect(JSON.stringify(result)).not.toContain('593-47-5928');
  });

  it('uses the reason defaults without an error', () => {
    expect(failure('ENRICH', 'ENRICH_FAILED')).toMatchObject({ exceptionClass: 'Error', message: 'enrichment failed' });
  });

  it.each(REASON_CODES)('has a fixed message for %s', (reason) => {
    for (const stage of STAGES) {
      const result = failure(stage, reason, new Error('ZQX-secret'));
      expect(result.message.length).toBeGreaterThan(0);
      expect(result.retryable).toBe(false);
      expect(result.message).not.toContain('ZQX');
    }
  });
});

describe('truncateUtf8', () => {
  it('keeps short messages', () => {
    expect(truncateUtf8('short')).toBe('short');
  });

  it.each([
    ['ASCII', 'a'.repeat(5000)],
    ['two-byte', 'я'.repeat(5000)],
    ['astral', '😀'.repeat(5000)],
    ['mixed at the edge', `${'a'.repeat(1020)}😀😀`],
  ])('cuts %s to 1 KiB without splitting characters', (_name, message) => {
    const cut = truncateUtf8(message);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1024);
    expect(cut.endsWith('…')).toBe(true);
    expect(Buffer.from(cut).toString('utf8')).toBe(cut);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps a message of exactly the limit', () => {
    expect(truncateUtf8('a'.repeat(1024))).toBe('a'.repeat(1024));
  });
});

describe('errorClassOf', () => {
  it('falls back for non-errors', () => {
    expect(errorClassOf('x', 'Fallback')).toBe('Fallback');
    expect(errorClassOf(new SyntaxError('x'), 'Fallback')).toBe('SyntaxError');
  });
});
