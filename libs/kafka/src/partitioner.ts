// Kafka's default partitioning of keyed records, as the Java client does it: murmur2 of the key bytes, made
// positive, modulo the partition count (org.apache.kafka.common.utils.Utils.murmur2 / toPositive). A user_id then
// lands on the same partition whichever client produced it. 32-bit integer arithmetic (Math.imul), linear in the key
// length: kafkajs 2.2.4's default partitioner used Long arithmetic that made a 400 KB key cost 48 s of CPU.
// partitioner.int-spec.ts proves identity with Kafka's own Utils.murmur2 on a table of keys.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 hash of `data`, as a signed 32-bit integer (what Utils.murmur2 returns). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] ?? 0) | ((data[i + 1] ?? 0) << 8) | ((data[i + 2] ?? 0) << 16) | ((data[i + 3] ?? 0) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1..3 bytes, as Java's switch falls through from case 3 to case 1.
  const rest = length % 4;
  if (rest === 3) h ^= (data[whole + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[whole + 1] ?? 0) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] ?? 0), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a keyed record among `numPartitions`: Utils.toPositive(Utils.murmur2(key)) % numPartitions. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}
