import { createTestTopic, uniqueName } from '@login/kafka/testing';
import { ProcessorProcess } from './processor-process';

export interface GroupTopics {
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly group: string;
}

/**
 * Fresh input, output and DLQ topics of `partitions` partitions and a group name, for fault tests that start and
 * stop members of one consumer group. `start()` spawns one more processor of the group with `env`, and records it in
 * `running` (for killLeftovers in afterEach).
 */
export async function processorGroup(
  prefix: string,
  partitions: number,
  env: Record<string, string>,
  running: ProcessorProcess[],
): Promise<{ t: GroupTopics; start(): Promise<ProcessorProcess> }> {
  const t = {
    input: await createTestTopic(`${prefix}-in`, { partitions }),
    output: await createTestTopic(`${prefix}-out`, { partitions }),
    dlq: await createTestTopic(`${prefix}-dlq`, { partitions }),
    group: uniqueName(prefix),
  };
  const start = async () => {
    const p = await ProcessorProcess.start({ ...t, env });
    running.push(p);
    return p;
  };
  return { t, start };
}
