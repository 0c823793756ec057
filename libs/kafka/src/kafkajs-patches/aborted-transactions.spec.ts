// kafkajs's read_committed filter (as patched by patches/kafkajs+2.2.4+008+aborted-transactions-order.patch). A
// fetch response lists the partition's aborted transactions in the order they were aborted, not by first offset.
// kafkajs 2.2.4 looked only at the first entry of that list and took at most one per record, so a transaction that
// started earlier but was aborted later let its first records through to a read_committed consumer: the duplicate an
// exactly-once reader saw after a member was killed and its transactions aborted one after the other.
import path from 'node:path';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
interface Message {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
const filterAbortedMessages = require(path.join(kafkajsSrc, 'consumer/filterAbortedMessages')) as (args: {
  messages: Message[];
  abortedTransactions: { firstOffset: string; producerId: string }[];
}) => Message[];

const ABORT_KEY = Buffer.from([0, 0, 0, 0]);
const COMMIT_KEY = Buffer.from([0, 0, 0, 1]);
const record = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  batchContext: { producerId, inTransaction: true },
});
const marker = (offset: number, producerId: string, key: Buffer): Message => ({
  offset: String(offset),
  key,
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});
const kept = (messages: Message[], aborted: [number, string][]) =>
  filterAbortedMessages({
    messages,
    abortedTransactions: aborted.map(([firstOffset, producerId]) => ({ firstOffset: String(firstOffset), producerId })),
  })
    .filter((m) => !m.isControlRecord)
    .map((m) => Number(m.offset));

describe('kafkajs read_committed filtering of aborted transactions (patched)', () => {
  // Producer 7 starts at 0, producer 8 at 1; 8 is aborted first (marker 3), 7 later (marker 4); 9 commits.
  const log = [
    record(0, '7'),
    record(1, '8'),
    record(2, '7'),
    marker(3, '8', ABORT_KEY),
    marker(4, '7', ABORT_KEY),
    record(5, '9'),
    marker(6, '9', COMMIT_KEY),
  ];

  it('drops every record of both aborted transactions when the broker lists them in abort order', () => {
    expect(
      kept(log, [
        [1, '8'],
        [0, '7'],
      ]),
    ).toEqual([5]);
  });

  it('gives the same answer for the list in first-offset order', () => {
    expect(
      kept(log, [
        [0, '7'],
        [1, '8'],
      ]),
    ).toEqual([5]);
  });

  it('marks every transaction a fetch starts inside, not only the first', () => {
    // A fetch from offset 2: both transactions are open there, and the first record seen belongs to the second.
    const fromTwo = [
      record(2, '8'),
      record(3, '7'),
      marker(4, '7', ABORT_KEY),
      marker(5, '8', ABORT_KEY),
      record(6, '9'),
    ];
    expect(
      kept(fromTwo, [
        [0, '7'],
        [1, '8'],
      ]),
    ).toEqual([6]);
  });

  it('keeps a producer’s records after its abort marker, and other producers’ records throughout', () => {
    const mixed = [record(0, '7'), record(1, '9'), marker(2, '7', ABORT_KEY), record(3, '7'), record(4, '9')];
    expect(kept(mixed, [[0, '7']])).toEqual([1, 3, 4]);
  });
});
