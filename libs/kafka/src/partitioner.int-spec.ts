// Our partitioner against Kafka's own: the same keys hashed by org.apache.kafka.common.utils.Utils.murmur2 from the
// broker jars tools/kafka fetches (a single-file Java program, run here), and by ours. Every key must give the same
// hash and, for every partition count, the same partition. In the integration target because it needs those jars.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { murmur2, partitionForKey } from './partitioner';

const repoRoot = path.resolve(__dirname, '../../..');
const COUNTS = [1, 2, 3, 6, 7, 12, 100, 1000];

function kafkaJars(): string {
  // `fetch` prints the jar directory (downloading the jars first if this machine has none yet).
  return (
    execFileSync(process.execPath, [path.join(repoRoot, 'tools/kafka/kafka.mjs'), 'fetch'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() ?? ''
  );
}

function keyTable(): Buffer[] {
  const keys: Buffer[] = [];
  // Every length from 0 to 64: all four tails of the 4-byte loop, many times over.
  for (let n = 0; n <= 64; n++) keys.push(Buffer.from('k'.repeat(n), 'utf8'));
  // Bytes with the high bit set (sign extension is where hand-written ports go wrong).
  for (let n = 1; n <= 16; n++) keys.push(Buffer.alloc(n, 0xff), Buffer.alloc(n, 0x80));
  // Realistic keys: UUIDs (user_id), non-ASCII UTF-8.
  for (let i = 0; i < 200; i++)
    keys.push(Buffer.from(`${randomBytes(4).toString('hex')}-0000-4000-8000-${randomBytes(6).toString('hex')}`));
  keys.push(Buffer.from('ünïcödé ключ 鍵 🔑', 'utf8'));
  // Random binary of random lengths.
  for (let i = 0; i < 300; i++) keys.push(randomBytes(Math.floor(Math.random() * 300)));
  // Large keys, like the hostile ones that stalled kafkajs's own partitioner.
  keys.push(randomBytes(100_000), randomBytes(1_048_576));
  return keys;
}

it("gives every key the hash and partitions of Kafka's own Utils.murmur2, for every partition count", () => {
  const keys = keyTable();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'murmur2-'));
  try {
    const file = path.join(dir, 'keys.txt');
    fs.writeFileSync(file, keys.map((k) => k.toString('hex')).join('\n'));
    const java = execFileSync(
      'java',
      [
        '-cp',
        path.join(kafkaJars(), '*'),
        path.join(__dirname, 'testing/java/Murmur2Table.java'),
        file,
        COUNTS.join(','),
      ],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const rows = java.trim().split('\n');
    expect(rows).toHaveLength(keys.length);
    const ours = keys.map((k) => [murmur2(k), ...COUNTS.map((n) => partitionForKey(k, n))].join('\t'));
    const mismatches = ours
      .map((row, i) => (row === rows[i] ? undefined : `key of ${keys[i]?.length} bytes: ours ${row}, Java ${rows[i]}`))
      .filter(Boolean);
    expect(mismatches).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

// A liveness bound, not a benchmark: ~2 ms for ours; kafkajs 2.2.4's default partitioner needed 48 s for 400 KB.
it('hashes a 1 MB key in linear time', () => {
  const key = randomBytes(1_048_576);
  const started = Date.now();
  partitionForKey(key, 6);
  expect(Date.now() - started).toBeLessThan(2000);
});
