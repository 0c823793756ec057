// `npm start` stops gracefully at any moment: Ctrl-C during the broker start, and Ctrl-C while the apps run with
// its output piped to a reader that went away (EPIPE). On a private broker port (the start script follows a
// loopback KAFKA_BROKERS) and run dir. Run by `npm test` (node --test tools/).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, 'start.mjs');
// CLUSTER_BASE_PORTS.toolsNpmStart in libs/kafka/src/testing/cluster-ports.ts.
const KAFKA_PORT = 19492;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function javaPids(runDir) {
  return fs.readdirSync('/proc').filter((pid) => {
    try {
      return (
        /^\d+$/.test(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`-Dlocal.kafka.run.dir=${runDir}`)
      );
    } catch {
      return false; // the process ended while we looked
    }
  });
}

function childPids(parent) {
  return fs.readdirSync('/proc').filter((pid) => {
    try {
      return (
        /^\d+$/.test(pid) &&
        fs
          .readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ')[1] === String(parent)
      );
    } catch {
      return false; // the process ended while we looked
    }
  });
}

function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function httpOk(port, route) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: route, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** start.mjs as `npm start` runs it, on our private broker port and run dir; collects its stderr while we read. */
async function startScript(extraEnv = {}) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-test-'));
  const { LOCAL_KAFKA_PORT, KAFKA_BROKERS, ...env } = process.env;
  const ports = { processor: await freePort(), generator: await freePort() };
  const child = spawn(process.execPath, [script], {
    env: {
      ...env,
      KAFKA_BROKERS: `127.0.0.1:${KAFKA_PORT}`,
      LOCAL_KAFKA_RUN_DIR: runDir,
      LOCAL_KAFKA_HEAP: '512m',
      PROCESSOR_HTTP_PORT: String(ports.processor),
      GENERATOR_HTTP_PORT: String(ports.generator),
      GENERATOR_RATE: '20',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, runDir, ports, stderr: '' };
  child.stderr.on('data', (chunk) => (run.stderr += chunk));
  child.stdout.resume();
  run.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return run;
}

describe('npm start stops gracefully', { timeout: 900_000 }, () => {
  const runs = [];
  after(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      for (const pid of javaPids(run.runDir)) process.kill(Number(pid), 'SIGKILL');
      fs.rmSync(run.runDir, { recursive: true, force: true });
    }
  });

  test('Ctrl-C during the broker start-up stops the start in progress', async () => {
    const run = await startScript();
    runs.push(run);
    // The broker process exists, and start-up takes ~20 s or more: the signal lands while it is starting.
    await until(
      'the broker process',
      () => javaPids(run.runDir).length > 0 && /starting Apache Kafka/.test(run.stderr),
      120_000,
    );
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    assert.doesNotMatch(run.stderr, /is up at/, `the broker had finished starting:\n${run.stderr}`);
    assert.match(run.stderr, /Ctrl-C: stopping/);
    assert.equal(code, 0, run.stderr);
    assert.deepEqual(javaPids(run.runDir), [], 'the broker it was starting is stopped');
  });

  test('Ctrl-C while the apps run, after the reader of its output went away: apps exit 0, broker stopped', async () => {
    const run = await startScript();
    runs.push(run);
    await until('the first line of output', () => run.stderr.length > 0, 60_000);
    // The reader goes away (`npm start | head`): every later write of start.mjs and the apps' logs meets EPIPE.
    run.child.stdout.destroy();
    run.child.stderr.destroy();
    // Liveness bound with a wide margin: broker start, topic creation and an nx build (seconds when cached).
    await until(
      'the processor ready and the generator serving',
      async () => (await httpOk(run.ports.processor, '/readyz')) && (await httpOk(run.ports.generator, '/healthz')),
      600_000,
    );
    await sleep(3000); // the generator produces, the processor logs: output flows into the closed pipe
    const apps = childPids(run.child.pid).filter((pid) =>
      /dist\/apps\/(processor|generator)\/main\.js/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')),
    );
    assert.equal(apps.length, 2, 'both apps run as children of start.mjs');
    assert.equal(run.child.exitCode, null, 'start.mjs survived the closed pipe');
    run.child.kill('SIGINT');
    const { code, signal } = await run.exited;
    // start.mjs exits 0 only when every app exited with code 0 after SIGTERM and the broker it started was stopped.
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.deepEqual(apps.filter(alive), [], 'the apps are gone');
    assert.deepEqual(javaPids(run.runDir), [], 'the broker npm start started is stopped');
  });

  test('a KAFKA_BROKERS port taken by another program is one sentence and exit 1', async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const run = await startScript({ KAFKA_BROKERS: `localhost:${server.address().port}` });
      runs.push(run);
      const { code } = await run.exited;
      assert.equal(code, 1);
      assert.match(
        run.stderr,
        new RegExp(
          `\\[start\\] port ${server.address().port} \\(broker port of node 1\\) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT\\n`,
        ),
      );
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    } finally {
      server.close();
    }
  });

  test('an unreachable KAFKA_BROKERS that is not on this machine is one sentence and exit 1', async () => {
    const run = await startScript({ KAFKA_BROKERS: 'kafka.invalid:9092' });
    runs.push(run);
    const { code } = await run.exited;
    assert.equal(code, 1);
    assert.match(
      run.stderr,
      /\[start\] no Kafka broker answers at KAFKA_BROKERS=kafka\.invalid:9092, and npm start starts one only on this machine/,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  });
});
