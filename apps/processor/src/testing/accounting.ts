import { DLQ_HEADERS, lastHeaderText } from '@login/event-schema';
import { eventIdFor } from '@login/enrichment';
import type { ConsumedRecord } from '@login/kafka';
import { committedOffsets, endOffsets, readToEnd, waitFor } from '@login/kafka/testing';

export interface Accounting {
  readonly inputs: number;
  readonly outputs: number;
  readonly deadLetters: number;
  readonly missing: string[];
  readonly duplicates: number;
  readonly unknown: number;
}

/** The event_id each input record should have, from its coordinates. */
export async function expectedEventIds(topic: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const [partition, high] of await endOffsets(topic)) {
    for (let offset = 0n; offset < high; offset++) ids.add(eventIdFor({ topic, partition, offset: String(offset) }));
  }
  return ids;
}

/**
 * Reads the whole output and DLQ topics as a read_committed consumer would (records of aborted transactions are not
 * there) and checks that every input record has an outcome (by event_id).
 */
export async function account(
  input: string,
  output: string,
  dlq: string,
): Promise<Accounting & { outputRecords: ConsumedRecord[]; dlqRecords: ConsumedRecord[] }> {
  const expected = await expectedEventIds(input);
  const outputRecords = await readToEnd(output, { timeoutMs: 120_000 });
  const dlqRecords = await readToEnd(dlq, { timeoutMs: 120_000 });
  const seen = new Map<string, number>();
  for (const r of outputRecords) {
    const id = (JSON.parse(r.value!.toString('utf8')) as { event_id: string }).event_id;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const r of dlqRecords) {
    const id = lastHeaderText(r.headers, DLQ_HEADERS.eventId) ?? 'none';
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  let unknown = 0;
  for (const [id, n] of seen) {
    if (!expected.has(id)) unknown += n;
    else duplicates += n - 1;
  }
  return {
    inputs: expected.size,
    outputs: outputRecords.length,
    deadLetters: dlqRecords.length,
    missing: [...expected].filter((id) => !seen.has(id)),
    duplicates,
    unknown,
    outputRecords,
    dlqRecords,
  };
}

/** Waits until the group has committed the end offset of every partition of `topic`. */
export async function drained(
  group: string,
  topic: string,
  committed: (g: string, t: string) => Promise<Map<number, bigint>>,
): Promise<boolean> {
  const ends = await endOffsets(topic);
  const done = await committed(group, topic);
  return [...ends].every(([p, high]) => (done.get(p) ?? -1n) >= high);
}

/** Polls until the group has committed all of its input; `what` is the timeout's message (say, the last log lines). */
export async function waitUntilDrained(
  pipeline: { readonly group: string; readonly input: string },
  what: string | (() => string),
  timeoutMs: number,
): Promise<void> {
  await waitFor(what, () => drained(pipeline.group, pipeline.input, committedOffsets), timeoutMs);
}
