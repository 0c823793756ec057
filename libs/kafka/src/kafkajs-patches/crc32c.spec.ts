// kafkajs's CRC-32C of record batches (as patched by patches/kafkajs+2.2.4+005+crc32c-slicing.patch): slicing-by-8
// instead of one table lookup per byte, on the hot path of every batch the processor produces. The patched code must
// give the same checksum as the textbook bitwise definition for every length and alignment.
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const crcDir = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src/protocol/recordBatch/crc32C');
const crc32C = require(crcDir) as (buffer: Buffer) => number;
const inner = require(path.join(crcDir, 'crc32C')) as { SLICING_TABLES?: Int32Array };

/** CRC-32C bit by bit, from the definition (reflected polynomial 0x82F63B78). */
function reference(buffer: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs CRC-32C (patched)', () => {
  it('is the slicing-by-8 implementation', () => {
    expect(inner.SLICING_TABLES).toBeInstanceOf(Int32Array);
    expect(inner.SLICING_TABLES?.length).toBe(8 * 256);
  });

  it('gives the standard check value', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    expect(crc32C(Buffer.alloc(32))).toBe(0x8a9136aa);
  });

  it('gives the iSCSI check values of RFC 3720, B.4', () => {
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const readPdu = Buffer.from(
      '01c00000000000000000000000000000' + '14000000000004000000001400000018' + '28000000000000000200000000000000',
      'hex',
    );
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32C(ascending)).toBe(0x46dd794e);
    expect(crc32C(Buffer.from(ascending).reverse())).toBe(0x113fdb5c);
    expect(crc32C(readPdu)).toBe(0xd9963a56);
  });

  it('agrees with the bitwise definition for random lengths up to 64 KiB at odd offsets', () => {
    const data = randomBytes(70_000);
    for (let i = 0; i < 60; i++) {
      const length = i < 30 ? 300 + i * 97 : Math.floor(Math.random() * 65_536);
      const offset = 1 + 2 * (i % 8);
      const slice = data.subarray(offset, offset + length);
      expect(crc32C(slice)).toBe(reference(slice));
    }
  });

  it('agrees with the bitwise definition for every length 0..300 and unaligned slices', () => {
    const data = randomBytes(400);
    for (let length = 0; length <= 300; length++) {
      for (const offset of [0, 1, 3, 7]) {
        const slice = data.subarray(offset, offset + length);
        expect(crc32C(slice)).toBe(reference(slice));
      }
    }
  });

  it('returns an unsigned 32-bit number', () => {
    for (let i = 0; i < 50; i++) {
      const value = crc32C(randomBytes(64 + i));
      expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
    }
  });
});
