import configs from './topic-configs.json';

/**
 * Topic configs for the dead letter and parked topics. A dead letter is its input byte for byte plus the
 * `__dlq.errors.*` headers (about 1 KB), so an input at its topic's size limit (the broker default, 1 MiB) would be
 * refused by a DLQ topic with the same limit, and the processor could not move past it. 2 MiB leaves room.
 * Retention is explicit, 7 days, never the broker's default (which a cluster may set to forever): dead letters and
 * parked records are raw-PII copies of the input. A week covers a failure found on Friday and replayed on Monday;
 * after that the copy is gone instead of living as long as the cluster.
 * The replayer creates the parked topic with this config when it does not exist (apps/dlq-replayer/src/adapters/replay.ts).
 * The same JSON is read by `tools/kafka` (topic setup), so local, test and CI topics agree.
 */
export const DLQ_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({ ...configs.deadLetter });
