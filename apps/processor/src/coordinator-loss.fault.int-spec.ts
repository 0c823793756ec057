// Fault test on a three-broker cluster: the broker that coordinates the processor's consumer group is SIGKILLed
// mid-stream and left down for 60 s. Commits must resume as soon as another broker becomes the group's coordinator,
// long before the old one returns (kafkajs 2.2.4 kept asking the dead broker: patches/kafkajs+2.2.4+001), and every
// input must still get its outcome. `npm run soak` repeats this file.
import { CLUSTER_BASE_PORTS, sumOffsets, waitFor } from '@login/kafka/testing';
import {
  committedDuringFaults,
  drainAndAccount,
  expectEveryInputAccounted,
  reportStreamFault,
  STREAM_TOTAL,
  useThreeBrokers,
} from './testing/three-brokers';

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorCoordinatorLoss, 'processor-coordinator-loss');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DOWN_MS = 60_000;

it('the group coordinator SIGKILLed and left down for 60 s: commits resume with a new coordinator, nothing lost', async () => {
  const cluster = brokers.cluster();
  const { t, processor } = await brokers.streamThroughProcessor('coordinator-loss', {});
  const committed = async () => sumOffsets((await committedDuringFaults(t.group, t.input)).values());
  await waitFor('a tenth committed', async () => (await committed()) >= STREAM_TOTAL / 10, 120_000);
  const coordinator = await cluster.coordinator(t.group);
  const atKill = await committed();
  await cluster.killNode(coordinator);
  const killedAt = Date.now();

  await waitFor(
    () => `commits did not resume while the coordinator's broker was down:\n${processor.logs.slice(-20).join('\n')}`,
    async () => (await committed()) > atKill,
    DOWN_MS - 5000,
  );
  const resumedMs = Date.now() - killedAt;
  const newCoordinator = await cluster.coordinator(t.group);
  await sleep(Math.max(0, DOWN_MS - (Date.now() - killedAt)));
  await cluster.startNode(coordinator);

  const result = await drainAndAccount(t, processor);
  reportStreamFault('coordinator loss', result, processor, resumedMs, { killedBroker: coordinator, newCoordinator });
  expect(newCoordinator).not.toBe(coordinator);
  // Well before the old broker came back at 60 s.
  expect(resumedMs).toBeLessThan(45_000);
  expectEveryInputAccounted(result, processor, 'at_least_once');
}, 300_000);
