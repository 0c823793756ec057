// The reader of the dead-letter record (docs/contracts.md "Dead letter record"), next to its writer (encode.ts) so
// that one round-trip table (dead-letter.spec.ts) pins both: the replayer decides on what this returns.
import { parseLineageTime, parseReplayCount } from '../lineage';
import { lastHeaderText } from '../record-headers';
import type { HeaderValues } from '../record-headers';
import { DLQ_HEADERS } from './headers';

/**
 * What the replayer knows about one DLQ record: its coordinates in the DLQ plus the §4 context decoded from its
 * headers. Every context field is optional because headers can be missing or malformed; `problems` names each
 * header that is present but unusable, or required and absent, so decisions and reports can say why.
 */
export interface DeadLetterView {
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

/** The parts of a consumed DLQ record the reader looks at (libs/kafka's ConsumedRecord has them). */
export interface DeadLetterInput {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly headers: HeaderValues;
}

/** Headers a record must carry to be replayed safely (target, selection, loop guard, lineage). */
const REQUIRED = [
  DLQ_HEADERS.topic,
  DLQ_HEADERS.reason,
  DLQ_HEADERS.retryable,
  DLQ_HEADERS.eventId,
  DLQ_HEADERS.replayCount,
] as const;

/** A header's text by the shared last-value rule; empty counts as absent (an empty topic is no target). */
function text(headers: HeaderValues, name: string): string | undefined {
  const t = lastHeaderText(headers, name);
  return t === undefined || t === '' ? undefined : t;
}

/** Lineage numbers by the rules the processor applies too: plain decimal, bounded. */
function number(
  headers: HeaderValues,
  name: string,
  parse: (text: string) => number | undefined,
  expected: string,
  problems: string[],
): number | undefined {
  const raw = text(headers, name);
  const n = raw === undefined ? undefined : parse(raw);
  if (raw !== undefined && n === undefined) problems.push(`${name} not ${expected}`);
  return n;
}

function time(headers: HeaderValues, name: string, problems: string[]): number | undefined {
  return number(headers, name, parseLineageTime, 'a decimal epoch-ms time', problems);
}

/** Only the writer's exact `true` / `false`: anything else must not let a record through the retryable filter. */
function retryable(headers: HeaderValues, problems: string[]): boolean | undefined {
  const raw = text(headers, DLQ_HEADERS.retryable);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw !== undefined) problems.push(`${DLQ_HEADERS.retryable} not true/false`);
  return undefined;
}

/** Problems known before any value is parsed: required headers absent, and a reference dead letter. */
function structuralProblems(headers: HeaderValues): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED) if (text(headers, name) === undefined) problems.push(`${name} missing`);
  // A dead letter that left its value, key or headers out cannot be re-published as its input was.
  if (text(headers, DLQ_HEADERS.omitted) !== undefined) {
    problems.push(`${DLQ_HEADERS.omitted} present: a reference dead letter, not replayable`);
  }
  return problems;
}

/** Decodes the DLQ context of a record. Never throws: whatever is wrong ends up in `problems`. */
export function decodeDeadLetter(record: DeadLetterInput): DeadLetterView {
  const h = record.headers;
  const problems = structuralProblems(h);
  // Read in this order so that `problems` lists them in it: retryable, the two times, the replay count.
  const isRetryable = retryable(h, problems);
  const failedAtMs = time(h, DLQ_HEADERS.failedAt, problems);
  const firstFailedAtMs = time(h, DLQ_HEADERS.firstFailedAt, problems);
  const replayCount = number(h, DLQ_HEADERS.replayCount, parseReplayCount, 'a decimal replay count', problems);
  return {
    partition: record.partition,
    offset: BigInt(record.offset),
    key: record.key,
    sourceTopic: text(h, DLQ_HEADERS.topic),
    reason: text(h, DLQ_HEADERS.reason),
    stage: text(h, DLQ_HEADERS.stage),
    retryable: isRetryable,
    failedAtMs,
    firstFailedAtMs,
    eventId: text(h, DLQ_HEADERS.eventId),
    replayCount,
    processor: text(h, DLQ_HEADERS.processor),
    problems,
  };
}
