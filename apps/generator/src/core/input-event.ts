import { REASON_CODES } from '@login/event-schema';
import type { RawLoginEvent, ReasonCode } from '@login/event-schema';

/**
 * The input event as the upstream login service emits it (docs/contracts.md "Input event"), field order as the reference generator's.
 * `timestamp` is Unix epoch seconds as a numeric string.
 */
export type InputEvent = Omit<RawLoginEvent, 'timestamp'> & { timestamp: string };

/**
 * The reason codes of docs/contracts.md "Dead letter record" a record's value can trigger: not the processor's own failures (MASKING_FAILED,
 * ENRICH_FAILED, INTERNAL_ERROR), nor the key and header limits (the generator writes small keys and no headers), nor
 * BATCH_TOO_LARGE (a property of a whole compressed batch, not of one value).
 */
export type InputReasonCode = Exclude<
  ReasonCode,
  'MASKING_FAILED' | 'ENRICH_FAILED' | 'INTERNAL_ERROR' | 'KEY_TOO_LARGE' | 'HEADERS_TOO_LARGE' | 'BATCH_TOO_LARGE'
>;

const NOT_FROM_VALUES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'MASKING_FAILED',
  'ENRICH_FAILED',
  'INTERNAL_ERROR',
  'KEY_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'BATCH_TOO_LARGE',
]);

export const INPUT_REASON_CODES: readonly InputReasonCode[] = REASON_CODES.filter(
  (reason): reason is InputReasonCode => !NOT_FROM_VALUES.has(reason),
);

/** Epoch seconds as the numeric string the upstream service sends. */
export function epochSecondsString(ms: number): string {
  return String(Math.floor(ms / 1000));
}
