/**
 * The input event as the upstream login service emits it (DESIGN §2), field order as the reference generator's.
 * `timestamp` is Unix epoch seconds as a numeric string.
 */
export interface InputEvent {
  user_id: string;
  app_version: string;
  device_type?: string;
  ip: string;
  locale: string;
  device_id: string;
  timestamp: string;
}

/** The input reason codes of DESIGN §4 a record can trigger (MASKING_FAILED / ENRICH_FAILED cannot come from input). */
export type InputReasonCode =
  | 'EMPTY_VALUE'
  | 'VALUE_TOO_LARGE'
  | 'INVALID_ENCODING'
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'SCHEMA_VIOLATION'
  | 'TIMESTAMP_OUT_OF_RANGE';

export const INPUT_REASON_CODES: readonly InputReasonCode[] = [
  'EMPTY_VALUE',
  'VALUE_TOO_LARGE',
  'INVALID_ENCODING',
  'INVALID_JSON',
  'NOT_AN_OBJECT',
  'SCHEMA_VIOLATION',
  'TIMESTAMP_OUT_OF_RANGE',
];

/** Epoch seconds as the numeric string the upstream service sends. */
export function epochSecondsString(ms: number): string {
  return String(Math.floor(ms / 1000));
}
