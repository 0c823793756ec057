import { REASON_CODES } from '@login/event-schema';
import type { RawLoginEvent, ReasonCode } from '@login/event-schema';

/**
 * The input event as the upstream login service emits it (DESIGN §2), field order as the reference generator's.
 * `timestamp` is Unix epoch seconds as a numeric string.
 */
export type InputEvent = Omit<RawLoginEvent, 'timestamp'> & { timestamp: string };

/** The reason codes of DESIGN §4 a record can trigger (MASKING_FAILED / ENRICH_FAILED cannot come from input). */
export type InputReasonCode = Exclude<ReasonCode, 'MASKING_FAILED' | 'ENRICH_FAILED'>;

const PROCESSING_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['MASKING_FAILED', 'ENRICH_FAILED']);

export const INPUT_REASON_CODES: readonly InputReasonCode[] = REASON_CODES.filter(
  (reason): reason is InputReasonCode => !PROCESSING_REASONS.has(reason),
);

/** Epoch seconds as the numeric string the upstream service sends. */
export function epochSecondsString(ms: number): string {
  return String(Math.floor(ms / 1000));
}
