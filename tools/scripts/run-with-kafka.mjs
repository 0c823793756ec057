#!/usr/bin/env node
// Runs a command with a real Kafka available: the broker at KAFKA_BROKERS if one answers there, otherwise the
// tools/kafka broker, leased for the duration of the command (started if needed, stopped afterwards only if this
// run started it). Used by `npm test` so that all integration targets share one broker.
import { spawn } from 'node:child_process';
import { brokerAnswers, release, setLeaseStartedFor, up } from '../kafka/kafka.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: run-with-kafka.mjs <command> [args…]\n');
  process.exit(2);
}

let leased = false;
let env = process.env;
const external = process.env.KAFKA_BROKERS;
if (external && (await brokerAnswers(external))) {
  process.stderr.write(`[run-with-kafka] using the broker at KAFKA_BROKERS=${external}\n`);
} else {
  const res = await up({ brokers: 1, lease: process.pid });
  leased = true;
  env = { ...process.env, KAFKA_BROKERS: res.bootstrap };
  process.stderr.write(
    `[run-with-kafka] Kafka ${res.version} at ${res.bootstrap} (${res.started ? 'started for this run' : 'already running'})\n`,
  );
  // Started for this run: the last lease holder (this script, or a test process still running) stops it.
  if (res.started) setLeaseStartedFor();
}

const child = spawn(command, args, { stdio: 'inherit', env });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
if (leased) {
  const res = await release(process.pid);
  if (res.stopped) process.stderr.write('[run-with-kafka] stopped the Kafka this run started\n');
}
process.exit(code);
