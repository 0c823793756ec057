// How a record's headers are read, in one place for every app: a header name may repeat on the wire (Kafka allows
// it), and a reader that takes the first value while another takes the last can be played against each other.

/** A record's headers as the Kafka adapter hands them over: one value, or every value of a repeated name in order. */
export type HeaderValues = Readonly<Record<string, Uint8Array | readonly Uint8Array[] | undefined>>;

/**
 * The value of header `name`; of a repeated header, the LAST one, like Kafka's own `Headers.lastHeader` (which
 * Kafka Connect and the Java clients use). Every reader of `__dlq.*` headers goes through this.
 */
export function lastHeaderValue(headers: HeaderValues, name: string): Uint8Array | undefined {
  if (!Object.prototype.hasOwnProperty.call(headers, name)) return undefined;
  const value = headers[name];
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) return value;
  return value.length === 0 ? undefined : value[value.length - 1];
}

const utf8 = new TextDecoder('utf-8');

/** `lastHeaderValue` as UTF-8 text (invalid bytes become U+FFFD, which no lineage format accepts). */
export function lastHeaderText(headers: HeaderValues, name: string): string | undefined {
  const value = lastHeaderValue(headers, name);
  return value === undefined ? undefined : utf8.decode(value);
}
