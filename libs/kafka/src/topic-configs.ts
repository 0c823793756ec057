import configs from './topic-configs.json';

/**
 * Topic configs for the dead letter and parked topics. A dead letter is its input byte for byte plus the
 * `__dlq.errors.*` headers (about 1 KB), so an input at its topic's size limit (the broker default, 1 MiB) would be
 * refused by a DLQ topic with the same limit, and the processor could not move past it. 2 MiB leaves room.
 * The same JSON is read by `tools/kafka` (topic setup), so local, test and CI topics agree.
 */
export const DLQ_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({ ...configs.deadLetter });
