// kafkajs's record decoder (as patched by patches/kafkajs+2.2.4+003+record-headers-linear.patch): a record's headers
// decoded in time linear in their number, with the shape kafkajs always gave them. kafkajs 2.2.4 copied the headers
// object once per header (quadratic: 10,000 headers blocked the event loop for ~37 s), so one hostile record could
// stall a consumer past its session timeout.
import path from 'node:path';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
type Headers = Record<string, Buffer | Buffer[]>;
const encodeRecord = require(path.join(kafkajsSrc, 'protocol/recordBatch/record/v0')) as (r: {
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer | Buffer[]>;
}) => { buffer: Buffer };
const decodeRecord = require(path.join(kafkajsSrc, 'protocol/recordBatch/record/v0/decoder')) as (
  decoder: unknown,
  context: object,
) => { headers: Headers; value: Buffer };
const Decoder = require(path.join(kafkajsSrc, 'protocol/decoder')) as new (buffer: Buffer) => {
  readVarIntBytes(): Buffer;
};

/** Encodes a record with kafkajs's own encoder and decodes it with kafkajs's own (patched) decoder. */
function roundTrip(headers: Headers): Headers {
  const encoded = encodeRecord({ key: Buffer.from('k'), value: Buffer.from('v'), headers }).buffer;
  // The encoder writes the record's length first, as in a record batch; the decoder reads the body.
  const body = new Decoder(encoded).readVarIntBytes();
  return decodeRecord(new Decoder(body), { firstOffset: '0', firstTimestamp: '0', magicByte: 2 }).headers;
}

describe('kafkajs record header decoding (patched)', () => {
  it('keeps the shape: one value as a Buffer, a repeated name as an array of its values in order', () => {
    const decoded = roundTrip({
      single: Buffer.from('a'),
      repeated: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')],
    });
    expect(decoded).toEqual({
      single: Buffer.from('a'),
      repeated: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')],
    });
  });

  it('decodes header names that Object.prototype also has as plain own headers', () => {
    const decoded = roundTrip({
      constructor: Buffer.from('c'),
      toString: [Buffer.from('t1'), Buffer.from('t2')],
      __proto__x: Buffer.from('p'),
    });
    expect(Object.getOwnPropertyNames(decoded).sort()).toEqual(['__proto__x', 'constructor', 'toString']);
    expect(decoded['constructor']).toEqual(Buffer.from('c'));
    expect(decoded['toString']).toEqual([Buffer.from('t1'), Buffer.from('t2')]);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  // A liveness bound, not a benchmark: decoding is synchronous, so a Jest timeout cannot interrupt it and the
  // elapsed time is checked instead. Linear decoding of 20,000 headers takes ~0.3 s on this project's 2-core
  // machine; kafkajs 2.2.4's quadratic one took 166 s. The bound leaves a 50x margin for a busy machine.
  it('decodes 20,000 distinct headers in linear time', () => {
    const headers: Headers = {};
    for (let i = 0; i < 20_000; i++) headers[`h${i}`] = Buffer.from(String(i));
    const started = Date.now();
    const decoded = roundTrip(headers);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(Object.keys(decoded)).toHaveLength(20_000);
    expect(decoded['h19999']).toEqual(Buffer.from('19999'));
  }, 300_000);

  it('decodes 20,000 values of one repeated header', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => Buffer.from(String(i)));
    const decoded = roundTrip({ spam: values });
    expect(decoded['spam']).toHaveLength(20_000);
    expect((decoded['spam'] as Buffer[])[12_345]).toEqual(Buffer.from('12345'));
  }, 20_000);
});
