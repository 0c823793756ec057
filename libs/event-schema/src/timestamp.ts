/** 2000-01-01T00:00:00Z: earlier event times are treated as garbage clocks, not as history. */
export const EARLIEST_EVENT_TIME_MS = 946_684_800_000;

/** Epoch values at or above this are milliseconds (10^12 s would be year 33658). */
export const MILLISECONDS_THRESHOLD = 1_000_000_000_000;

/** Epoch milliseconds of a schema-valid `timestamp` (non-negative integer or string of digits). */
export function eventTimeMs(timestamp: number | string): number {
  const value = typeof timestamp === 'number' ? timestamp : Number(timestamp);
  return value >= MILLISECONDS_THRESHOLD ? value : value * 1000;
}

/**
 * How far beyond the allowed clock skew an event time may lie and still be worth a replay (one day): a clock that
 * is minutes or hours ahead catches up, an event dated in year 9999 never becomes valid.
 */
export const FUTURE_REPLAY_HORIZON_MS = 86_400_000;

/** `in-future`: a replay can succeed once the clocks catch up; `far-future` and `too-early`: no replay ever can. */
export type TimeWindowCheck = 'ok' | 'too-early' | 'in-future' | 'far-future';

export function checkEventTime(eventMs: number, nowMs: number, maxClockSkewMs: number): TimeWindowCheck {
  if (eventMs < EARLIEST_EVENT_TIME_MS) return 'too-early';
  if (eventMs > nowMs + maxClockSkewMs + FUTURE_REPLAY_HORIZON_MS) return 'far-future';
  if (eventMs > nowMs + maxClockSkewMs) return 'in-future';
  return 'ok';
}
