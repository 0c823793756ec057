// The DLQ contract of docs/contracts.md "Dead letter record" comes from @login/event-schema, the single place that decides header names,
// reason codes and stages; the replayer adds only the headers it owns.
export { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, REASON_CODES, STAGES } from '@login/event-schema';

/** Headers the replayer itself owns (not in docs/contracts.md "Dead letter record" table, which the processor writes). */
export const REPLAYER_HEADERS = {
  /** Prefix of the per-run headers a replay adds; the previous round's values are replaced, never stacked. */
  replayPrefix: '__dlq.replay.',
  /** On a parked record: when the replayer parked it (epoch ms), and which run did. */
  parkedAt: '__dlq.parked.at',
  parkedRunId: '__dlq.parked.run.id',
  /** Why it was parked: MAX_REPLAYS_REACHED (the loop guard) or TOO_LARGE_FOR_TARGET (over the input's limit). */
  parkedReason: '__dlq.parked.reason',
} as const;
