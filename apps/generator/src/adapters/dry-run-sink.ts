import type { Writable } from 'node:stream';
import type { GeneratedRecord } from '../core/event-builder';
import type { RecordSink } from '../core/generate';

/**
 * One JSON line per record: `{"key","kind","value"}` for a valid event (the event as an object), plus
 * `expected_reason` for a malformed one, whose value is shown as it is on the wire: the text (JSON-escaped) when it
 * is UTF-8, `value_base64` when it is not, `null` for a tombstone.
 */
export function dryRunLine(record: GeneratedRecord): string {
  const { key, kind, expectedReason, value } = record;
  if (expectedReason === null && value !== null) {
    return `{"key":${JSON.stringify(key)},"kind":"valid","value":${value.toString('utf8')}}`;
  }
  const head = { key, kind, expected_reason: expectedReason };
  if (value === null) return JSON.stringify({ ...head, value: null });
  const text = value.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(value)) return JSON.stringify({ ...head, value: text });
  return JSON.stringify({ ...head, value_base64: value.toString('base64') });
}

/** Writes batches to a stream (stdout), honouring back-pressure: `send` resolves when the stream drained. */
export function createDryRunSink(out: Writable): RecordSink {
  return {
    send(records) {
      const text = records.map(dryRunLine).join('\n') + '\n';
      return new Promise<void>((resolve, reject) => {
        out.write(text, (error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
