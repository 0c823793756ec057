// The gzip codec writes at GZIP_LEVEL, the level the processor's DLQ fit check assumes; what it writes reads back.
import { gzipSync } from 'node:zlib';
import { boundedGzipCodec, GZIP_LEVEL } from './decompression-limit';

const text = Buffer.from(
  Array.from({ length: 20_000 }, (_, i) => `user-${i % 331} logged in from device ${(i * 7919) % 1009}`).join('\n'),
);

describe('boundedGzipCodec.compress', () => {
  it('compresses at GZIP_LEVEL, the fastest level', async () => {
    const codec = boundedGzipCodec(10 * text.length);
    const compressed = await codec.compress({ buffer: text });
    expect(GZIP_LEVEL).toBe(1);
    expect(compressed.equals(gzipSync(text, { level: GZIP_LEVEL }))).toBe(true);
    expect(await codec.decompress(compressed)).toEqual(text);
  });
});
