// kafkajs's encoding of a produced record batch (as patched by patches/kafkajs+2.2.4+011+batch-encoding.patch): the
// same bytes as kafkajs 2.2.4 (its RecordBatch is copied below as the reference), written once into one buffer of the
// batch's exact size instead of three encoders that each grew from 512 bytes and copied the whole batch.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { limitDecompressedBatches } from '../decompression-limit';

// Hundreds of batches, some gzipped, of up to 300 KB: a few seconds on a loaded machine.
jest.setTimeout(30_000);

const protocol = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src/protocol');
interface Encoder {
  readonly buffer: Buffer;
  buf: Buffer;
  offset: number;
  size(): number;
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeUInt32(value: number): Encoder;
  writeInt64(value: unknown): Encoder;
  writeArray(array: unknown[], type?: string): Encoder;
  writeBuffer(value: Buffer): Encoder;
  writeBytes(value: Buffer): Encoder;
  writeEncoder(value: Encoder): Encoder;
  writeEncoderArray(value: Encoder[]): Encoder;
}
type HeaderValue = string | Buffer;
interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}
interface BatchArgs {
  compression?: number;
  firstOffset?: unknown;
  firstTimestamp?: unknown;
  maxTimestamp?: unknown;
  partitionLeaderEpoch?: number;
  lastOffsetDelta?: number;
  transactional?: boolean;
  producerId?: unknown;
  producerEpoch?: number;
  firstSequence?: number;
  records?: Encoder[];
}
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
}
const EncoderClass = require(path.join(protocol, 'encoder')) as new (initialSize?: number) => Encoder;
const DecoderClass = require(path.join(protocol, 'decoder')) as new (buffer: Buffer) => unknown;
const Long = require(path.join(protocol, '../utils/long')) as {
  fromInt(value: number): unknown;
  fromValue(value: unknown): unknown;
};
const crc32C = require(path.join(protocol, 'recordBatch/crc32C')) as (buffer: Buffer) => number;
const Record = require(path.join(protocol, 'recordBatch/record/v0')) as (args: RecordArgs) => Encoder;
const { RecordBatch } = require(path.join(protocol, 'recordBatch/v0')) as {
  RecordBatch(args: BatchArgs): Promise<Encoder>;
};
const RecordBatchDecoder = require(path.join(protocol, 'recordBatch/v0/decoder')) as (
  decoder: unknown,
) => Promise<{ records: { key: Buffer | null; value: Buffer | null; offset: string }[] }>;
const codecs = CompressionCodecs as unknown as { [type: number]: () => Codec };
const kafkajsGzip = codecs[CompressionTypes.GZIP] as () => Codec;

/** kafkajs 2.2.4's RecordBatch (src/protocol/recordBatch/v0/index.js), unpatched. */
async function referenceBatch({
  compression = CompressionTypes.None,
  firstOffset = Long.fromInt(0),
  firstTimestamp = Date.now(),
  maxTimestamp = Date.now(),
  partitionLeaderEpoch = 0,
  lastOffsetDelta = 0,
  transactional = false,
  producerId = Long.fromValue(-1),
  producerEpoch = 0,
  firstSequence = 0,
  records = [],
}: BatchArgs): Promise<Encoder> {
  const attributes = (compression & 0x07) | 0 | (transactional ? 16 : 0);
  const batchBody = new EncoderClass()
    .writeInt16(attributes)
    .writeInt32(lastOffsetDelta)
    .writeInt64(firstTimestamp)
    .writeInt64(maxTimestamp)
    .writeInt64(producerId)
    .writeInt16(producerEpoch)
    .writeInt32(firstSequence);
  if (compression === CompressionTypes.None) {
    if (records.every((v) => typeof v === typeof records[0])) batchBody.writeArray(records, typeof records[0]);
    else batchBody.writeArray(records);
  } else {
    const recordsEncoder = new EncoderClass();
    recordsEncoder.writeEncoderArray(records);
    const compressed = await (codecs[compression] as () => Codec)().compress(recordsEncoder);
    batchBody.writeInt32(records.length).writeBuffer(compressed);
  }
  const batch = new EncoderClass()
    .writeInt32(partitionLeaderEpoch)
    .writeInt8(2)
    .writeUInt32(crc32C(batchBody.buffer))
    .writeEncoder(batchBody);
  return new EncoderClass().writeInt64(firstOffset).writeBytes(batch.buffer);
}

function records(count: number, seed: number): Encoder[] {
  return Array.from({ length: count }, (_, i) => {
    const n = seed * 31 + i;
    return Record({
      offsetDelta: i,
      timestampDelta: (n * 37) % 5000,
      key: n % 7 === 0 ? null : randomBytes(n % 40),
      value: n % 11 === 0 ? null : randomBytes((n * 13) % 900),
      headers: n % 3 === 0 ? {} : { 'content-type': 'application/json', [`h${n % 5}`]: randomBytes(n % 9) },
    });
  });
}

const batchCases = (compression: number): BatchArgs[] => {
  const cases: BatchArgs[] = [
    { compression, firstTimestamp: 0, maxTimestamp: 0, records: [] },
    { compression, firstTimestamp: 1, maxTimestamp: 2, records: records(1, 1) },
    {
      compression,
      firstOffset: Long.fromValue('9223372036854775807'),
      firstTimestamp: 1_765_000_000_000,
      maxTimestamp: Long.fromValue('1765000009999'),
      partitionLeaderEpoch: 17,
      lastOffsetDelta: 2,
      transactional: true,
      producerId: Long.fromValue('4611686018427387904'),
      producerEpoch: 32767,
      firstSequence: 2 ** 31 - 1,
      records: records(3, 2),
    },
    {
      compression,
      transactional: false,
      firstTimestamp: -1,
      maxTimestamp: 2 ** 40,
      producerId: 12345,
      producerEpoch: 3,
      firstSequence: 900,
      records: records(7, 3),
    },
  ];
  for (const [count, seed] of [
    [100, 4],
    [500, 5],
    [2, 6],
    [40, 7],
  ] as const) {
    cases.push({
      compression,
      firstTimestamp: 1_765_000_000_000 + seed,
      maxTimestamp: 1_765_000_005_000 + seed,
      lastOffsetDelta: count - 1,
      transactional: seed % 2 === 0,
      producerId: seed * 1000,
      producerEpoch: seed,
      firstSequence: seed * 100,
      records: records(count, seed),
    });
  }
  // One value of 300 KB: a batch far beyond the encoders' 512-byte start.
  cases.push({
    compression,
    firstTimestamp: 5,
    maxTimestamp: 5,
    records: [Record({ key: 'k', value: randomBytes(300_000) })],
  });
  return cases;
};

/** Buffer.equals first: Jest's toEqual walks a 300 KB buffer element by element (seconds); it only shows a diff. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  if (!actual.equals(expected)) expect(actual).toEqual(expected);
}

type Allocator = 'alloc' | 'allocUnsafe' | 'allocUnsafeSlow';

/**
 * The sizes of the buffers `block` allocates (Buffer.alloc, allocUnsafe and allocUnsafeSlow: what Encoder,
 * Buffer.concat and Buffer.from use), except while `paused()`.
 */
async function allocations<T>(block: () => Promise<T>, paused = () => false): Promise<{ result: T; sizes: number[] }> {
  const sizes: number[] = [];
  const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as Allocator[]).map((name) => {
    const original = Buffer[name] as (size: number, ...rest: unknown[]) => Buffer;
    return jest.spyOn(Buffer, name).mockImplementation(((size: number, ...rest: unknown[]) => {
      if (!paused()) sizes.push(size);
      return original.call(Buffer, size, ...rest);
    }) as never);
  });
  try {
    return { result: await block(), sizes };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('kafkajs record batch encoding (patched)', () => {
  afterEach(() => {
    codecs[CompressionTypes.GZIP] = kafkajsGzip;
  });

  it("gives kafkajs 2.2.4's bytes for uncompressed batches of 0 to 500 records", async () => {
    for (const args of batchCases(CompressionTypes.None)) {
      const batch = await RecordBatch(args);
      const expected = (await referenceBatch(args)).buffer;
      expectSameBytes(batch.buffer, expected);
      expect(batch.size()).toBe(expected.length);
    }
  });

  it("gives kafkajs 2.2.4's bytes for gzip batches, and they decode to the records", async () => {
    for (const args of batchCases(CompressionTypes.GZIP)) {
      const batch = await RecordBatch(args);
      expectSameBytes(batch.buffer, (await referenceBatch(args)).buffer);
      const decoded = await RecordBatchDecoder(new DecoderClass(batch.buffer.subarray(0)));
      expect(decoded.records).toHaveLength(args.records?.length ?? 0);
    }
  });

  it('gives the same bytes with the bounded gzip codec (decompression-limit.ts) registered', async () => {
    limitDecompressedBatches(1 << 20);
    for (const args of batchCases(CompressionTypes.GZIP).slice(0, 8)) {
      const batch = await RecordBatch(args);
      expectSameBytes(batch.buffer, (await referenceBatch(args)).buffer);
      const decoded = await RecordBatchDecoder(new DecoderClass(batch.buffer));
      const first = BigInt(String(args.firstOffset ?? 0));
      expect(decoded.records.map((r) => r.offset)).toEqual(
        (args.records ?? []).map((_, i) => String(first + BigInt(i))),
      );
    }
  });

  it('keeps the produce request able to carry the batch (size and writeEncoder)', async () => {
    const args = batchCases(CompressionTypes.None)[5] as BatchArgs;
    const batch = await RecordBatch(args);
    const reference = await referenceBatch(args);
    expectSameBytes(
      new EncoderClass().writeInt32(3).writeInt32(batch.size()).writeEncoder(batch).buffer,
      new EncoderClass().writeInt32(3).writeInt32(reference.size()).writeEncoder(reference).buffer,
    );
  });

  // Counted, not timed: kafkajs 2.2.4 grew three encoders from 512 bytes (body, CRC'd batch, offset and length), each
  // doubling until it held the whole batch.
  it('allocates one buffer, of the batch size, for an uncompressed batch of 500 records', async () => {
    const batchRecords = records(500, 8);
    const { result, sizes } = await allocations(() =>
      RecordBatch({ firstTimestamp: 1, maxTimestamp: 2, lastOffsetDelta: 499, records: batchRecords }),
    );
    expect(sizes).toEqual([result.size()]);
  });

  it('allocates, besides the codec, the records and the batch, each of its size, for a gzip batch', async () => {
    const batchRecords = records(500, 9);
    const recordsSize = batchRecords.reduce((n, r) => n + r.size(), 0);
    let inCodec = false;
    codecs[CompressionTypes.GZIP] = () => ({
      async compress(encoder) {
        inCodec = true;
        try {
          return await kafkajsGzip().compress(encoder);
        } finally {
          inCodec = false;
        }
      },
    });
    const { result, sizes } = await allocations(
      () => RecordBatch({ compression: CompressionTypes.GZIP, lastOffsetDelta: 499, records: batchRecords }),
      () => inCodec,
    );
    expect(sizes).toEqual([recordsSize, result.size()]);
  });
});

interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
  timestamp?: number;
}
interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: Message[] }[] }[];
}
const produceV3 = require(path.join(protocol, 'requests/produce/v3/request')) as (args: ProduceArgs) => {
  encode(): Promise<Encoder>;
};

/** kafkajs 2.2.4's produce request v3 (src/protocol/requests/produce/v3/request.js), unpatched, on the reference batch. */
async function referenceProduce({
  acks,
  timeout,
  transactionalId = null,
  producerId = Long.fromInt(-1),
  producerEpoch = 0,
  compression = CompressionTypes.None,
  topicData,
}: ProduceArgs): Promise<Buffer> {
  const topics: Encoder[] = [];
  for (const { topic, partitions } of topicData) {
    const encodedPartitions: Encoder[] = [];
    for (const { partition, messages, firstSequence } of partitions) {
      const dateNow = Date.now();
      const stamps = messages
        .map((m) => m.timestamp)
        .filter((timestamp) => timestamp !== null && timestamp !== undefined)
        .sort();
      const timestamps = stamps.length === 0 ? [dateNow] : stamps;
      const firstTimestamp = timestamps[0] as number;
      const records = messages.map((message, i) =>
        Record({
          ...message,
          offsetDelta: i,
          timestampDelta: (message.timestamp || dateNow) - firstTimestamp,
        } as never),
      );
      const batch = await referenceBatch({
        compression,
        records,
        firstTimestamp,
        maxTimestamp: timestamps[timestamps.length - 1],
        producerId,
        producerEpoch,
        firstSequence,
        transactional: !!transactionalId,
        lastOffsetDelta: records.length - 1,
      });
      encodedPartitions.push(new EncoderClass().writeInt32(partition).writeInt32(batch.size()).writeEncoder(batch));
    }
    topics.push(
      (new EncoderClass() as Encoder & { writeString(v: string): Encoder })
        .writeString(topic)
        .writeArray(encodedPartitions),
    );
  }
  return (new EncoderClass() as Encoder & { writeString(v: string | null): Encoder })
    .writeString(transactionalId)
    .writeInt16(acks)
    .writeInt32(timeout)
    .writeArray(topics).buffer;
}

describe('kafkajs produce request v3 (patched)', () => {
  const messages = (count: number, seed: number): Message[] =>
    Array.from({ length: count }, (_, i) => {
      const n = seed * 17 + i;
      return {
        key: n % 5 === 0 ? null : randomBytes(n % 30),
        value: n % 9 === 0 ? null : randomBytes((n * 7) % 500),
        ...(n % 4 === 0
          ? {}
          : { headers: { 'content-type': 'application/json', [`h${n % 3}`]: ['a', randomBytes(3)] } }),
        timestamp: 1_765_000_000_000 + ((n * 97) % 10_000),
      };
    });

  it("gives kafkajs 2.2.4's bytes, plain, transactional and gzip", async () => {
    const cases: ProduceArgs[] = [
      {
        acks: -1,
        timeout: 30000,
        topicData: [{ topic: 't', partitions: [{ partition: 0, messages: messages(1, 1) }] }],
      },
      {
        acks: -1,
        timeout: 30000,
        transactionalId: 'processor-0',
        producerId: Long.fromValue('123456789012'),
        producerEpoch: 4,
        topicData: [
          {
            topic: 'logins.v1',
            partitions: [
              { partition: 3, firstSequence: 10, messages: messages(500, 2) },
              { partition: 7, firstSequence: 0, messages: messages(20, 3) },
            ],
          },
          { topic: 'logins.dlq.v1', partitions: [{ partition: 1, firstSequence: 5, messages: messages(3, 4) }] },
        ],
      },
      {
        acks: 1,
        timeout: 5000,
        compression: CompressionTypes.GZIP,
        topicData: [{ topic: 'logins.v1', partitions: [{ partition: 2, messages: messages(200, 5) }] }],
      },
    ];
    for (const args of cases) expectSameBytes((await produceV3(args).encode()).buffer, await referenceProduce(args));
  });

  // Counted, not timed: kafkajs 2.2.4 spread every message into a new object for Record (~2.5 µs per message), which
  // lists the message's own keys; Record reads only key, value, headers (and the request the timestamp).
  it("reads a message's fields without copying the message", async () => {
    let ownKeys = 0;
    const traced = messages(50, 6).map(
      (message) =>
        new Proxy(message, {
          ownKeys(target) {
            ownKeys++;
            return Reflect.ownKeys(target);
          },
        }),
    );
    await produceV3({
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: traced }] }],
    }).encode();
    expect(ownKeys).toBe(0);
  });
});
