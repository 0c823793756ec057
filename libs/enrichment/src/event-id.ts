import { hash } from 'node:crypto';

export interface SourceCoordinates {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (int64 does not fit a JS number). */
  offset: string;
}

// Versioned so a change of derivation can never silently reuse an id space.
const NAMESPACE = 'login-pipeline:event-id:v1';
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const OFFSET = /^(?:0|[1-9][0-9]{0,18})$/;

/**
 * A UUID-shaped id derived from the record's source coordinates, so a redelivered or replayed record gets the same
 * id and consumers can deduplicate. Layout is UUIDv8 (RFC 9562 "custom"): the first 122 bits of SHA-256 over the
 * namespaced coordinates, with version and variant bits set.
 * Throws a TypeError for coordinates Kafka cannot produce: an id derived from garbage would collide silently.
 */
export function eventIdFor(source: SourceCoordinates): string {
  const { topic, partition, offset } = source;
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic)) throw new TypeError('topic is not a Kafka topic name');
  if (!Number.isSafeInteger(partition) || partition < 0) throw new TypeError('partition must be an integer >= 0');
  if (typeof offset !== 'string' || !OFFSET.test(offset)) throw new TypeError('offset must be a decimal string');
  // Newlines cannot occur in any part, so the joined text is unambiguous.
  // One-shot hash: no Hash object per event (measurably cheaper on the hot path, same digest).
  const digest = hash('sha256', `${NAMESPACE}\n${topic}\n${partition}\n${offset}`, 'buffer');
  digest.writeUInt8((digest.readUInt8(6) & 0x0f) | 0x80, 6);
  digest.writeUInt8((digest.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
