import { createKafkaClient, type ReadPartitionsOptions } from './index';
import { quietLogger } from './testing/quiet-logger';

// Never connected: validation fails before any I/O.
const client = createKafkaClient(
  { brokers: ['127.0.0.1:1'], clientId: 'reader-unit', logLevel: 'nothing' },
  quietLogger,
);
const base: ReadPartitionsOptions = { topic: 't', ranges: [], onBatch: () => undefined };

describe('client.readPartitions options', () => {
  it.each([
    [{ topic: '' }, '/options/topic must be a non-empty string'],
    [{ onBatch: undefined }, '/options/onBatch must be a function'],
    [{ ranges: 'some' }, "/options/ranges must be 'all' or a list of ranges"],
    [{ ranges: [{ partition: -1, start: 0n, end: 1n }] }, '/options/ranges/0/partition must be an integer ≥ 0'],
    [
      {
        ranges: [
          { partition: 0, start: 0n, end: 1n },
          { partition: 0, start: 1n, end: 2n },
        ],
      },
      '/options/ranges/1/partition partition 0 is listed twice',
    ],
    [{ ranges: [{ partition: 0, start: 0, end: 1n }] }, '/options/ranges/0/start must be a bigint ≥ 0'],
    [{ ranges: [{ partition: 0, start: 0n, end: -1n }] }, '/options/ranges/0/end must be a bigint ≥ 0'],
    [{ maxRecordsPerBatch: 0 }, '/options/maxRecordsPerBatch'],
    [{ maxBytes: 0 }, '/options/maxBytes'],
    [{ retries: -1 }, '/options/retries'],
  ])('rejects an option: %#', async (override, message) => {
    await expect(client.readPartitions({ ...base, ...(override as object) } as ReadPartitionsOptions)).rejects.toThrow(
      message,
    );
  });

  it('resolves at once, without a broker, when every range is empty', async () => {
    const onBatch = jest.fn();
    const ranges = [
      { partition: 1, start: 7n, end: 7n },
      { partition: 0, start: 3n, end: 2n },
    ];
    await expect(client.readPartitions({ ...base, ranges, onBatch })).resolves.toEqual({
      complete: true,
      records: 0,
      deletedBeforeRead: 0,
      ranges: [ranges[1], ranges[0]],
    });
    expect(onBatch).not.toHaveBeenCalled();
  });

  it('resolves without reading when the signal is already aborted', async () => {
    const result = await client.readPartitions({
      ...base,
      ranges: [{ partition: 0, start: 0n, end: 5n }],
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ complete: false, records: 0 });
  });
});
