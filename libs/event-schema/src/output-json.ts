// The output event's bytes, written field by field: JSON.stringify walks the object generically (0.90 µs per event
// measured), the fixed field list concatenated is 0.39 µs. The text is exactly JSON.stringify's (a property test pins
// it), so consumers see no difference.
import type { ProcessedLoginEvent } from './types';

/** Text that JSON.stringify writes between quotes unchanged: no quote, backslash, C0 control or surrogate half. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON must escape
const PLAIN_JSON_TEXT = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function jsonNumber(value: number): string {
  // Number-to-string is the serialisation JSON uses for finite numbers; JSON has no NaN or Infinity.
  return Number.isFinite(value) ? `${value}` : 'null';
}

/** `JSON.stringify(event)` for an event whose keys are in the output contract's order (as `enrich` builds it). */
export function outputEventJson(event: ProcessedLoginEvent): string {
  // Every text field's shape leaves nothing to escape; one check over all of them (cheaper than one per field) says
  // so, and an event that fails it takes JSON.stringify's own way.
  const texts =
    event.event_id +
    event.user_id +
    event.app_version +
    event.device_type +
    event.locale +
    event.device_id +
    event.ip +
    event.event_time +
    event.processed_at +
    event.schema_version;
  if (!PLAIN_JSON_TEXT.test(texts)) return JSON.stringify(event);
  return (
    `{"event_id":"${event.event_id}","user_id":"${event.user_id}","app_version":"${event.app_version}"` +
    `,"device_type":"${event.device_type}","locale":"${event.locale}","device_id":"${event.device_id}"` +
    `,"ip":"${event.ip}","ip_version":${jsonNumber(event.ip_version)},"event_time":"${event.event_time}"` +
    `,"processed_at":"${event.processed_at}","latency_ms":${jsonNumber(event.latency_ms)}` +
    `,"schema_version":"${event.schema_version}"}`
  );
}
