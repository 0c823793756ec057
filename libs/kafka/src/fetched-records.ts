// What a read_committed reader may hand over from one fetched partition, and where its next fetch starts. Pure.
import type { FetchedMessage, FetchedPartition } from './fetch-session';

/** The key of a transaction's abort marker: control record version 0, type 0 (abort). */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

export interface VisibleRecords {
  /** Records at or after the fetch position, in offset order, without control records or aborted transactions. */
  readonly messages: FetchedMessage[];
  /**
   * The position after everything fetched: the end of the last record batch (which may lie past its last record,
   * e.g. a transaction marker), never before `position`. The next fetch starts there.
   */
  readonly next: bigint;
}

function isAbortMarker(message: FetchedMessage): boolean {
  return message.isControlRecord === true && message.key !== null && message.key.equals(ABORT_MARKER_KEY);
}

/**
 * Sorts one fetched partition the way a read_committed consumer must: the broker returns whole record batches, so
 * records before the fetch position come back too; it returns the records of aborted transactions as well, listing
 * those transactions (producer id and first offset) for the client to drop; and it returns transaction markers.
 */
export function visibleRecords(
  fetched: Pick<FetchedPartition, 'abortedTransactions' | 'messages'>,
  position: bigint,
): VisibleRecords {
  const pendingAborts = [...fetched.abortedTransactions].sort((a, b) =>
    BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : 1,
  );
  const aborting = new Set<string>();
  const messages: FetchedMessage[] = [];
  let next = position;
  for (const message of fetched.messages) {
    const offset = BigInt(message.offset);
    const { firstOffset, lastOffsetDelta, producerId, inTransaction } = message.batchContext;
    const batchEnd = BigInt(firstOffset) + BigInt(lastOffsetDelta) + 1n;
    if (batchEnd > next) next = batchEnd;
    // Entering an aborted transaction's range: that producer's transactional records are dropped until its marker.
    for (
      let first = pendingAborts[0];
      first !== undefined && offset >= BigInt(first.firstOffset);
      first = pendingAborts[0]
    ) {
      aborting.add(first.producerId);
      pendingAborts.shift();
    }
    if (isAbortMarker(message)) {
      aborting.delete(producerId);
      continue;
    }
    if (message.isControlRecord === true) continue;
    if (inTransaction && aborting.has(producerId)) continue;
    if (offset >= position) messages.push(message);
  }
  return { messages, next };
}
