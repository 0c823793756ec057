import { buildFailure, errorClassOf } from './failure';
import type { FailureDetails } from './failure';
import { formatIpAddress, parseIpAddress } from './ip-address';
import { withAddress } from './login-event';
import { reasonInfo } from './reasons';
import { checkEventTime, eventTimeMs } from './timestamp';
import type { LoginEvent, ParseOptions, ParseResult, RawLoginEvent, ReasonCode } from './types';
import { describeIssues, toValidationIssues, validateInputWithErrors } from './validators';

export const DEFAULT_PARSE_LIMITS: { readonly maxValueBytes: 65536; readonly maxClockSkewMs: 300000 } = Object.freeze({
  maxValueBytes: 65536,
  maxClockSkewMs: 300000,
} as const);

// fatal: invalid UTF-8 must be a DLQ reason, not silently become U+FFFD. The default ignoreBOM: false strips a BOM.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(reason: ReasonCode, details: FailureDetails = {}): ParseResult {
  return { ok: false, failure: buildFailure(reasonInfo(reason).stage, reason, details) };
}

/** The fields copied to the output as received: none may carry the event's own device_id. */
const COPIED_FIELDS = ['user_id', 'device_type', 'app_version', 'locale'] as const;
type CopiedField = (typeof COPIED_FIELDS)[number];

/**
 * Device ids with at least this many letters and digits are also searched for inside the copied fields. Shorter ones
 * are not: they would match ordinary values by chance (`en` in `en-US`, `2.3` in `2.3.0`, `droid` in `android`) and
 * dead-letter real events, and the fields' narrow shapes (a UUID, `1.2.3`, a locale tag, at most 32 letters and
 * digits) leave little room to embed them. Eight letters and digits: a hex IPv4, the tail of a MAC, half an IMEI.
 */
export const DEVICE_ID_SEARCH_MIN_LENGTH = 8;

/** Lower case, letters and digits only: `AA:BB:CC…` and `aabbcc…`, `593-47-5928` and `593475928` compare equal. */
function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * `comparable` of a copied field, which the input schema already held to ASCII (a UUID, `1.2.3`, a locale tag,
 * letters, digits, `_` and `-`): on ASCII the two agree, and this regular expression needs no Unicode tables.
 */
function comparableAscii(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const ASCII_LETTERS_AND_DIGITS = /^[a-z0-9]*$/;

/**
 * The copied field that holds the event's own device_id, if any: equal to it (ignoring case), or, for a device id
 * long enough to identify a device, containing it (ignoring case and separators). Their shapes already keep IP
 * addresses out; this keeps the raw device id out of the output (`user_id` is also the record key), metric labels and
 * summaries, which these fields feed. Runs after the schema check, so the fields are ASCII.
 */
function fieldHoldingDeviceId(raw: RawLoginEvent): CopiedField | undefined {
  const deviceId = raw.device_id.toLowerCase();
  const searched = comparable(raw.device_id);
  // A device id with letters beyond ASCII cannot occur inside an ASCII field, only (not even) equal one.
  const searchable = searched.length >= DEVICE_ID_SEARCH_MIN_LENGTH && ASCII_LETTERS_AND_DIGITS.test(searched);
  for (const field of COPIED_FIELDS) {
    const value = raw[field];
    if (value === undefined) continue;
    // Lower-casing ASCII keeps the length: a field of another length cannot equal the device id.
    if (value.length === deviceId.length && value.toLowerCase() === deviceId) return field;
    // Dropping separators only shortens a value: one shorter than the device id cannot hold it, and most copied
    // fields are (`android`, `2.13.7`, `en-US`), so the per-record path skips their normalisation.
    if (searchable && value.length >= searched.length && comparableAscii(value).includes(searched)) return field;
  }
  return undefined;
}

/**
 * Turns a record value into a normalised `LoginEvent` or a typed failure. Never throws: a throw would redeliver the
 * batch and block the partition (docs/architecture.md "Processing semantics"). No failure message quotes the input.
 */
export function parseLoginEvent(value: Uint8Array | null | undefined, options: ParseOptions): ParseResult {
  try {
    return parseUnguarded(value, options);
  } catch (error) {
    // Unreachable by design; kept so a future bug dead-letters one record instead of blocking a partition.
    return fail('SCHEMA_VIOLATION', {
      exceptionClass: errorClassOf(error, 'Error'),
      message: 'unexpected error while parsing the event',
    });
  }
}

function parseUnguarded(value: Uint8Array | null | undefined, options: ParseOptions): ParseResult {
  if (value === null || value === undefined || value.byteLength === 0) return fail('EMPTY_VALUE');
  // Checked before decoding so an oversized value costs nothing.
  if (value.byteLength > options.maxValueBytes) return fail('VALUE_TOO_LARGE');

  let text: string;
  try {
    text = utf8.decode(value);
  } catch (error) {
    return fail('INVALID_ENCODING', { exceptionClass: errorClassOf(error, 'TypeError') });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8's SyntaxError message quotes the input, so only the class name is kept.
    return fail('INVALID_JSON', { exceptionClass: errorClassOf(error, 'SyntaxError') });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('NOT_AN_OBJECT');

  const errors = validateInputWithErrors(json);
  if (errors !== null) {
    return fail('SCHEMA_VIOLATION', {
      message: `event does not match the input schema: ${describeIssues(errors)}`,
      validation: toValidationIssues(errors),
    });
  }
  const raw = json as RawLoginEvent;
  const echo = fieldHoldingDeviceId(raw);
  if (echo !== undefined) {
    return fail('SCHEMA_VIOLATION', {
      message: `event does not match the input schema: /${echo} must not hold device_id`,
      validation: [{ instancePath: `/${echo}`, keyword: 'notDeviceId', params: {} }],
    });
  }

  const eventMs = eventTimeMs(raw.timestamp);
  const window = checkEventTime(eventMs, options.nowMs, options.maxClockSkewMs);
  if (window === 'too-early') {
    return fail('TIMESTAMP_OUT_OF_RANGE', { message: 'event time is before 2000-01-01T00:00:00Z' });
  }
  if (window === 'far-future') {
    // Not retryable: no clock catches up with it (year 9999), so a replay could only fail again.
    return fail('TIMESTAMP_OUT_OF_RANGE', {
      message: 'event time is further in the future than any clock skew a replay could outwait',
    });
  }
  if (window === 'in-future') {
    // Retryable: once the clocks catch up, a replay succeeds unchanged.
    return fail('TIMESTAMP_OUT_OF_RANGE', {
      retryable: true,
      message: 'event time is further in the future than the allowed clock skew',
    });
  }

  // The schema's format already accepted the address, so this cannot be undefined.
  const address = parseIpAddress(raw.ip);
  if (address === undefined) return fail('SCHEMA_VIOLATION');

  // Known fields only, picked by name: unknown keys (including `__proto__`, `constructor`) never reach the output.
  const fields: Omit<LoginEvent, 'address'> = {
    user_id: raw.user_id,
    app_version: raw.app_version,
    ip: formatIpAddress(address),
    ip_version: address.version,
    locale: raw.locale,
    device_id: raw.device_id,
    event_time_ms: eventMs,
  };
  if (Object.prototype.hasOwnProperty.call(raw, 'device_type')) fields.device_type = raw.device_type;
  return { ok: true, event: withAddress(fields, address) };
}
