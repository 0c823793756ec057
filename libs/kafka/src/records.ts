// Conversion between our record types and kafkajs's messages, and the chunking of fetched batches.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { ConsumedRecord, OutgoingRecord, OversizedBatch, RecordHeaders } from './types';

function toBytes(value: Buffer | string): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

/**
 * A header value as bytes. A null value (legal on the wire) is read as empty bytes: it must not throw on the
 * consume path (a throw there redelivers the batch forever), and kafkajs cannot write a null header value back.
 */
function headerBytes(value: Buffer | string | null): Buffer {
  return value === null ? Buffer.alloc(0) : toBytes(value);
}

/**
 * Sets a header as an own property: a header named `__proto__` must be a header, not the object's prototype (an
 * assignment would change the prototype and lose the header). Only that name needs defineProperty, which costs
 * ~10× an assignment and turns the object into a slow dictionary; every other name is assigned.
 */
function setHeader(headers: Record<string, unknown>, name: string, value: Buffer | Buffer[]): void {
  if (name === '__proto__') {
    Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    headers[name] = value;
  }
}

/** Our outgoing record as a kafkajs message: strings become UTF-8 bytes, headers keep their repetitions. */
export function toKafkaMessage(record: OutgoingRecord): Message {
  const message: Message = {
    key: record.key === null ? null : toBytes(record.key),
    value: record.value === null ? null : toBytes(record.value),
  };
  if (record.headers !== undefined) {
    const headers: IHeaders = {};
    const source = record.headers;
    for (const name of Object.keys(source)) {
      const value = source[name] as Buffer | string | Array<Buffer | string>; // a key of its own: defined
      setHeader(headers, name, Array.isArray(value) ? value.map(toBytes) : toBytes(value));
    }
    message.headers = headers;
  }
  if (record.partition !== undefined) message.partition = record.partition;
  if (record.timestamp !== undefined) message.timestamp = record.timestamp;
  return message;
}

/** kafkajs's header values as our Buffer / Buffer[] form. */
export function toRecordHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    setHeader(
      out,
      name,
      Array.isArray(value)
        ? value.map((v) => headerBytes(v as Buffer | string | null))
        : headerBytes(value as Buffer | string | null),
    );
  }
  return out;
}

/** A fetched kafkajs message as our consumed record. */
export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const record: ConsumedRecord = {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: toRecordHeaders(message.headers),
  };
  // Set by patches/kafkajs+2.2.4+007+decompression-bound.patch only: a record property, not a header, so no
  // producer can claim it.
  const oversized = (message as KafkaMessage & { oversizedBatch?: OversizedBatch }).oversizedBatch;
  return oversized === undefined ? record : { ...record, oversizedBatch: oversized };
}

/** Splits `items` into consecutive chunks of at most `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Committed offset after the records a chunk covers: the next record, or past the batch's end for its last chunk. */
export function offsetAfter(lastOffsetOfChunk: string): string {
  return String(BigInt(lastOffsetOfChunk) + 1n);
}
