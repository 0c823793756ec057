// Delivery of one send with a per-partition acknowledgement: the record producer's core, pure over an injected
// request function so that every failure path is unit-tested without a broker.
//
// A send is done only when every topic-partition in it has an acknowledgement for every one of its records. Records
// are queued per topic-partition (their partition is decided before anything is sent); each produce request takes
// the next slice of every queue within a byte budget per topic-partition, because the client puts one partition's
// records of one request into one record batch and the broker refuses a batch over the topic's
// `max.message.bytes` (MESSAGE_TOO_LARGE, not retriable). A queue advances only past records its partition
// acknowledged. When a request fails, or succeeds without an acknowledgement for a partition it carried (kafkajs
// 2.2.4 did that after a leader move, upstream issue #1303), nothing acknowledged is sent again: the next attempt
// resends exactly the unacknowledged slices, in order, so each partition's order is kept and nothing is lost.
import { KafkaAdapterError, toAdapterError } from '../errors';
import type { CompressionCodec } from '../options';
import type { OutgoingRecord } from '../types';
import { estimateRecordBytes } from './record-size';

/** A record whose partition is decided: what a delivery queues. */
export type PartitionedRecord = OutgoingRecord & { readonly partition: number };

/** The records of one topic-partition in one produce request, in order. */
export interface PartitionSlice {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly PartitionedRecord[];
}

/** One produce request: slices of distinct topic-partitions, all with one compression codec. */
export interface ProduceRequest {
  readonly codec: CompressionCodec;
  readonly slices: readonly PartitionSlice[];
}

/** A partition's answer to a produce request (kafkajs's RecordMetadata, in our names). */
export interface PartitionAck {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** Sends one request and resolves with the acknowledgements the broker(s) returned, or rejects. */
export type SendRequest = (request: ProduceRequest) => Promise<readonly PartitionAck[]>;

export interface DeliveryOptions {
  /** Byte budget of one topic-partition's records in one request (a larger record goes alone). */
  readonly maxBatchBytes: number;
  /** The codec of a topic's records (default none). */
  readonly codecOf?: (topic: string) => CompressionCodec;
}

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly codec: CompressionCodec;
  readonly records: PartitionedRecord[];
  readonly sizes: number[];
  /** Index of the first record not yet acknowledged. */
  next: number;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The state of one send. `run(send)` sends requests until every record is acknowledged; when a request fails it
 * rejects with a KafkaAdapterError (`canRetry` says whether another `run` can succeed) and keeps its state, so the
 * caller's retry (another `run`) resends only what is still unacknowledged.
 */
export class Delivery {
  private readonly queues: PartitionQueue[] = [];
  private readonly total: number;
  private acked = 0;

  constructor(
    records: readonly PartitionedRecord[],
    private readonly options: DeliveryOptions,
  ) {
    if (!Number.isInteger(options.maxBatchBytes) || options.maxBatchBytes < 1) {
      throw new RangeError(`maxBatchBytes must be a positive integer, got ${options.maxBatchBytes}`);
    }
    const byPartition = new Map<string, PartitionQueue>();
    for (const record of records) {
      const key = tpKey(record.topic, record.partition);
      let queue = byPartition.get(key);
      if (!queue) {
        const codec = options.codecOf?.(record.topic) ?? 'none';
        queue = { topic: record.topic, partition: record.partition, codec, records: [], sizes: [], next: 0 };
        byPartition.set(key, queue);
        this.queues.push(queue);
      }
      queue.records.push(record);
      queue.sizes.push(estimateRecordBytes(record));
    }
    this.total = records.length;
  }

  /** Records acknowledged so far. */
  get acknowledged(): number {
    return this.acked;
  }

  /** Records not acknowledged yet. */
  get pending(): number {
    return this.total - this.acked;
  }

  get done(): boolean {
    return this.acked === this.total;
  }

  /** The next request: per open partition of the first codec with work, its next records within the budget. */
  nextRequest(): ProduceRequest | undefined {
    const open = this.queues.filter((q) => q.next < q.records.length);
    const codec = open[0]?.codec;
    if (codec === undefined) return undefined;
    const slices: PartitionSlice[] = [];
    for (const queue of open) {
      if (queue.codec !== codec) continue;
      let end = queue.next;
      let bytes = 0;
      // At least one record, so a record over the budget is still sent (alone) and the broker decides.
      while (
        end < queue.records.length &&
        (end === queue.next || bytes + (queue.sizes[end] ?? 0) <= this.options.maxBatchBytes)
      ) {
        bytes += queue.sizes[end] ?? 0;
        end += 1;
      }
      slices.push({ topic: queue.topic, partition: queue.partition, records: queue.records.slice(queue.next, end) });
    }
    return { codec, slices };
  }

  /** Marks the slices the acknowledgements cover as delivered; returns the slices left without one. */
  acknowledge(request: ProduceRequest, acks: readonly PartitionAck[]): PartitionSlice[] {
    const ok = new Set(acks.filter((a) => a.errorCode === 0).map((a) => tpKey(a.topic, a.partition)));
    const missing: PartitionSlice[] = [];
    for (const slice of request.slices) {
      if (!ok.has(tpKey(slice.topic, slice.partition))) {
        missing.push(slice);
        continue;
      }
      const queue = this.queues.find((q) => q.topic === slice.topic && q.partition === slice.partition);
      // A slice always starts at its queue's first unacknowledged record (requests are sent one at a time).
      if (queue) queue.next += slice.records.length;
      this.acked += slice.records.length;
    }
    return missing;
  }

  /** Sends until everything is acknowledged; see the class comment for what a rejection leaves behind. */
  async run(send: SendRequest): Promise<void> {
    for (let request = this.nextRequest(); request; request = this.nextRequest()) {
      let acks: readonly PartitionAck[];
      try {
        acks = await send(request);
      } catch (err) {
        throw toAdapterError(
          err,
          `send of ${this.total} records failed (${this.acked} acknowledged before the failed request)`,
        );
      }
      const missing = this.acknowledge(request, acks);
      if (missing.length > 0) {
        const where = missing.map((s) => `${s.topic}/${s.partition}`).join(', ');
        throw new KafkaAdapterError(
          `the broker acknowledged a send without ${where}: ${this.pending} records not acknowledged will be resent`,
          { code: 'MISSING_ACKNOWLEDGEMENT', canRetry: true },
        );
      }
    }
  }
}
