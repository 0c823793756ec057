import { estimateRecordBytes, type ConsumedRecord, type OutgoingRecord } from '@login/kafka';
import { decodeDeadLetter, type DeadLetterView } from '@login/event-schema';
import { parkedHeaders, replayHeaders, type ReplayRun } from './lineage';
import { replayDecision, type ReplayDecision, type ReplayOptions } from './replay-decision';

/** The largest record batch each destination accepts (its `max.message.bytes`). */
export interface DestinationLimits {
  readonly targetMaxBytes: number;
  readonly parkedMaxBytes: number;
}

export interface PlanOptions extends ReplayOptions {
  readonly parkedTopic: string;
}

export interface PlannedRecord {
  readonly view: DeadLetterView;
  readonly decision: ReplayDecision;
  /** What to write for a replay (to the input topic) or a park (to the parked topic); none for a skip. */
  readonly outgoing?: OutgoingRecord;
}

/** Header of a v2 record batch: a record sent alone still pays it, and the broker's limit counts it. */
const RECORD_BATCH_OVERHEAD = 61;

/** An upper bound of the record batch holding `record` alone, as the broker measures it against its limit. */
export function batchBytes(record: OutgoingRecord): number {
  return RECORD_BATCH_OVERHEAD + estimateRecordBytes(record);
}

/**
 * What happens to one DLQ record, with the record to write. `replayDecision` decides by headers and selection;
 * then the size: the lineage headers a replay adds can push a record that fitted the DLQ (whose limit is larger)
 * over the input topic's limit, where the broker would refuse it and stop the run. Such a record is parked with
 * reason TOO_LARGE_FOR_TARGET instead; one that would not even fit the parked topic is skipped (TOO_LARGE_TO_PARK)
 * and stays in the DLQ. Pure.
 */
export function planRecord(
  record: ConsumedRecord,
  options: PlanOptions,
  limits: DestinationLimits,
  run: ReplayRun,
): PlannedRecord {
  const view = decodeDeadLetter(record);
  let decision = replayDecision(view, options);
  if (decision.action === 'replay') {
    const outgoing: OutgoingRecord = {
      topic: decision.target,
      key: record.key,
      value: record.value,
      headers: replayHeaders(record.headers, view, run, record.value),
    };
    const size = batchBytes(outgoing);
    if (size <= limits.targetMaxBytes) return { view, decision, outgoing };
    decision = {
      action: 'park',
      reason: 'TOO_LARGE_FOR_TARGET',
      detail: `${size} bytes > ${limits.targetMaxBytes} (max.message.bytes of ${decision.target})`,
    };
  }
  if (decision.action === 'park') {
    const outgoing: OutgoingRecord = {
      topic: options.parkedTopic,
      key: record.key,
      value: record.value,
      headers: parkedHeaders(record.headers, run, decision.reason),
    };
    const size = batchBytes(outgoing);
    if (size <= limits.parkedMaxBytes) return { view, decision, outgoing };
    return {
      view,
      decision: {
        action: 'skip',
        reason: 'TOO_LARGE_TO_PARK',
        detail: `${size} bytes > ${limits.parkedMaxBytes} (max.message.bytes of ${options.parkedTopic})`,
      },
    };
  }
  return { view, decision };
}
