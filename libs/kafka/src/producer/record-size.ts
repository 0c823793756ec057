// The size a record takes in a produce request, estimated from above, for the per-partition byte budget of a request
// (delivery.ts): kafkajs puts all records of one topic-partition of one request into ONE record batch, and the broker
// refuses a batch larger than the topic's `max.message.bytes` (≈ 1 MiB by default) with MESSAGE_TOO_LARGE.
import type { OutgoingRecord } from '../types';

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
  const headers = record.headers;
  if (headers === undefined) return bytes;
  // Called for every record produced: no entry pairs or one-element arrays per header.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    const nameBytes = HEADER_OVERHEAD + Buffer.byteLength(name, 'utf8');
    if (!Array.isArray(value)) {
      bytes += nameBytes + byteLength(value);
      continue;
    }
    for (const v of value) bytes += nameBytes + byteLength(v);
  }
  return bytes;
}
