// A bound on what one fetched record batch may decompress to. kafkajs decompresses a gzip batch whole, inside the
// fetch, before any of our code sees a record: a crafted batch (260 KB on the wire, 256 MiB decompressed) takes the
// heap. Through kafkajs's own extension point (its codec table) the gzip codec here stops at the limit and marks
// its error; patches/kafkajs+2.2.4+007+decompression-bound.patch turns that batch into one stand-in record without
// key or value (ConsumedRecord.oversizedBatch), so the consumer dead-letters it by reference and moves on.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

const gzip = promisify(zlib.gzip);
const unzip = promisify(zlib.unzip);

/**
 * The level every gzip batch from this process is written at. Only the processor's DLQ is gzip-compressed, where
 * 64–96 KiB dead letters are common: level 1 compresses them ~3× faster than zlib's default 6 (1,039 vs 363 MB/s
 * here) for a slightly larger batch. The DLQ fit check compresses at the same level, so its verdict holds.
 */
export const GZIP_LEVEL = zlib.constants.Z_BEST_SPEED;

/** Thrown by the bounded codec; the patched batch decoder recognises it by `decompressionLimitBytes`. */
export class DecompressionLimitError extends Error {
  constructor(readonly decompressionLimitBytes: number) {
    super(`a record batch decompresses to more than ${decompressionLimitBytes} bytes`);
    this.name = 'DecompressionLimitError';
  }
}

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** kafkajs's gzip codec, except that decompression stops at `limitBytes` (zlib's maxOutputLength). */
export function boundedGzipCodec(limitBytes: number): KafkajsCodec {
  return {
    compress: (encoder) => gzip(encoder.buffer, { level: GZIP_LEVEL }),
    async decompress(buffer) {
      try {
        return await unzip(buffer, { maxOutputLength: limitBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          throw new DecompressionLimitError(limitBytes);
        throw err;
      }
    },
  };
}

/**
 * Bounds every gzip batch this process's kafkajs clients decompress. The codec table is kafkajs's, one per process:
 * each of our services runs one consumer, so the setting is the service's.
 */
export function limitDecompressedBatches(limitBytes: number): void {
  if (!Number.isInteger(limitBytes) || limitBytes < 1) throw new RangeError(`limitBytes must be a positive integer`);
  const codec = boundedGzipCodec(limitBytes);
  (CompressionCodecs as Record<number, () => KafkajsCodec>)[CompressionTypes.GZIP] = () => codec;
}
