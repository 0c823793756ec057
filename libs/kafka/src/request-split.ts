// Splitting one send into produce requests whose record batches the broker accepts.
//
// kafkajs puts all records of one topic-partition of one produce request into ONE record batch, and the broker refuses
// a record batch larger than the topic's `max.message.bytes` (broker `message.max.bytes`, ≈ 1 MiB by default) with
// MESSAGE_TOO_LARGE, which is not retriable. So a send is cut into consecutive slices whose estimated bytes per
// topic-partition stay within a budget; the slices are sent one after the other, which keeps every partition's order.
import type { OutgoingRecord } from './types';

/**
 * Default byte budget of one topic-partition's records in one produce request: 768 KiB, well below the broker's
 * default limit of 1 MiB (+ 12 bytes), with room for the record batch header and for gzip's worst case.
 */
export const DEFAULT_MAX_BATCH_BYTES = 786_432;

/** Upper bounds of the varint-encoded fields of a v2 record (length, attributes, deltas, lengths, header count). */
const RECORD_OVERHEAD = 36;
/** Upper bound of a header's two varint lengths. */
const HEADER_OVERHEAD = 10;

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/** An upper bound of a record's encoded size in an uncompressed record batch: key, value, headers and overhead. */
export function estimateRecordBytes(record: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD + byteLength(record.key) + byteLength(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) bytes += HEADER_OVERHEAD + Buffer.byteLength(name, 'utf8') + byteLength(v);
  }
  return bytes;
}

/** What one slice holds of one topic. */
interface TopicLoad {
  /** Bytes of records without an explicit partition: the partitioner may put any of them on any partition. */
  unassigned: number;
  /** Bytes per explicit partition. */
  readonly assigned: Map<number, number>;
  /** The largest value of `assigned`. */
  maxAssigned: number;
}

/**
 * Cuts `records` into consecutive slices (in their given order) such that, in each slice, the estimated bytes that
 * can land on any one topic-partition stay within `maxBatchBytes`. Records without an explicit partition count
 * against every partition of their topic (their partition is only chosen when they are sent), so for them the
 * budget bounds the topic's total in the slice. A record that alone exceeds the budget gets a slice of its own:
 * it is still sent, and the broker decides. Nothing is dropped or reordered: the slices concatenated are `records`.
 */
export function splitForRequests(records: readonly OutgoingRecord[], maxBatchBytes: number): OutgoingRecord[][] {
  if (!Number.isInteger(maxBatchBytes) || maxBatchBytes < 1) {
    throw new RangeError(`maxBatchBytes must be a positive integer, got ${maxBatchBytes}`);
  }
  const slices: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let loads = new Map<string, TopicLoad>();
  const cut = () => {
    if (current.length > 0) slices.push(current);
    current = [];
    loads = new Map();
  };

  for (const record of records) {
    const size = estimateRecordBytes(record);
    if (size > maxBatchBytes) {
      cut();
      slices.push([record]);
      continue;
    }
    let load = loads.get(record.topic);
    const partition = record.partition;
    // The most this record's partition can then hold in this slice.
    const worst = (l: TopicLoad | undefined) =>
      l === undefined ? size : l.unassigned + size + (partition === undefined ? l.maxAssigned : (l.assigned.get(partition) ?? 0));
    if (worst(load) > maxBatchBytes) {
      cut();
      load = undefined;
    }
    if (load === undefined) {
      load = { unassigned: 0, assigned: new Map(), maxAssigned: 0 };
      loads.set(record.topic, load);
    }
    if (partition === undefined) {
      load.unassigned += size;
    } else {
      const bytes = (load.assigned.get(partition) ?? 0) + size;
      load.assigned.set(partition, bytes);
      if (bytes > load.maxAssigned) load.maxAssigned = bytes;
    }
    current.push(record);
  }
  cut();
  return slices;
}
