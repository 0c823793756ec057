import type { HeaderValues } from './record-headers';
import type { ReasonCode } from './types';

/**
 * What one record may cost before its value is even looked at. A record over a limit is dead-lettered with a reason
 * of its own (KEY_TOO_LARGE, HEADERS_TOO_LARGE) without its oversized part, so it costs the DLQ and its readers
 * nothing either.
 */
export interface RecordLimits {
  /** Key bytes. */
  readonly maxKeyBytes: number;
  /** Header values, a repeated name counting once per value. */
  readonly maxHeaderCount: number;
  /** UTF-8 bytes of all header names and values. */
  readonly maxHeaderBytes: number;
}

/**
 * Keys are user or device ids (tens of bytes); a record carries a handful of tracing headers plus, once replayed,
 * five of lineage. The defaults leave an order of magnitude of room above that.
 */
export const DEFAULT_RECORD_LIMITS: Readonly<RecordLimits> = Object.freeze({
  maxKeyBytes: 1024,
  maxHeaderCount: 64,
  maxHeaderBytes: 16_384,
});

export interface HeaderSize {
  readonly count: number;
  readonly bytes: number;
}

/** Header values (a repeated name once per value) and the UTF-8 bytes of names and values: linear in the headers. */
export function headerSize(headers: HeaderValues): HeaderSize {
  let count = 0;
  let bytes = 0;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const values: readonly Uint8Array[] = value instanceof Uint8Array ? [value] : value;
    const nameBytes = Buffer.byteLength(name, 'utf8');
    for (const v of values) {
      count++;
      bytes += nameBytes + v.byteLength;
    }
  }
  return { count, bytes };
}

export function keyOverLimit(key: Uint8Array | null | undefined, limits: RecordLimits): boolean {
  return key !== null && key !== undefined && key.byteLength > limits.maxKeyBytes;
}

export function headersOverLimit(headers: HeaderValues, limits: RecordLimits): boolean {
  const size = headerSize(headers);
  return size.count > limits.maxHeaderCount || size.bytes > limits.maxHeaderBytes;
}

/** The reason a record's key or headers put it over `limits` (the key's first), or undefined when within them. */
export function recordOverLimit(
  key: Uint8Array | null | undefined,
  headers: HeaderValues,
  limits: RecordLimits,
): Extract<ReasonCode, 'KEY_TOO_LARGE' | 'HEADERS_TOO_LARGE'> | undefined {
  if (keyOverLimit(key, limits)) return 'KEY_TOO_LARGE';
  if (headersOverLimit(headers, limits)) return 'HEADERS_TOO_LARGE';
  return undefined;
}
