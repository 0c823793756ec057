// kafkajs's record batch decoder (as patched by patches/kafkajs+2.2.4+007+decompression-bound.patch) with the
// bounded gzip codec (libs/kafka/src/decompression-limit.ts): a batch that decompresses past the limit becomes one
// stand-in record at the batch's last offset, so the fetch neither fails forever nor takes the heap. Unpatched, the
// codec's error fails the whole fetch (the partition stalls); without the codec, the batch is decompressed whole.
import path from 'node:path';
import { CompressionTypes } from 'kafkajs';
import { boundedGzipCodec, DecompressionLimitError, limitDecompressedBatches } from '../decompression-limit';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
const { RecordBatch } = require(path.join(kafkajsSrc, 'protocol/recordBatch/v0')) as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};
const Record = require(path.join(kafkajsSrc, 'protocol/recordBatch/record/v0')) as (r: object) => unknown;
const decodeBatch = require(path.join(kafkajsSrc, 'protocol/recordBatch/v0/decoder')) as (d: unknown) => Promise<{
  records: Array<{ offset: string; key: Buffer | null; value: Buffer | null; oversizedBatch?: object }>;
}>;
const Decoder = require(path.join(kafkajsSrc, 'protocol/decoder')) as new (buffer: Buffer) => unknown;

/** A gzip batch at offset 100 of `count` records of `bytes` spaces each, as kafkajs's producer encodes it. */
async function gzipBatch(count: number, bytes: number): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: 0,
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(bytes, 0x20),
      headers: {},
    }),
  );
  const batch = await RecordBatch({
    compression: CompressionTypes.GZIP,
    firstOffset: '100',
    lastOffsetDelta: count - 1,
    records,
  });
  // Framed as in a fetch response: FirstOffset, Length, then the batch.
  return batch.buffer;
}

describe('decompression bound (patched batch decoder, bounded gzip codec)', () => {
  afterAll(() => limitDecompressedBatches(Number.MAX_SAFE_INTEGER));

  it('the codec stops at the limit with an error the decoder recognises', async () => {
    const bomb = await new Promise<Buffer>((resolve, reject) =>
      require('node:zlib').gzip(Buffer.alloc(4 << 20), (e: Error | null, b: Buffer) => (e ? reject(e) : resolve(b))),
    );
    const codec = boundedGzipCodec(1 << 20);
    await expect(codec.decompress(bomb)).rejects.toBeInstanceOf(DecompressionLimitError);
    await expect(codec.decompress(bomb)).rejects.toMatchObject({ decompressionLimitBytes: 1 << 20 });
    expect((await boundedGzipCodec(8 << 20).decompress(bomb)).length).toBe(4 << 20);
  });

  it('a batch over the limit decodes as one stand-in at its last offset, without key or value', async () => {
    const wire = await gzipBatch(50, 64 * 1024); // 3.2 MB of spaces, a few KB compressed
    limitDecompressedBatches(1 << 20);
    const { records } = await decodeBatch(new Decoder(wire));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      offset: '149',
      key: null,
      value: null,
      oversizedBatch: { firstOffset: '100', lastOffset: '149', records: 50, limitBytes: 1 << 20 },
    });
  });

  it('a batch within the limit decodes as before', async () => {
    const wire = await gzipBatch(50, 1024);
    limitDecompressedBatches(1 << 20);
    const { records } = await decodeBatch(new Decoder(wire));
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 50 }, (_, i) => String(100 + i)));
    expect(records[7]!.value).toEqual(Buffer.alloc(1024, 0x20));
    expect(records.every((r) => r.oversizedBatch === undefined)).toBe(true);
  });
});
