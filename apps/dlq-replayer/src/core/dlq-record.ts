import { DLQ_HEADERS, lastHeaderText, parseLineageTime, parseReplayCount } from '@login/event-schema';
import type { ConsumedRecord } from '@login/kafka';

/**
 * What the replayer knows about one DLQ record: its coordinates in the DLQ plus the §4 context decoded from its
 * headers. Every context field is optional because headers can be missing or malformed; `problems` names each
 * header that is present but unusable, or required and absent, so decisions and reports can say why.
 */
export interface DlqRecordView {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly sourceTopic?: string;
  readonly reason?: string;
  readonly stage?: string;
  readonly retryable?: boolean;
  readonly failedAtMs?: number;
  readonly firstFailedAtMs?: number;
  readonly eventId?: string;
  readonly replayCount?: number;
  readonly processor?: string;
  readonly problems: readonly string[];
}

/** Headers a record must carry to be replayed safely (target, selection, loop guard, lineage). */
const REQUIRED = [
  DLQ_HEADERS.topic,
  DLQ_HEADERS.reason,
  DLQ_HEADERS.retryable,
  DLQ_HEADERS.eventId,
  DLQ_HEADERS.replayCount,
] as const;

/** Decodes the DLQ context of a record. Never throws: whatever is wrong ends up in `problems`. */
export function decodeDlqRecord(
  record: Pick<ConsumedRecord, 'partition' | 'offset' | 'key' | 'headers'>,
): DlqRecordView {
  const h = record.headers;
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const t = lastHeaderText(h, name);
    return t === undefined || t === '' ? undefined : t;
  };
  for (const name of REQUIRED) if (text(name) === undefined) problems.push(`${name} missing`);

  // Lineage numbers by the rules the processor applies too: plain decimal, bounded.
  const number = (name: string, parse: (text: string) => number | undefined, expected: string): number | undefined => {
    const raw = text(name);
    const n = raw === undefined ? undefined : parse(raw);
    if (raw !== undefined && n === undefined) problems.push(`${name} not ${expected}`);
    return n;
  };
  const time = (name: string) => number(name, parseLineageTime, 'a decimal epoch-ms time');
  // A dead letter that left its value, key or headers out cannot be re-published as its input was.
  const omitted = text(DLQ_HEADERS.omitted);
  if (omitted !== undefined) problems.push(`${DLQ_HEADERS.omitted} present: a reference dead letter, not replayable`);

  const retryableText = text(DLQ_HEADERS.retryable);
  let retryable: boolean | undefined;
  if (retryableText === 'true') retryable = true;
  else if (retryableText === 'false') retryable = false;
  else if (retryableText !== undefined) problems.push(`${DLQ_HEADERS.retryable} not true/false`);

  const view: DlqRecordView = {
    partition: record.partition,
    offset: BigInt(record.offset),
    key: record.key,
    sourceTopic: text(DLQ_HEADERS.topic),
    reason: text(DLQ_HEADERS.reason),
    stage: text(DLQ_HEADERS.stage),
    retryable,
    failedAtMs: time(DLQ_HEADERS.failedAt),
    firstFailedAtMs: time(DLQ_HEADERS.firstFailedAt),
    eventId: text(DLQ_HEADERS.eventId),
    replayCount: number(DLQ_HEADERS.replayCount, parseReplayCount, 'a decimal replay count'),
    processor: text(DLQ_HEADERS.processor),
    problems,
  };
  return view;
}
