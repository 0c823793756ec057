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
