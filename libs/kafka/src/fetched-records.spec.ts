import type { FetchedMessage } from './fetch-session';
import { visibleRecords } from './fetched-records';

/** A fetched record of a batch starting at `first` with `count` offsets, by producer `pid`. */
function record(
  offset: number,
  batch: { first: number; count: number; pid?: string; txn?: boolean },
  control?: 'commit' | 'abort',
): FetchedMessage {
  return {
    offset: String(offset),
    timestamp: '0',
    key: control === undefined ? Buffer.from(`k${offset}`) : Buffer.from([0, 0, 0, control === 'abort' ? 0 : 1]),
    value: null,
    ...(control === undefined ? {} : { isControlRecord: true }),
    batchContext: {
      firstOffset: String(batch.first),
      lastOffsetDelta: batch.count - 1,
      producerId: batch.pid ?? '-1',
      inTransaction: batch.txn ?? false,
    },
  };
}

const offsets = (messages: readonly FetchedMessage[]) => messages.map((m) => Number(m.offset));

describe('visibleRecords (what a read_committed reader hands over from one fetched partition)', () => {
  it('drops the records before the fetch position that came back with their batch, and moves to the end of the batch', () => {
    const batch = { first: 10, count: 5 };
    const fetched = { abortedTransactions: [], messages: [10, 11, 12, 13, 14].map((o) => record(o, batch)) };
    expect(offsets(visibleRecords(fetched, 12n).messages)).toEqual([12, 13, 14]);
    expect(visibleRecords(fetched, 12n).next).toBe(15n);
  });

  it('skips transaction markers and moves past them, so a partition ending in a marker is read to its end', () => {
    const data = { first: 0, count: 2, pid: '7', txn: true };
    const marker = { first: 2, count: 1, pid: '7', txn: true };
    const fetched = {
      abortedTransactions: [],
      messages: [record(0, data), record(1, data), record(2, marker, 'commit')],
    };
    const { messages, next } = visibleRecords(fetched, 0n);
    expect(offsets(messages)).toEqual([0, 1]);
    expect(next).toBe(3n);
  });

  it("drops an aborted transaction's records (and only that producer's), then keeps reading after its abort marker", () => {
    const aborted = { first: 0, count: 2, pid: '7', txn: true };
    const other = { first: 2, count: 1, pid: '8', txn: true };
    const abortMarker = { first: 3, count: 1, pid: '7', txn: true };
    const commitMarker = { first: 4, count: 1, pid: '8', txn: true };
    const later = { first: 5, count: 1, pid: '7', txn: true };
    const plain = { first: 6, count: 1 };
    const fetched = {
      abortedTransactions: [{ producerId: '7', firstOffset: '0' }],
      messages: [
        record(0, aborted),
        record(1, aborted),
        record(2, other),
        record(3, abortMarker, 'abort'),
        record(4, commitMarker, 'commit'),
        record(5, later),
        record(6, plain),
      ],
    };
    const { messages, next } = visibleRecords(fetched, 0n);
    expect(offsets(messages)).toEqual([2, 5, 6]);
    expect(next).toBe(7n);
  });

  it('drops an aborted transaction that began before the fetch position', () => {
    const aborted = { first: 0, count: 4, pid: '9', txn: true };
    const fetched = {
      abortedTransactions: [{ producerId: '9', firstOffset: '0' }],
      messages: [0, 1, 2, 3]
        .map((o) => record(o, aborted))
        .concat(record(4, { first: 4, count: 1, pid: '9', txn: true }, 'abort')),
    };
    expect(visibleRecords(fetched, 2n)).toEqual({ messages: [], next: 5n });
  });

  it('keeps non-transactional records of a producer id that also aborted a transaction', () => {
    const fetched = {
      abortedTransactions: [{ producerId: '5', firstOffset: '0' }],
      messages: [record(0, { first: 0, count: 1, pid: '5', txn: false })],
    };
    expect(offsets(visibleRecords(fetched, 0n).messages)).toEqual([0]);
  });

  it('never moves the position back, and an empty fetch leaves it where it was', () => {
    expect(visibleRecords({ abortedTransactions: [], messages: [] }, 42n)).toEqual({ messages: [], next: 42n });
    const old = { abortedTransactions: [], messages: [record(3, { first: 3, count: 1 })] };
    expect(visibleRecords(old, 10n)).toEqual({ messages: [], next: 10n });
  });
});
