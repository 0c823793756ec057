// A dead letter must fit the DLQ topic's max.message.bytes, or the broker refuses it (MESSAGE_TOO_LARGE, not
// retriable) and the partition can never move past its input: a crash loop. Inputs can exceed that limit once
// decompressed (a gzip record of a few KB on the wire can hold megabytes), so the DLQ is written gzip-compressed and
// a dead letter that would not fit even then becomes a reference dead letter, without its value.
import { gzipSync } from 'node:zlib';
import type { DlqOmittedPart } from '@login/event-schema';
import { estimateRecordBytes, GZIP_LEVEL } from '@login/kafka';
import type { OutgoingRecord } from '@login/kafka';

/** Record batch header (61 bytes) and the record's own varint framing, rounded up generously. */
const FRAMING_BYTES = 512;
/** The part of FRAMING_BYTES that `estimateRecordBytes` does not count already (it counts 36 of the record's own). */
const BATCH_FRAMING_BYTES = FRAMING_BYTES - 36;
/** gzip's worst case on incompressible data: 5 bytes per 16 KiB stored block; 1% is far above it. */
const GZIP_WORST_CASE = 1.01;

function bytesOf(value: Buffer | string | null | undefined): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function parts(record: OutgoingRecord): Buffer[] {
  const out = [bytesOf(record.key), bytesOf(record.value)];
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    out.push(Buffer.from(name, 'utf8'));
    for (const v of Array.isArray(value) ? value : [value]) out.push(bytesOf(v));
  }
  return out;
}

/** Bytes of the record in a record batch of its own, uncompressed: the producer's upper bound and the batch's framing. */
export function uncompressedBytes(record: OutgoingRecord): number {
  return BATCH_FRAMING_BYTES + estimateRecordBytes(record);
}

/**
 * Whether the record, alone in a gzip-compressed record batch, fits `maxMessageBytes`. Compresses only a record
 * that does not fit uncompressed: that is rare (an oversized input), and costs ~10 ms per MB when it happens.
 */
export function fitsCompressed(record: OutgoingRecord, maxMessageBytes: number): boolean {
  const plain = uncompressedBytes(record);
  if (plain * GZIP_WORST_CASE <= maxMessageBytes) return true;
  return (
    gzipSync(Buffer.concat(parts(record)), { level: GZIP_LEVEL }).length * GZIP_WORST_CASE + FRAMING_BYTES <=
    maxMessageBytes
  );
}

/** A dead letter that fits the DLQ, and what it left out of its input to fit. */
export interface FittedDeadLetter {
  readonly record: OutgoingRecord;
  readonly omit: ReadonlySet<DlqOmittedPart>;
}

/**
 * The dead letter as `build` makes it, leaving out what it must to fit: nothing; or its value (a reference dead
 * letter); or, when even that does not fit (a DLQ limit smaller than the input's key and headers), its key and
 * headers as well. Builds each candidate once, and returns the one it judged.
 */
export function fitDeadLetter(
  build: (omit: ReadonlySet<DlqOmittedPart>) => OutgoingRecord,
  already: ReadonlySet<DlqOmittedPart>,
  maxMessageBytes: number,
): FittedDeadLetter {
  const whole = build(already);
  if (fitsCompressed(whole, maxMessageBytes)) return { record: whole, omit: already };
  const withoutValue = new Set<DlqOmittedPart>([...already, 'value']);
  const reference = build(withoutValue);
  if (fitsCompressed(reference, maxMessageBytes)) return { record: reference, omit: withoutValue };
  const nothing = new Set<DlqOmittedPart>(['key', 'value', 'headers']);
  return { record: build(nothing), omit: nothing };
}
