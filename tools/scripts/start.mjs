#!/usr/bin/env node
// `npm start`: the whole pipeline on this machine. Uses the broker at KAFKA_BROKERS if one answers, otherwise starts
// the tools/kafka broker (on this machine only: KAFKA_BROKERS unset, or 127.0.0.1:PORT / localhost:PORT); creates
// the topics; builds and runs the processor and the generator; prints their logs.
// Ctrl-C (or SIGTERM, SIGHUP) at any moment stops what runs: the apps with SIGTERM (they finish and commit their
// in-flight work) and the broker if this command started it, also while it is still starting.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  brokerAnswers,
  clusterStatus,
  createTopics,
  down,
  loopbackPort,
  resolveBasePort,
  up,
} from '../kafka/kafka.mjs';
import { DEV_MASKING_KEY, generatorDevEnv, processorDevEnv } from './dev-env.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// An app that has not exited this long after SIGTERM is killed (its own grace period is 20-25 s).
const APP_STOP_TIMEOUT_MS = 60_000;

// ---------- output that survives a closed pipe ----------
// Our stdout and stderr may be a pipe that closes (`npm start | head`, or `| tee` ended by the same Ctrl-C). A write
// then fails with EPIPE: from then on that stream's output is dropped. It must never become an exception that ends
// this process, which would leave the apps without their graceful stop and the broker running.
const closed = new Set();
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => closed.add(stream));

function write(stream, text) {
  if (closed.has(stream)) return;
  try {
    stream.write(text);
  } catch {
    closed.add(stream); // a synchronous EPIPE: same as the 'error' event above
  }
}
const say = (msg) => write(process.stderr, `[start] ${msg}\n`);

/** Forwards a child's output line by line (two apps never interleave within a line); keeps reading when ours is closed. */
function forward(from, to) {
  readline.createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => write(to, `${line}\n`));
}

// ---------- stopping: installed before anything starts ----------
const stopping = new AbortController();
let signals = 0;
function onSignal(reason) {
  signals += 1;
  if (signals === 1) {
    say(
      `${reason}: stopping (the apps finish and commit their in-flight work; then the broker, if npm start started it)`,
    );
    stopping.abort();
  } else {
    say(`${reason} again: still stopping, please wait`);
  }
}
process.on('SIGINT', () => onSignal('Ctrl-C'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGHUP', () => onSignal('SIGHUP'));
const stopped = new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));

const apps = [
  { name: 'processor', env: processorDevEnv() },
  { name: 'generator', env: generatorDevEnv() },
];

class StartError extends Error {}

/** The broker to use: one that answers at KAFKA_BROKERS (or the default address), else a tools/kafka broker we start. */
async function chooseBroker() {
  const explicit = process.env.KAFKA_BROKERS;
  const wanted = explicit ?? `127.0.0.1:${resolveBasePort(process.env)}`;
  if (await brokerAnswers(wanted)) {
    if (explicit) say(`using the Kafka broker at ${wanted}`);
    else {
      const local = await clusterStatus();
      if (local.running && local.bootstrap === wanted)
        say(`using the local Kafka (tools/kafka) already running at ${wanted}`);
      else
        say(
          `a Kafka broker not started by npm start or tools/kafka answers at ${wanted}: using it as it is (set KAFKA_BROKERS to use another)`,
        );
    }
    return { brokers: wanted, started: false };
  }
  if (explicit && loopbackPort(explicit) === undefined) {
    throw new StartError(
      `no Kafka broker answers at KAFKA_BROKERS=${explicit}, and npm start starts one only on this machine (127.0.0.1:PORT or localhost:PORT)`,
    );
  }
  say(`no broker answers at ${wanted}: starting a local Apache Kafka (tools/kafka; Ctrl-C stops it)`);
  const res = await up({ brokers: 1, signal: stopping.signal });
  say(`Kafka ${res.version} is up at ${res.bootstrap}`);
  return { brokers: res.bootstrap, started: res.started };
}

/** `nx build` of the apps; killed (its whole process group) when we are stopped meanwhile. */
async function build() {
  say(`building ${apps.map((a) => a.name).join(', ')}`);
  const child = spawn(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', ...apps.map((a) => a.name), '--outputStyle=static'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const onStop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch (err) {
      if (err.code !== 'ESRCH') throw err; // ESRCH: the build had just finished
    }
  };
  stopping.signal.addEventListener('abort', onStop, { once: true });
  const code = await exited;
  stopping.signal.removeEventListener('abort', onStop);
  if (stopping.signal.aborted) return;
  if (code !== 0) throw new StartError('the build failed');
}

function startApp(app, brokers) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/apps', app.name, 'main.js')], {
    cwd: repoRoot,
    // Their output reaches the terminal through our pipes: FORCE_COLOR keeps their pretty logs coloured there (an
    // app colours only a terminal; NO_COLOR, when set, still wins).
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers,
      ...(process.stdout.isTTY && process.stderr.isTTY ? { FORCE_COLOR: '1' } : {}),
      ...app.env,
    },
    // Their output comes through us (see forward): a closed terminal pipe never reaches them as EPIPE.
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this script, which stops the apps one by one (a second signal
    // straight from the terminal would make them exit without committing).
    detached: true,
  });
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  child.app = app.name;
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ app: app.name, code, signal })));
  return child;
}

/** SIGTERM to each app still running, generator first (the processor drains what was produced); their exits. */
async function stopApps(running) {
  const results = [];
  for (const child of [...running].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        say(`${child.app} did not exit within ${APP_STOP_TIMEOUT_MS / 1000} s of SIGTERM: killing it`);
        child.kill('SIGKILL');
      }, APP_STOP_TIMEOUT_MS);
      results.push({ ...(await child.exited), stoppedByUs: true });
      clearTimeout(timer);
    } else {
      results.push(await child.exited);
    }
  }
  return results;
}

const describeExit = ({ app, code, signal }) => `${app} exited (${signal ? `signal ${signal}` : `code ${code}`})`;

const children = [];

/** Runs until Ctrl-C or until an app exits; then stops what it started. Exit code 0 only if all stopped cleanly. */
async function main() {
  let kafka = { started: false };
  let failed = false;
  try {
    kafka = await chooseBroker();
    if (stopping.signal.aborted) return;
    for (const t of await createTopics({ brokers: kafka.brokers }))
      say(`topic ${t.topic}: ${t.partitions} partitions${t.created ? ' (created)' : ''}`);
    if (stopping.signal.aborted) return;
    await build();
    if (stopping.signal.aborted) return;
    if (!process.env.MASKING_KEY)
      say(`MASKING_KEY is not set: using the DEVELOPMENT key "${DEV_MASKING_KEY}" (never use it in production)`);
    for (const app of apps) children.push(startApp(app, kafka.brokers));
    say(
      `running ${apps.map((a) => `${a.name} (http://127.0.0.1:${a.env.HTTP_PORT}/metrics)`).join(', ')}; Ctrl-C stops them`,
    );
    const first = await Promise.race([...children.map((c) => c.exited), stopped.then(() => undefined)]);
    if (first) {
      say(`${describeExit(first)} on its own: stopping the rest`);
      failed = true;
    }
  } catch (err) {
    // AbortError: Ctrl-C during the broker start, and up() has stopped what it had started. Anything else is one
    // sentence (a taken port, an unreachable KAFKA_BROKERS, a failed build), never a stack trace.
    if (err.name !== 'AbortError') {
      failed = true;
      say(err.message);
    }
  } finally {
    for (const result of await stopApps(children)) {
      // Ended by our SIGTERM itself: it came before the app had set up its handler, so there was no work to finish.
      const early = result.signal === 'SIGTERM' && result.stoppedByUs;
      say(early ? `${result.app} stopped (SIGTERM came before it had started)` : describeExit(result));
      if (result.code !== 0 && !early) failed = true;
    }
    if (kafka.started) {
      say('stopping the Kafka broker npm start started');
      await down();
    }
    say(failed ? 'stopped (see the errors above)' : 'stopped');
    process.exitCode = failed ? 1 : 0;
  }
}

// Last resort if this process ends while an app still runs: SIGTERM (they drain on their own), never SIGKILL.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

await main();
process.exit();
