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
  // One-shot hash to hex: no Hash object and no digest Buffer per event (each measurably costs on the hot path).
  const hex = hash('sha256', `${NAMESPACE}\n${topic}\n${partition}\n${offset}`, 'hex');
  return uuidV8(hex);
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * The UUIDv8 text of the first 128 bits of a hex digest: the version nibble (hex digit 12) set to 8 and the variant
 * bits (the top two of hex digit 16) to 10, as `(byte6 & 0x0f) | 0x80` and `(byte8 & 0x3f) | 0x80` would.
 */
function uuidV8(hex: string): string {
  const variant = HEX_DIGITS[(parseInt(hex[16] as string, 16) & 0x3) | 0x8] as string;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
