// The fit check must compress at the level the DLQ producer writes at: a check at a better level than the producer's
// says "fits" for a dead letter the broker then refuses (MESSAGE_TOO_LARGE, not retriable: a crash loop).
import { gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from '@login/kafka';
import type { OutgoingRecord } from '@login/kafka';
import { fitsCompressed, uncompressedBytes } from './dead-letter-fit';

/** Compressible text that zlib's levels compress very differently: words from a small vocabulary, seeded. */
function wordySoup(bytes: number): Buffer {
  const words = ['login', 'device', 'failed', 'success', 'android', 'ios', 'web', 'token', 'session', 'retry'];
  let state = 42;
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const word = `${words[state % words.length]}${state % 97} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

const record: OutgoingRecord = { topic: 'dlq', key: Buffer.from('k'), value: wordySoup(3_000_000), headers: {} };
const payload = Buffer.concat([Buffer.from('k'), record.value as Buffer]);
/** The fit check's bound on a compressed record: its size with the worst case margin and the batch framing. */
const bound = (level: number): number => gzipSync(payload, { level }).length * 1.01 + 512;

describe('fitsCompressed', () => {
  it('takes a record that fits uncompressed without compressing it', () => {
    const small: OutgoingRecord = { topic: 'dlq', key: 'k', value: Buffer.alloc(1000, 0x61), headers: { h: 'v' } };
    expect(fitsCompressed(small, uncompressedBytes(small) * 1.01 + 1)).toBe(true);
  });

  it('judges an oversized record at the level the producer compresses at, not a better one', () => {
    const atProducerLevel = bound(GZIP_LEVEL);
    const atDefaultLevel = bound(6);
    expect(atDefaultLevel).toBeLessThan(atProducerLevel);
    // A limit between the two: fits at zlib's default level, not at the level the DLQ is written at.
    const limit = Math.floor((atDefaultLevel + atProducerLevel) / 2);
    expect(uncompressedBytes(record)).toBeGreaterThan(limit);
    expect(fitsCompressed(record, limit)).toBe(false);
    expect(fitsCompressed(record, Math.ceil(atProducerLevel) + 1)).toBe(true);
  });
});
