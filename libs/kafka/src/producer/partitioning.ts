// Which partition each outgoing record goes to, decided before anything is sent: a delivery can only check that
// every partition acknowledged its records if it knows the partitions. Keyed records get what Java's default
// partitioner gives them (murmur2 of the key bytes), so a user_id lands on the same partition whichever client
// produced it; records without a key rotate over the topic's partitions.
import { KafkaAdapterError } from '../errors';
import { partitionForKey } from '../partitioner';
import type { OutgoingRecord } from '../types';
import type { PartitionedRecord } from './delivery';

function keyBytes(key: Buffer | string): Buffer {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** Assigns partitions; keeps per-topic round-robin state for records without a key. */
export class PartitionAssigner {
  private readonly nextUnkeyed = new Map<string, number>();

  /** `counts`: the partition count of every topic of `records`. */
  assign(records: readonly OutgoingRecord[], counts: ReadonlyMap<string, number>): PartitionedRecord[] {
    return records.map((record) => {
      const count = counts.get(record.topic);
      if (count === undefined || count < 1) {
        throw new KafkaAdapterError(`no partitions known for topic ${record.topic}`, {
          code: 'UNKNOWN_TOPIC_OR_PARTITION',
          canRetry: true,
        });
      }
      if (record.partition !== undefined) {
        if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= count) {
          throw new KafkaAdapterError(
            `partition ${record.partition} does not exist in ${record.topic} (${count} partitions)`,
            {
              code: 'UNKNOWN_TOPIC_OR_PARTITION',
              canRetry: false,
            },
          );
        }
        return record as PartitionedRecord;
      }
      if (record.key !== null) return { ...record, partition: partitionForKey(keyBytes(record.key), count) };
      const next = this.nextUnkeyed.get(record.topic) ?? 0;
      this.nextUnkeyed.set(record.topic, (next + 1) % count);
      return { ...record, partition: next % count };
    });
  }
}

/** Partition counts by topic, cached for `maxAgeMs` (like the Java client's metadata.max.age.ms). */
export class PartitionCountCache {
  private readonly cache = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly fetch: (topics: readonly string[]) => Promise<ReadonlyMap<string, number>>,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async counts(topics: Iterable<string>): Promise<ReadonlyMap<string, number>> {
    const wanted = [...new Set(topics)];
    const at = this.now();
    const stale = wanted.filter((t) => {
      const hit = this.cache.get(t);
      return !hit || at - hit.at > this.maxAgeMs;
    });
    if (stale.length > 0) {
      const fetched = await this.fetch(stale);
      for (const t of stale) {
        const count = fetched.get(t);
        if (count !== undefined && count > 0) this.cache.set(t, { count, at });
      }
    }
    const out = new Map<string, number>();
    for (const t of wanted) {
      const hit = this.cache.get(t);
      if (!hit) {
        throw new KafkaAdapterError(`topic ${t} does not exist or has no partitions`, {
          code: 'UNKNOWN_TOPIC_OR_PARTITION',
          canRetry: true,
        });
      }
      out.set(t, hit.count);
    }
    return out;
  }

  /** Forgets a topic, so the next send asks the cluster again (after an unknown-partition error, say). */
  invalidate(topic?: string): void {
    if (topic === undefined) this.cache.clear();
    else this.cache.delete(topic);
  }
}
