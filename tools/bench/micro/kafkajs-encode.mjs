// Micro-benchmark of kafkajs's produce encoding: the CRC-32C of a record batch, the encoding of one record, of a
// record batch and of a produce request (src/protocol/recordBatch/crc32C, recordBatch/record/v0, recordBatch/v0,
// requests/produce/v3). Not a test: it prints ns or µs per call of
// the kafkajs it is given, so the patched and unpatched code can be compared on one machine.
//
//   node tools/bench/micro/kafkajs-encode.mjs [kafkajs package directory]
//
// Without an argument it measures the installed (patched) kafkajs. For the unpatched one, copy node_modules/kafkajs
// somewhere, reverse patches/*.patch there (`patch -R -p1`, newest first) and pass the copy's directory.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dir = process.argv[2] ? path.resolve(process.argv[2]) : path.dirname(require.resolve('kafkajs/package.json'));
const src = path.join(dir, 'src/protocol');
const crc32C = require(path.join(src, 'recordBatch/crc32C'));
const Record = require(path.join(src, 'recordBatch/record/v0'));
const { RecordBatch } = require(path.join(src, 'recordBatch/v0'));

/** Best of `rounds` rounds of `iterations` calls, in ns per call. */
function measure(fn, iterations, rounds = 7) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

let sink = 0;
const rows = [];
const report = (name, ns) => rows.push({ case: name, 'µs/call': (ns / 1000).toFixed(3) });

for (const [name, size] of [
  ['crc32C 16 KiB', 16 * 1024],
  ['crc32C 200 B', 200],
  ['crc32C 1 MiB', 1024 * 1024],
]) {
  // Unaligned views, as record batches are inside larger buffers.
  const buffers = Array.from({ length: 64 }, () => randomBytes(size + 1).subarray(1));
  const iterations = Math.max(20, Math.floor(4e7 / (size * 4 + 200)));
  measure((i) => (sink ^= crc32C(buffers[i & 63])), iterations, 2);
  report(
    name,
    measure((i) => (sink ^= crc32C(buffers[i & 63])), iterations),
  );
}

// One record as the processor produces it: a 36-byte key, a ~200-byte JSON value, three headers.
const key = Buffer.from('3f2a6c1e-8b7d-4c5e-9f0a-1b2c3d4e5f60');
const value = Buffer.from(
  JSON.stringify({ eventId: 'x'.repeat(36), user: 'u'.repeat(40), ip: '203.0.113.7', t: 1 }).padEnd(200),
);
const headers = { 'content-type': 'application/json', 'schema-version': '1', traceparent: 't'.repeat(55) };
const record = (i) => Record({ offsetDelta: i & 1023, timestampDelta: i & 4095, key, value, headers });
measure((i) => (sink ^= record(i).offset), 20000, 2);
report(
  'record encode (200 B value, 3 headers)',
  measure((i) => (sink ^= record(i).offset), 50000),
);

/** Best of 7 rounds of `iterations` awaited calls, in ns per call. */
async function measureAsync(fn, iterations) {
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink ^= await fn(i);
    rounds.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return Math.min(...rounds);
}

// The batch alone (src/protocol/recordBatch/v0): its 500 records are encoded once, before.
const records = Array.from({ length: 500 }, (_, i) => record(i));
const batch = (compression) =>
  RecordBatch({ compression, firstTimestamp: 1, maxTimestamp: 2, lastOffsetDelta: 499, records }).then((b) => b.offset);
await measureAsync(() => batch(0), 40);
report('record batch of 500 encoded records', await measureAsync(() => batch(0), 200));
// gzip itself (~1 ms here) dominates a compressed batch; the difference is the copies around it.
report('gzip record batch of 500 encoded records', await measureAsync(() => batch(1), 40));

// A whole produce request (v3, one topic, one partition): 500 messages encoded into records, the batch, the
// partition and topic arrays, the request.
const produce = require(path.join(src, 'requests/produce/v3/request'));
const messages = Array.from({ length: 500 }, () => ({ key, value, headers, timestamp: 1765000000000 }));
const request = () =>
  produce({ acks: -1, timeout: 30000, topicData: [{ topic: 'logins.v1', partitions: [{ partition: 3, messages }] }] })
    .encode()
    .then((e) => e.offset);
await measureAsync(request, 20);
report('produce request v3, 500 messages', await measureAsync(request, 100));

console.log(`kafkajs: ${dir}`);
console.table(rows);
if (sink === 0.5) console.log(sink);
