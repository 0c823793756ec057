// The long soak (`npm run soak -- --duration 60m --faults`; not part of `npm test`): the generator at a steady rate
// into three brokers behind toxiproxy, one processor, and a fault every few minutes from the gray-failure list
// (latency, a black-holed leader, a bandwidth limit, a frozen broker, the processor SIGKILLed and restarted). Every
// 10 s it samples the processor's RSS, the group's lag and its commits; at the end it counts every input's outcome by
// event_id and writes a report and an SVG plot of lag and RSS (tools/soak/results by default).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLUSTER_BASE_PORTS, endOffsets, sumOffsets, waitFor } from '@login/kafka/testing';
import type { LocalCluster } from '@login/kafka/testing';
import { account, drained } from './testing/accounting';
import { ProcessorProcess } from './testing/processor-process';
import { rssQuarters, soakPlot } from './testing/soak-plot';
import type { SoakFaultSpan, SoakSample } from './testing/soak-plot';
import { clearGrayFaults, GRAY_FAULTS } from './testing/gray-faults';
import { committedDuringFaults, useThreeBrokers } from './testing/three-brokers';
import type { Topics } from './testing/three-brokers';

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorLongSoak, 'processor-long-soak', { proxy: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DURATION_MS = env('SOAK_DURATION_MS', 60 * 60_000);
const RATE = env('SOAK_RATE', 500);
const FAULT_EVERY_MS = env('SOAK_FAULT_EVERY_MS', 5 * 60_000);
const GUARANTEE = process.env['SOAK_GUARANTEE'] ?? 'at_least_once';
const RESULTS = path.resolve(process.env['SOAK_RESULTS_DIR'] ?? path.join(__dirname, '../../../tools/soak/results'));
const GENERATOR = path.resolve(__dirname, '../../../dist/apps/generator/main.js');

interface Fault {
  readonly name: string;
  readonly ms: number;
  on(cluster: LocalCluster, t: Topics): Promise<void>;
  off(cluster: LocalCluster): Promise<void>;
}

let frozen: number | undefined;
const FAULTS: readonly Fault[] = [
  ...GRAY_FAULTS.map((f) => ({
    name: f.name,
    ms: f.seconds * 1000,
    on: async (c: LocalCluster, t: Topics) => void (await f.on(c, t)),
    off: clearGrayFaults,
  })),
  {
    name: 'leader of most partitions frozen (SIGSTOP)',
    ms: 45_000,
    on: async (c, t) => {
      frozen = await c.leaderOfMost(t.input);
      await c.freezeNode(frozen);
    },
    off: async (c) => {
      if (frozen !== undefined) await c.thawNode(frozen);
      frozen = undefined;
    },
  },
];

function rssMiB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

// A processor restarted by the test is not the fixture's: stopped here, whatever happened.
let restarted: ProcessorProcess | undefined;
afterAll(() => restarted?.kill('SIGKILL'));

describe('long soak', () => {
  it(
    `${DURATION_MS / 60_000} min at ${RATE} events/s with a fault every ${FAULT_EVERY_MS / 60_000} min: nothing lost`,
    async () => {
      const cluster = brokers.cluster();
      const {
        t,
        processor: first,
        env: processorEnv,
      } = await brokers.streamThroughProcessor(
        'long-soak',
        {
          PROCESSING_GUARANTEE: GUARANTEE,
          LOG_LEVEL: 'warn',
        },
        { records: 0 },
      );
      let processor = first;
      let unexpectedExits = 0;
      const watch = (p: ProcessorProcess) => void p.exited.then(() => p === processor && unexpectedExits++);
      watch(processor);
      const generator = spawn(
        process.execPath,
        [
          GENERATOR,
          '--topic',
          t.input,
          '--rate',
          String(RATE),
          '--duration',
          `${DURATION_MS / 1000}s`,
          '--invalid-ratio',
          '0.02',
          '--progress',
          'off',
          '--log-level',
          'warn',
          '--json',
        ],
        {
          env: { PATH: process.env['PATH'] ?? '', KAFKA_BROKERS: cluster.bootstrap },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let summary = '';
      generator.stdout.on('data', (chunk: Buffer) => (summary += chunk.toString('utf8')));
      const generatorExit = new Promise<number | null>((r) => generator.on('exit', (code) => r(code)));

      const started = Date.now();
      const seconds = () => (Date.now() - started) / 1000;
      const committedSum = async () => sumOffsets((await committedDuringFaults(t.group, t.input)).values());
      // Recovered when the group commits past where it stood, or has nothing left to commit.
      const progressed = async (at: number) =>
        (await committedSum()) > at || (await drained(t.group, t.input, committedDuringFaults));
      const samples: SoakSample[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          try {
            const [ends, done] = [sumOffsets((await endOffsets(t.input)).values()), await committedSum()];
            samples.push({ t: seconds(), lag: Math.max(0, ends - done), rssMiB: rssMiB(processor.child.pid) });
          } catch {
            // the sample is skipped while the cluster cannot answer
          }
          await sleep(10_000);
        }
      })();

      const spans: Array<SoakFaultSpan & { recoveryMs: number }> = [];
      for (let k = 0; started + (k + 1) * FAULT_EVERY_MS < started + DURATION_MS; k++) {
        await sleep(Math.max(0, started + k * FAULT_EVERY_MS + FAULT_EVERY_MS / 2 - Date.now()));
        const from = seconds();
        let name: string;
        if (k % (FAULTS.length + 1) === FAULTS.length) {
          name = 'processor SIGKILLed, restarted 5 s later';
          const dead = processor;
          processor = undefined as unknown as ProcessorProcess;
          dead.kill('SIGKILL');
          await dead.exited;
          await sleep(5_000);
          processor = await ProcessorProcess.start({ ...t, brokers: cluster.bootstrap, env: processorEnv });
          restarted = processor;
          watch(processor);
          await processor.waitReady(120_000);
        } else {
          const fault = FAULTS[k % (FAULTS.length + 1)]!;
          name = fault.name;
          await fault.on(cluster, t);
          await sleep(fault.ms);
          await fault.off(cluster);
        }
        const endedAt = Date.now();
        const at = await committedSum();
        await waitFor(`a commit after "${name}"`, () => progressed(at), 300_000);
        spans.push({ name, from, to: seconds(), recoveryMs: Date.now() - endedAt });
      }

      // 1: the generator gave up on some records during a fault (its summary says how many); the input counts.
      expect([0, 1]).toContain(await generatorExit);
      const generated = JSON.parse(summary.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      await waitFor('drained', () => drained(t.group, t.input, committedDuringFaults), 600_000);
      sampling = false;
      await sampler;
      const result = await account(t.input, t.output, t.dlq);
      const quarters = rssQuarters(samples);
      const report = {
        guarantee: GUARANTEE,
        minutes: DURATION_MS / 60_000,
        rate: RATE,
        inputs: result.inputs,
        outputs: result.outputs,
        deadLetters: result.deadLetters,
        lost: result.missing.length,
        duplicates: result.duplicates,
        unknown: result.unknown,
        unexpectedProcessorExits: unexpectedExits,
        generator: generated,
        maxLag: Math.max(0, ...samples.map((s) => s.lag)),
        rssFirstQuarterMiB: Math.round(quarters.first),
        rssLastQuarterMiB: Math.round(quarters.last),
        rssChange: Number(quarters.change.toFixed(3)),
        faults: spans.map((s) => ({ name: s.name, atMin: Number((s.from / 60).toFixed(1)), recoveryMs: s.recoveryMs })),
      };
      fs.mkdirSync(RESULTS, { recursive: true });
      const stem = path.join(RESULTS, `long-soak-${GUARANTEE}`);
      fs.writeFileSync(`${stem}.json`, `${JSON.stringify({ ...report, samples }, null, 1)}\n`);
      fs.writeFileSync(
        `${stem}.svg`,
        soakPlot(samples, spans, `${report.minutes} min, ${RATE} events/s, ${GUARANTEE}`),
      );
      process.stdout.write(`[soak] ${JSON.stringify(report)}\n`);

      expect(result.missing).toEqual([]);
      expect(result.unknown).toBe(0);
      expect(result.outputs + result.deadLetters).toBe(result.inputs + result.duplicates);
      expect(unexpectedExits).toBe(0);
      if (GUARANTEE === 'exactly_once') expect(result.duplicates).toBe(0);
    },
    DURATION_MS + 30 * 60_000,
  );
});
