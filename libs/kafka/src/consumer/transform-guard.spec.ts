import { consumedRecord } from '../testing/consumed-record';
import type { ConsumedRecord } from '../types';
import { guardedTransform } from './transform-guard';
import type { Transform, TransformResult } from './types';

const ok: Transform<string> = (records) => ({
  records: records.map((r) => ({ topic: 'out', key: null, value: r.value })),
  outcomes: records.map((r) => `ok ${r.offset}`),
});
const deadLetter = (r: ConsumedRecord, e: unknown): TransformResult<string> => ({
  records: [{ topic: 'dlq', key: null, value: r.value, headers: { error: (e as Error).name } }],
  outcomes: [`dead ${r.offset}`],
});

describe('guardedTransform', () => {
  it('returns the transform result as is when it does not throw', async () => {
    const out = await guardedTransform([consumedRecord(0), consumedRecord(1)], ok, deadLetter);
    expect(out.outcomes).toEqual(['ok 0', 'ok 1']);
    expect(out.transformErrors).toBe(0);
  });

  it('isolates the records that throw: those go to onTransformError, the rest keep their outputs, in order', async () => {
    let calls = 0;
    const buggy: Transform<string> = (records) => {
      calls += 1;
      if (records.some((r) => r.offset === '1' || r.offset === '3')) throw new TypeError('boom');
      return ok(records);
    };
    const out = await guardedTransform([0, 1, 2, 3].map(consumedRecord), buggy, deadLetter);
    expect(out.outcomes).toEqual(['ok 0', 'dead 1', 'ok 2', 'dead 3']);
    expect(out.records.map((r) => r.topic)).toEqual(['out', 'dlq', 'out', 'dlq']);
    expect(out.transformErrors).toBe(2);
    // Once for the chunk, once per record: never a retry loop.
    expect(calls).toBe(5);
  });

  it('is fatal (never retried) when nothing can dead-letter the record, or the hook throws too', async () => {
    const throws: Transform<string> = () => {
      throw new TypeError('boom');
    };
    await expect(guardedTransform([consumedRecord(5)], throws, undefined)).rejects.toMatchObject({
      code: 'TRANSFORM_FAILED',
      canRetry: false,
      message: expect.stringContaining('offset 5'),
    });
    await expect(
      guardedTransform([consumedRecord(5)], throws, () => {
        throw new Error('hook');
      }),
    ).rejects.toMatchObject({
      code: 'TRANSFORM_FAILED',
      message: expect.stringContaining('onTransformError threw too'),
    });
  });

  it('treats a malformed result as a throw of that record', async () => {
    const wrongCount: Transform<string> = (records) => ({ records: [], outcomes: records.length > 1 ? [] : ['x'] });
    const out = await guardedTransform([consumedRecord(0), consumedRecord(1)], wrongCount, deadLetter);
    expect(out.outcomes).toEqual(['x', 'x']);
    expect(out.transformErrors).toBe(0);
  });
});
