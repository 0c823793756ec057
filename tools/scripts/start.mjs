#!/usr/bin/env node
// `npm start`: the whole pipeline on this machine. Uses the broker at KAFKA_BROKERS if one answers, otherwise starts
// the tools/kafka broker; creates the topics; builds and runs the processor and the generator; prints their logs.
// Ctrl-C stops the apps (SIGTERM, they drain and commit) and then the broker, if this command started it.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerAnswers, createTopics, down, up } from '../kafka/kafka.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const say = (msg) => process.stderr.write(`[start] ${msg}\n`);

// A development key, visibly so: production deployments must set MASKING_KEY (or MASKING_KEY_FILE) themselves.
const DEV_MASKING_KEY = 'dev-only-masking-key-DO-NOT-USE-IN-PRODUCTION';


const apps = [
  { name: 'processor', env: { MASKING_KEY: process.env.MASKING_KEY ?? DEV_MASKING_KEY, MASKING_KEY_ID: process.env.MASKING_KEY_ID ?? 'dev', HTTP_PORT: process.env.PROCESSOR_HTTP_PORT ?? '8080', LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' } },
  { name: 'generator', env: { HTTP_PORT: process.env.GENERATOR_HTTP_PORT ?? '8081', LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty', GENERATOR_RATE: process.env.GENERATOR_RATE ?? '50', GENERATOR_INVALID_RATIO: process.env.GENERATOR_INVALID_RATIO ?? '0.05', GENERATOR_PROGRESS: process.env.GENERATOR_PROGRESS ?? 'log' } },
];

let brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
let startedKafka = false;
if (await brokerAnswers(brokers)) {
  say(`using the Kafka broker at ${brokers}`);
} else {
  say(`no broker answers at ${brokers}: starting a local Apache Kafka (tools/kafka)`);
  const res = await up({ brokers: 1 });
  brokers = res.bootstrap;
  startedKafka = res.started;
  say(`Kafka ${res.version} is up at ${brokers}`);
}
for (const t of await createTopics({ brokers })) say(`topic ${t.topic}: ${t.partitions} partitions${t.created ? ' (created)' : ''}`);

say(`building ${apps.map((a) => a.name).join(', ')}`);
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...apps.map((a) => a.name), '--outputStyle=static'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) {
  say('build failed');
  if (startedKafka) await down();
  process.exit(1);
}
if (!process.env.MASKING_KEY) say(`MASKING_KEY is not set: using the DEVELOPMENT key "${DEV_MASKING_KEY}" (never use it in production)`);

const children = apps.map((app) => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/apps', app.name, 'main.js')], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: brokers, ...app.env },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which stops the apps one by one (a second signal
    // straight from the terminal would make them exit without committing).
    detached: true,
  });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ app: app.name, code, signal })));
  return child;
});

let stopping = false;
async function stop(reason) {
  if (stopping) return;
  stopping = true;
  say(`${reason}: stopping the apps (they finish and commit their in-flight work)`);
  // Generator first, so the processor drains what was produced.
  for (const child of [...children].reverse()) {
    if (child.exitCode === null) child.kill('SIGTERM');
    await child.exited;
  }
  if (startedKafka) {
    say('stopping the Kafka broker this command started');
    await down();
  }
  say('stopped');
  process.exit(0);
}
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));
const first = await Promise.race(children.map((c) => c.exited));
if (!stopping) {
  say(`${first.app} exited (code ${first.code}${first.signal ? `, signal ${first.signal}` : ''})`);
  await stop(`${first.app} exited`);
}
