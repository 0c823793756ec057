import type { OutgoingRecord } from '../types';
import { testKafka } from './broker';

type RawRecord = Omit<OutgoingRecord, 'topic'>;

export interface RecordStream {
  /** Resolves with the number of records produced once all `total` are acknowledged (or after stop()). */
  readonly done: Promise<number>;
  /** Records acknowledged so far. */
  produced(): number;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Produces `total` records made by `make(i)` to `topic` at about `perSecond`, in the background, for tests that
 * break something in the middle of a stream. A failed send (a broker being killed) is retried until it succeeds,
 * so every record i is in the topic at least once (a resend can duplicate one: each copy is its own input record).
 */
export function produceStream(
  topic: string,
  make: (i: number) => RawRecord,
  { total, perSecond, batch = 200 }: { total: number; perSecond: number; batch?: number },
): RecordStream {
  let produced = 0;
  let stopped = false;
  const done = (async () => {
    const producer = testKafka('test-stream').producer({ allowAutoTopicCreation: false, idempotent: true });
    await producer.connect();
    const started = Date.now();
    try {
      while (produced < total && !stopped) {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond) + batch);
        if (due <= produced) {
          await sleep(20);
          continue;
        }
        const n = Math.min(batch, due - produced);
        const messages = Array.from({ length: n }, (_, k) => {
          const r = make(produced + k);
          return {
            key: r.key,
            value: r.value,
            headers: r.headers,
            ...(r.partition === undefined ? {} : { partition: r.partition }),
          };
        });
        for (;;) {
          try {
            await producer.send({ topic, acks: -1, messages });
            break;
          } catch {
            // A broker is down on purpose: send the batch again once the cluster has moved its leaders.
            if (stopped) return produced;
            await sleep(500);
          }
        }
        produced += n;
      }
      return produced;
    } finally {
      await producer.disconnect();
    }
  })();
  return { done, produced: () => produced, stop: () => void (stopped = true) };
}
