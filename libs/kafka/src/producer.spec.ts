import { validateProducerOptions } from './options';
import type { CompressionCodec } from './options';
import { groupByCodec } from './producer';
import type { OutgoingRecord } from './types';

const rec = (topic: string, value: string, partition?: number): OutgoingRecord => ({ topic, key: null, value, ...(partition === undefined ? {} : { partition }) });

describe('groupByCodec (one sendBatch per codec)', () => {
  const codecOf = (topic: string): CompressionCodec => (topic === 'dlq' ? 'gzip' : 'none');

  it('groups a slice by codec, each topic whole and in its order', () => {
    const slice = [rec('out', 'o1', 0), rec('dlq', 'd1', 0), rec('out', 'o2', 1), rec('dlq', 'd2', 0), rec('out', 'o3', 0)];
    expect(groupByCodec(slice, codecOf).map((g) => [g.codec, g.records.map((r) => r.value)])).toEqual([
      ['none', ['o1', 'o2', 'o3']],
      ['gzip', ['d1', 'd2']],
    ]);
  });

  it('keeps a single-codec slice as one group', () => {
    const slice = [rec('out', 'a'), rec('out', 'b')];
    expect(groupByCodec(slice, codecOf)).toEqual([{ codec: 'none', records: slice }]);
  });
});

describe('compression option', () => {
  it.each([['none'], ['gzip'], [{ dlq: 'gzip' }], [{ dlq: 'gzip', out: 'none' }], [{}]])('accepts %p', (compression) => {
    expect(() => validateProducerOptions({ compression: compression as never })).not.toThrow();
  });

  it.each([
    ['snappy', '/options/compression must be none or gzip'],
    [{ dlq: 'zstd' }, '/options/compression/dlq must be none or gzip'],
  ])('rejects %p, naming the path', (compression, message) => {
    expect(() => validateProducerOptions({ compression: compression as never })).toThrow(message);
  });
});
