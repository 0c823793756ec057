// Public record types of libs/kafka. They are ours, not kafkajs's: the client behind them can be swapped.

/** Header values as they travel on the wire. A header may repeat, so a name can hold several values. */
export type RecordHeaders = Record<string, Buffer | Buffer[] | undefined>;

/** A record read from Kafka, with its coordinates. Offsets are int64, kept as decimal strings. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /**
   * Only on the stand-in for a compressed record batch that decompresses past the limit (decompression-limit.ts):
   * the record sits at the batch's last offset, without key, value or headers, and stands for the whole batch.
   */
  readonly oversizedBatch?: OversizedBatch;
}

/** What is known of a record batch that was not decompressed: where it lies and how large it was on the wire. */
export interface OversizedBatch {
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** Records the batch says it holds. */
  readonly records: number;
  readonly compressedBytes: number;
  readonly limitBytes: number;
}

/** A record to produce. Strings are sent as UTF-8. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, Buffer | string | Array<Buffer | string>>;
  readonly partition?: number;
  readonly timestamp?: string;
}
