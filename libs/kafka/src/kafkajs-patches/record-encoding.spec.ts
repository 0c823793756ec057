// kafkajs's encoding of a produced record (as patched by patches/kafkajs+2.2.4+010+record-encoding.patch): the same
// bytes, without the per-record garbage kafkajs 2.2.4 made on the processor's hot path (a 512-byte zero-filled
// encoder per record and per header, an array and a Buffer per varint, BigInt Longs for the timestamp delta).
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const protocol = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src/protocol');
interface Encoder {
  readonly buffer: Buffer;
  writeVarLong(value: unknown): Encoder;
  writeVarInt(value: number): Encoder;
}
type HeaderValue = string | Buffer;
interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}
const EncoderClass = require(path.join(protocol, 'encoder')) as {
  new (initialSize?: number): Encoder;
  sizeOfVarLong(value: unknown): number;
};
const Long = require(path.join(protocol, '../utils/long')) as { fromValue(value: string): unknown };
const Record = require(path.join(protocol, 'recordBatch/record/v0')) as (args: RecordArgs) => Encoder;

/** A signed varint as Kafka's ByteUtils.writeVarlong writes it: zigzag, then 7 bits per byte, low bits first. */
function varint(value: bigint): Buffer {
  let zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

const bytesOf = (value: HeaderValue | null | undefined): Buffer =>
  value === null || value === undefined
    ? varint(-1n)
    : Buffer.concat([varint(BigInt(Buffer.byteLength(value))), Buffer.from(value)]);

/** A record (magic 2) from the protocol's definition: length, attributes, deltas, key, value, headers. */
function referenceRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordArgs): Buffer {
  const pairs = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => [k, item]));
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(BigInt(timestampDelta)),
    varint(BigInt(offsetDelta)),
    bytesOf(key),
    bytesOf(value),
    varint(BigInt(pairs.length)),
    ...pairs.flatMap(([k, v]) => [bytesOf(k), bytesOf(v)]),
  ]);
  return Buffer.concat([varint(BigInt(body.length)), body]);
}

const int32Edges = [0, 1, -1, 63, -64, 64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)];
const wider = [2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 40 + 3, -(2 ** 40), Number.MAX_SAFE_INTEGER];

describe('kafkajs record encoding (patched)', () => {
  it('writes a varlong as Kafka does, for 32-bit integers and beyond', () => {
    for (const value of [...int32Edges, ...wider]) {
      const expected = varint(BigInt(value));
      expect(new EncoderClass().writeVarLong(value).buffer).toEqual(expected);
      expect(EncoderClass.sizeOfVarLong(value)).toBe(expected.length);
    }
    for (const value of ['-9223372036854775808', '9223372036854775807', '4294967296']) {
      expect(new EncoderClass().writeVarLong(Long.fromValue(value)).buffer).toEqual(varint(BigInt(value)));
    }
  });

  it('writes several varints into one small encoder as it grows', () => {
    const encoder = new EncoderClass(1);
    for (const value of int32Edges) encoder.writeVarInt(value).writeVarLong(value);
    expect(encoder.buffer).toEqual(Buffer.concat(int32Edges.flatMap((v) => [varint(BigInt(v)), varint(BigInt(v))])));
  });

  it("gives the protocol's bytes for records with and without keys, values and headers", () => {
    const cases: RecordArgs[] = [
      { key: null, value: null },
      { key: '', value: Buffer.alloc(0), headers: {} },
      {
        offsetDelta: 7,
        timestampDelta: -3,
        key: 'k',
        value: 'é\u{1F600}',
        headers: { a: 'x', b: Buffer.from([1, 2]) },
      },
      { offsetDelta: 2 ** 20, timestampDelta: 2 ** 40, key: randomBytes(36), value: randomBytes(20_000) },
      { timestampDelta: -(2 ** 31), key: 'k', value: 'v', headers: { multi: ['1', Buffer.from('2'), ''], empty: [] } },
    ];
    for (let i = 0; i < 200; i++) {
      cases.push({
        offsetDelta: i,
        timestampDelta: i * 37 - 1000,
        key: randomBytes(i % 50),
        value: randomBytes((i * 13) % 700),
        headers: { 'content-type': 'application/json', [`h${i % 5}`]: randomBytes(i % 9), t: 't'.repeat(i % 60) },
      });
    }
    for (const args of cases) expect(Record(args).buffer).toEqual(referenceRecord(args));
  });

  // Counted, not timed: kafkajs 2.2.4 allocated a 512-byte Buffer for the record and for each header, and a Buffer
  // (from an array) for each varint.
  it('encodes a record with three headers into one buffer, allocating nothing per varint or header', () => {
    const key = randomBytes(36);
    const value = randomBytes(200);
    const headers = { 'content-type': 'application/json', 'schema-version': '1', traceparent: 't'.repeat(55) };
    const alloc = jest.spyOn(Buffer, 'alloc');
    const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe');
    const from = jest.spyOn(Buffer, 'from');
    try {
      Record({ offsetDelta: 5, timestampDelta: 12, key, value, headers });
      expect({
        buffers: alloc.mock.calls.length + allocUnsafe.mock.calls.length,
        from: from.mock.calls.length,
      }).toEqual({ buffers: 1, from: 0 });
    } finally {
      alloc.mockRestore();
      allocUnsafe.mockRestore();
      from.mockRestore();
    }
  });
});
