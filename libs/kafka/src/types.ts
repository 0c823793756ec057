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
