import { createFetchSession } from '../fetch-session';
import { testKafka } from './broker';

/** High watermark per partition: how many records each partition holds (with offsets starting at 0). */
export async function endOffsets(topic: string): Promise<Map<number, bigint>> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Total number of records appended to a topic (sum of high watermarks; topics in tests are never compacted). */
export async function recordCount(topic: string): Promise<number> {
  let total = 0n;
  for (const high of (await endOffsets(topic)).values()) total += high;
  return Number(total);
}

/** The group's committed offset per partition (-1 where nothing was committed). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every consumer group on the broker that has committed an offset on `topic`, with those offsets. For tests that
 * prove a read committed nothing anywhere (not only in the groups the test knows about).
 */
export async function groupsWithOffsets(topic: string): Promise<Map<string, Map<number, bigint>>> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const found = new Map<string, Map<number, bigint>>();
    for (const { groupId } of groups) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = (entry?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n);
      if (committed.length > 0) found.set(groupId, new Map(committed.map((p) => [p.partition, BigInt(p.offset)])));
    }
    return found;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Partitions of `topic` holding an open transaction right now: their last stable offset is below their high
 * watermark (records written in a transaction that is neither committed nor aborted yet). From one Fetch per
 * partition leader, which reports both offsets.
 */
export async function partitionsWithOpenTransactions(topic: string): Promise<number[]> {
  const session = createFetchSession(testKafka('test-lso'));
  await session.connect(topic);
  try {
    const admin = testKafka('test-admin').admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(topic)).map((o) => o.partition);
    await admin.disconnect();
    const open: number[] = [];
    for (const [nodeId, led] of session.leaders(topic, partitions)) {
      const fetched = await session.fetch(nodeId, {
        topic,
        partitions: led.map((partition) => ({ partition, fetchOffset: 0n })),
        maxWaitTimeMs: 10,
        maxBytesPerPartition: 1,
        maxBytes: 1,
      });
      for (const p of fetched) if (BigInt(p.lastStableOffset) < BigInt(p.highWatermark)) open.push(p.partition);
    }
    return open.sort((a, b) => a - b);
  } finally {
    await session.disconnect();
  }
}
