import { OUTPUT_SCHEMA_VERSION, UNKNOWN_DEVICE_TYPE, outputDeviceType } from '@login/event-schema';
import type { LoginEvent, ProcessedLoginEvent } from '@login/event-schema';
import { isoTime } from './iso-time';

/** The output's device_type when the input has none; declared with the list in @login/event-schema. */
export const DEFAULT_DEVICE_TYPE = UNKNOWN_DEVICE_TYPE;

export interface EnrichContext {
  eventId: string;
  processedAtMs: number;
  /**
   * `processedAtText(processedAtMs)`, when the caller already has it: a batch shares one processing time, so its
   * caller formats it once instead of once per event.
   */
  processedAtText?: string;
}

export interface MaskedFields {
  device_id: string;
  ip: string;
}

/** The `processed_at` text of a processing time; a RangeError when it is no time (NaN, beyond year 275760). */
export function processedAtText(processedAtMs: number): string {
  return isoTime(Math.trunc(processedAtMs));
}

/**
 * Builds the output value (docs/contracts.md "Output event") from a normalised event and its masked PII. Only masked values are read
 * for `device_id` and `ip`. Throws (RangeError/TypeError) on impossible input; the caller dead-letters it as
 * ENRICH_FAILED.
 */
export function enrich(event: LoginEvent, masked: MaskedFields, ctx: EnrichContext): ProcessedLoginEvent {
  // Last guard against a wiring mistake that would hand the raw event in as "masked".
  if (masked.device_id === event.device_id) throw new TypeError('device_id was not masked');
  const processedAtMs = Math.trunc(ctx.processedAtMs);
  return {
    event_id: ctx.eventId,
    user_id: event.user_id,
    app_version: event.app_version,
    // From the fixed list only: the input's shape fits an IMEI or a MAC as well as `android`.
    device_type: outputDeviceType(event.device_type),
    locale: event.locale,
    device_id: masked.device_id,
    ip: masked.ip,
    ip_version: event.ip_version,
    event_time: isoTime(event.event_time_ms),
    processed_at: ctx.processedAtText ?? processedAtText(processedAtMs),
    latency_ms: Math.round(processedAtMs - event.event_time_ms),
    schema_version: OUTPUT_SCHEMA_VERSION,
  };
}
