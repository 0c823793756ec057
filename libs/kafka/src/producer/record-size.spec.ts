import { validateProducerOptions } from '../options';
import { estimateRecordBytes } from './record-size';

describe('estimateRecordBytes', () => {
  it('counts key, value and every header name and value as UTF-8 bytes, plus a bounded overhead', () => {
    const empty = estimateRecordBytes({ topic: 't', key: null, value: null });
    expect(empty).toBeGreaterThan(0);
    expect(estimateRecordBytes({ topic: 't', key: 'é', value: Buffer.alloc(10) })).toBe(empty + 2 + 10);
    const oneHeader = estimateRecordBytes({ topic: 't', key: null, value: null, headers: { h: 'v' } });
    const perHeader = oneHeader - empty - 2;
    expect(perHeader).toBeGreaterThan(0);
    // A repeated header counts each of its values.
    expect(estimateRecordBytes({ topic: 't', key: null, value: null, headers: { ab: ['x', Buffer.from('yz')] } })).toBe(
      empty + 2 * perHeader + 2 + 1 + 2 + 2,
    );
  });

  it('is never below the record bytes (an upper bound of the encoded size)', () => {
    const record = { topic: 't', key: 'user-1', value: 'x'.repeat(400), headers: { 'x-trace': 't-1' } };
    expect(estimateRecordBytes(record)).toBeGreaterThanOrEqual(6 + 400 + 7 + 3);
  });
});

describe('ProducerOptions.maxBatchBytes', () => {
  it('is validated at construction: an integer of at least 1024', () => {
    expect(() => validateProducerOptions({ maxBatchBytes: 262_144 })).not.toThrow();
    expect(() => validateProducerOptions({ maxBatchBytes: 100 })).toThrow(
      '/options/maxBatchBytes must be an integer in [1024,',
    );
    expect(() => validateProducerOptions({ maxBatchBytes: 2048.5 })).toThrow('/options/maxBatchBytes');
  });
});

describe('ProducerOptions compression', () => {
  it('takes one codec, and codecs per topic', () => {
    expect(() =>
      validateProducerOptions({ compression: 'gzip', compressionByTopic: { dlq: 'gzip', out: 'none' } }),
    ).not.toThrow();
  });

  it.each([
    [{ compression: 'snappy' }, '/options/compression must be none or gzip'],
    [{ compressionByTopic: { dlq: 'zstd' } }, '/options/compressionByTopic/dlq must be none or gzip'],
  ])('rejects %p, naming the path', (options, message) => {
    expect(() => validateProducerOptions(options as never)).toThrow(message);
  });
});
